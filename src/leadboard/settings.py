"""One Settings object, read from LEADBOARD_* environment variables and passed in, never global."""

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ExecutorKind = Literal["base", "fast"]
LogFormat = Literal["auto", "json", "text"]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADBOARD_", extra="ignore")

    database_url: str = "sqlite:///./leadboard.db"
    timezone: str = "Europe/Amsterdam"
    base_currency: str = "EUR"
    # Signs session cookies; unset = a random key kept in the database (see auth/secret.py).
    secret_key: str | None = None
    # Capture endpoint: posts per minute per client address and form (SPEC 6.1).
    capture_rate: int = 20
    # Identical capture posts (form, client, fields) within this many seconds are one (0: off).
    capture_dedupe_seconds: float = Field(default=10.0, ge=0)
    # Capture posts waiting for the writer (group commit) before a post is answered 503.
    capture_queue: int = Field(default=2000, ge=1)
    # Request bodies in KB: every route but capture, and the public capture endpoint.
    max_body_kb: int = Field(default=1024, ge=1)
    capture_max_body_kb: int = Field(default=64, ge=1)
    # Addresses (comma-separated, or *) whose X-Forwarded-For/-Proto `leadboard serve` believes;
    # empty: proxy headers are ignored, the client is the connection's address.
    trusted_proxies: str = ""
    # Send session cookies only over HTTPS; set it when serving behind TLS.
    secure_cookies: bool = False
    # How dashboards are computed: "fast" (the default) caches each query's rows until a write
    # changes the tables it reads; "base" runs every query on the tables each time (reference).
    executor: ExecutorKind = "fast"
    # The fast executor's result cache, per process, in MB (an LRU by approximate size); 0: off.
    cache_mb: int = Field(default=64, ge=0)
    # The rollups (tiles in pieces of time) from this many leads or sales on; below it a
    # dashboard's queries on the tables are fast already and pieces would only add queries.
    rollups_from: int = Field(default=20_000, ge=0)
    # How often an open dashboard page asks whether its tiles' data changed, in ms; 0: never
    # (the page then changes only with its auto-refresh).
    poll_ms: int = Field(default=500, ge=0, le=60_000)
    # `leadboard serve`'s logs on stderr: one JSON object a line, or readable text lines (auto:
    # text on a terminal, JSON otherwise); the level of Leadboard's and uvicorn's loggers.
    log_format: LogFormat = "auto"
    log_level: LogLevel = "info"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("base_currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        code = value.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"base currency must be a 3-letter ISO code, got {value!r}")
        return code

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
