"""One Settings object, read from LEADBOARD_* environment variables and passed in, never global.

Plain Python rather than pydantic-settings: every `leadboard` command reads its settings, and
importing pydantic alone cost each command ~100 ms of its start (bench/cli_startup.py).
"""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ExecutorKind = Literal["base", "fast"]
LogFormat = Literal["auto", "json", "text"]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]

PREFIX = "LEADBOARD_"
# What pydantic accepted for a yes/no, so existing set-ups keep working.
TRUE = {"1", "true", "t", "yes", "y", "on"}
FALSE = {"0", "false", "f", "no", "n", "off"}


class SettingsError(ValueError):
    """A setting with an unusable value; the message starts with its name (`capture-rate: ...`)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name.replace('_', '-')}: {message}")
        self.name = name


def _bounds(low: float, high: float | None = None) -> dict[str, float | None]:
    return {"ge": low, "le": high}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """`Settings(...)`: the values given, defaults for the rest; `Settings.from_env(...)`: the
    values given, then LEADBOARD_* variables, then defaults. Each value is checked either way."""

    database_url: str = "sqlite:///./leadboard.db"
    timezone: str = "Europe/Amsterdam"
    base_currency: str = "EUR"
    # Signs session cookies; unset = a random key kept in the database (see auth/secret.py).
    secret_key: str | None = None
    # Capture endpoint: posts per minute per client address and form (SPEC 6.1).
    capture_rate: int = 20
    # Identical capture posts (form, client, fields) within this many seconds are one (0: off).
    capture_dedupe_seconds: float = field(default=10.0, metadata=_bounds(0))
    # Capture posts waiting for the writer (group commit) before a post is answered 503.
    capture_queue: int = field(default=2000, metadata=_bounds(1))
    # SQLite: a capture waiting this long for another process's write lock (a large import) is
    # kept in the spool beside the database and answered 202 `queued`, stored once the lock is
    # free (capture/spool.py); 0: it waits, up to the 30 s busy timeout, then 503.
    capture_spool_after_ms: int = field(default=1000, metadata=_bounds(0, 30_000))
    # Request bodies in KB: every route but capture, and the public capture endpoint.
    max_body_kb: int = field(default=1024, metadata=_bounds(1))
    capture_max_body_kb: int = field(default=64, metadata=_bounds(1))
    # Addresses (comma-separated, or *) whose X-Forwarded-For/-Proto `leadboard serve` believes;
    # empty: proxy headers are ignored, the client is the connection's address.
    trusted_proxies: str = ""
    # Send session cookies only over HTTPS; set it when serving behind TLS.
    secure_cookies: bool = False
    # How dashboards are computed: "fast" (the default) caches each query's rows until a write
    # changes the tables it reads; "base" runs every query on the tables each time (reference).
    executor: ExecutorKind = "fast"
    # The fast executor's result cache, per process, in MB (an LRU by approximate size); 0: off.
    cache_mb: int = field(default=64, metadata=_bounds(0))
    # The rollups (tiles in pieces of time) from this many leads or sales on; below it a
    # dashboard's queries on the tables are fast already and pieces would only add queries.
    rollups_from: int = field(default=20_000, metadata=_bounds(0))
    # How often an open dashboard page asks whether its tiles' data changed, in ms; 0: never
    # (the page then changes only with its auto-refresh).
    poll_ms: int = field(default=500, metadata=_bounds(0, 60_000))
    # `leadboard serve`'s logs on stderr: one JSON object a line, or readable text lines (auto:
    # text on a terminal, JSON otherwise); the level of Leadboard's and uvicorn's loggers.
    log_format: LogFormat = "auto"
    log_level: LogLevel = "info"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **values: Any) -> "Settings":
        """`environ`: os.environ by default; names are matched without regard to case."""
        environ = os.environ if environ is None else environ
        given = {name.upper(): value for name, value in environ.items()}
        for name in cls.names():
            if name not in values and f"{PREFIX}{name.upper()}" in given:
                values[name] = given[f"{PREFIX}{name.upper()}"]
        return cls(**values)

    @classmethod
    def names(cls) -> list[str]:
        return [spec.name for spec in fields(cls)]

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = _checked(spec.name, spec.type, getattr(self, spec.name), spec.metadata)
            object.__setattr__(self, spec.name, value)  # frozen: set once, here

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _checked(name: str, kind: Any, value: Any, bounds: Mapping[str, Any]) -> Any:
    if kind in (int, float):
        value = _number(name, kind, value)
        if bounds.get("ge") is not None and value < bounds["ge"]:
            raise SettingsError(name, f"must be at least {bounds['ge']}, got {value}")
        if bounds.get("le") is not None and value > bounds["le"]:
            raise SettingsError(name, f"must be at most {bounds['le']}, got {value}")
        return value
    if kind is bool:
        return _yes_no(name, value)
    if kind in (ExecutorKind, LogFormat, LogLevel):
        choice = value.strip().lower() if isinstance(value, str) else value
        if choice not in get_args(kind):
            raise SettingsError(name, f"one of {', '.join(get_args(kind))}, got {value!r}")
        return choice
    if value is None and kind == (str | None):
        return None
    if not isinstance(value, str):
        raise SettingsError(name, f"must be text, got {value!r}")
    return _CHECKS.get(name, str)(value)


def _number(name: str, kind: type[int] | type[float], value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SettingsError(name, f"must be a number, got {value!r}")
    try:
        number = kind(value.strip()) if isinstance(value, str) else value
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(name, f"must be {what}, got {value!r}") from None
    if not math.isfinite(number):  # before int(): int(inf) raises
        raise SettingsError(name, f"must be a finite number, got {value!r}")
    if kind is int and number != int(number):
        raise SettingsError(name, f"must be a whole number, got {value!r}")
    return kind(number)


def _yes_no(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE | FALSE:
        return word in TRUE
    raise SettingsError(name, f"must be true or false (1/0, yes/no, on/off), got {value!r}")


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("timezone", f"unknown timezone {value!r}") from None
    return value


def _currency_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise SettingsError(
            "base_currency", f"base currency must be a 3-letter ISO code, got {value!r}"
        )
    return code


_CHECKS = {"timezone": _known_timezone, "base_currency": _currency_code}
