"""The REST API for leads (token auth)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["leads"])
