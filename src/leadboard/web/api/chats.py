"""The REST API for chats (token auth)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["chats"])
