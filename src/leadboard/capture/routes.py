"""Public capture endpoints (the only unauthenticated writes)."""

from fastapi import APIRouter

router = APIRouter(tags=["capture"])
