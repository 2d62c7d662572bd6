"""The log-in throttle's window (auth/throttle.py), with a clock the test moves: what counts, when
an account or address is free again (Retry-After), and that a success forgets the account."""

from datetime import UTC, datetime, timedelta

from leadboard.auth.throttle import LoginThrottle

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_ten_failures_block_the_eleventh_attempt_until_the_oldest_ages_out() -> None:
    throttle = LoginThrottle()
    keys = throttle.keys(" Ann@Example.com", "10.0.0.1")
    assert keys == ("account:ann@example.com", "address:10.0.0.1")
    for i in range(10):  # one failure a minute, at 0, 60, ..., 540 s
        assert throttle.retry_after(keys, at(60 * i)) is None
        throttle.failed(keys, at(60 * i))
    # At 600 s the oldest failure (0 s) counts until 900 s: wait 300 s.
    assert throttle.retry_after(keys, at(600)) == 300
    assert throttle.retry_after(keys, at(899.5)) == 1
    # At 900 s the failure at 0 s is 15 minutes old: nine remain, one more try is allowed.
    assert throttle.retry_after(keys, at(900)) is None
    throttle.failed(keys, at(900))  # ten again (60 ... 900 s): free once 60 s is old, at 960 s
    assert throttle.retry_after(keys, at(901)) == 59


def test_account_and_address_count_separately() -> None:
    throttle = LoginThrottle()
    for i in range(10):
        throttle.failed(throttle.keys("ann@example.com", f"10.0.0.{i}"), T0)
    assert throttle.retry_after(throttle.keys("ann@example.com", "10.9.9.9"), T0) == 900
    assert throttle.retry_after(throttle.keys("bob@example.com", "10.0.0.1"), T0) is None


def test_a_success_forgets_the_accounts_failures_but_not_the_addresss() -> None:
    throttle = LoginThrottle()
    keys = throttle.keys("ann@example.com", "10.0.0.1")
    for _ in range(10):
        throttle.failed(keys, T0)
    throttle.succeeded(keys[0])
    assert throttle.retry_after(throttle.keys("ann@example.com", "10.0.0.2"), T0) is None
    assert throttle.retry_after(throttle.keys("bob@example.com", "10.0.0.1"), T0) == 900


def test_idle_keys_are_dropped_when_there_are_many() -> None:
    throttle = LoginThrottle()
    for i in range(10_001):
        throttle.failed((f"address:{i}",), T0)
    throttle.failed(("address:new",), at(901))
    assert list(throttle._failures) == ["address:new"]
