"""One Settings object, read from LEADBOARD_* environment variables and passed in, never global."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADBOARD_", extra="ignore")

    database_url: str = "sqlite:///./leadboard.db"
    timezone: str = "Europe/Amsterdam"
    base_currency: str = "EUR"
    # Signs session cookies; unset = a random key kept in the database (see auth/secret.py).
    secret_key: str | None = None
    # Capture endpoint: posts per minute per client address and form (SPEC 6.1).
    capture_rate: int = 20
    # Send session cookies only over HTTPS; set it when serving behind TLS.
    secure_cookies: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

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
