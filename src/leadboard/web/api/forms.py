"""The REST API for forms (token auth)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["forms"])
