"""The REST API for sales (token auth)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["sales"])
