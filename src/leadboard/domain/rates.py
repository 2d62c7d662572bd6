"""Currency rates: convert sale amounts to the base currency (SPEC 1.3), exactly, with Decimal."""

from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, delete, insert, select

from leadboard.db.schema import currency_rates


class RateError(ValueError):
    """A missing or invalid rate; tiles report it instead of summing wrongly."""


def parse_currency(code: str) -> str:
    code = code.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise RateError(f"currency must be a 3-letter ISO code, got {code!r}")
    return code


def list_rates(conn: Connection) -> dict[str, Decimal]:
    rows = conn.execute(select(currency_rates).order_by(currency_rates.c.currency))
    return {row.currency: Decimal(row.rate) for row in rows}


def set_rate(conn: Connection, currency: str, rate: str, base_currency: str) -> Decimal:
    currency = parse_currency(currency)
    if currency == base_currency:
        raise RateError(f"{currency} is the base currency; its rate is always 1")
    try:
        value = Decimal(rate)
    except InvalidOperation:
        raise RateError(f"rate must be a decimal number, got {rate!r}") from None
    if not value.is_finite() or value <= 0:
        raise RateError(f"rate must be a positive number, got {rate!r}")
    conn.execute(delete(currency_rates).where(currency_rates.c.currency == currency))
    conn.execute(insert(currency_rates).values(currency=currency, rate=str(value)))
    return value


class Converter:
    """Sums of cents per currency -> an amount in the base currency, rounded to 2 decimals."""

    def __init__(self, rates: dict[str, Decimal], base_currency: str) -> None:
        self.rates = {**rates, base_currency: Decimal(1)}
        self.base_currency = base_currency

    def to_base(self, cents_by_currency: dict[str, int]) -> Decimal:
        total = Decimal(0)
        for currency, cents in cents_by_currency.items():
            if currency not in self.rates:
                raise RateError(
                    f"no exchange rate for {currency} to {self.base_currency}: "
                    f"set one with `leadboard rates set {currency} RATE`"
                )
            total += Decimal(cents) / 100 * self.rates[currency]
        return total.quantize(Decimal("0.01"))
