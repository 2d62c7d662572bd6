"""Settings from LEADBOARD_* variables: parsed, checked, and refused with the setting's name."""

import dataclasses
import math
from zoneinfo import ZoneInfo

import pytest

from leadboard.settings import Settings, SettingsError


def test_defaults_without_any_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADBOARD_CAPTURE_RATE", "5")  # an empty mapping is not os.environ
    settings = Settings.from_env({})
    assert settings == Settings()
    assert (settings.database_url, settings.capture_rate, settings.secure_cookies) == (
        "sqlite:///./leadboard.db",
        20,
        False,
    )
    assert settings.secret_key is None
    assert settings.tz == ZoneInfo("Europe/Amsterdam")


def test_variables_are_parsed_to_their_types() -> None:
    settings = Settings.from_env(
        {
            "LEADBOARD_CAPTURE_RATE": " 7 ",
            "LEADBOARD_CAPTURE_DEDUPE_SECONDS": "2.5",
            "LEADBOARD_SECURE_COOKIES": "yes",
            "leadboard_poll_ms": "0",  # names are matched without regard to case
            "LEADBOARD_EXECUTOR": "BASE",
            "LEADBOARD_BASE_CURRENCY": " usd",
            "LEADBOARD_SECRET_KEY": "s3cret",
            "OTHER_CAPTURE_RATE": "99",
        }
    )
    assert settings.capture_rate == 7
    assert settings.capture_dedupe_seconds == 2.5
    assert settings.secure_cookies is True
    assert settings.poll_ms == 0
    assert settings.executor == "base"
    assert settings.base_currency == "USD"
    assert settings.secret_key == "s3cret"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("1", True), ("true", True), ("On", True), ("y", True), ("0", False), ("off", False)],
)
def test_yes_and_no_words(word: str, expected: bool) -> None:
    assert Settings.from_env({"LEADBOARD_SECURE_COOKIES": word}).secure_cookies is expected


def test_values_given_win_over_variables() -> None:
    environ = {"LEADBOARD_DATABASE_URL": "sqlite:///other.db", "LEADBOARD_CAPTURE_RATE": "5"}
    settings = Settings.from_env(environ, database_url="sqlite:///mine.db")
    assert (settings.database_url, settings.capture_rate) == ("sqlite:///mine.db", 5)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CAPTURE_RATE", "many", "capture-rate: must be a whole number, got 'many'"),
        ("CAPTURE_RATE", "2.5", "capture-rate: must be a whole number, got '2.5'"),
        ("CAPTURE_QUEUE", "0", "capture-queue: must be at least 1, got 0"),
        ("POLL_MS", "60001", "poll-ms: must be at most 60000, got 60001"),
        ("CAPTURE_DEDUPE_SECONDS", "-1", "capture-dedupe-seconds: must be at least 0, got -1.0"),
        ("CAPTURE_DEDUPE_SECONDS", "nan", "capture-dedupe-seconds: must be a finite number"),
        ("SECURE_COOKIES", "maybe", "secure-cookies: must be true or false"),
        ("EXECUTOR", "quick", "executor: one of base, fast, got 'quick'"),
        ("LOG_LEVEL", "loud", "log-level: one of debug, info, warning, error, critical"),
        ("TIMEZONE", "Mars/Base", "timezone: unknown timezone 'Mars/Base'"),
        ("BASE_CURRENCY", "euro", "base-currency: base currency must be a 3-letter ISO code"),
    ],
)
def test_a_bad_value_names_its_setting(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({f"LEADBOARD_{variable}": value})
    assert str(caught.value).startswith(message)
    assert caught.value.name == variable.lower()


def test_values_given_in_code_are_checked_too() -> None:
    with pytest.raises(SettingsError, match=r"^cache-mb: must be at least 0, got -1$"):
        Settings(cache_mb=-1)
    with pytest.raises(SettingsError, match=r"^capture-rate: must be a number, got True$"):
        Settings(capture_rate=True)
    with pytest.raises(SettingsError, match=r"^capture-rate: must be a finite number, got inf$"):
        Settings(capture_rate=math.inf)  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match=r"^database-url: must be text, got 5$"):
        Settings(database_url=5)  # type: ignore[arg-type]


def test_a_copy_with_another_executor_is_checked_and_keeps_the_rest() -> None:
    settings = Settings(capture_rate=3)
    assert dataclasses.replace(settings, executor="base").capture_rate == 3
    with pytest.raises(SettingsError):
        dataclasses.replace(settings, executor="slow")  # type: ignore[arg-type]
