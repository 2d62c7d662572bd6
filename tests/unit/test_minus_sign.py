"""One minus sign where people read figures: U+2212, as the charts draw it (issue 8 item 12)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leadboard.i18n import Formatter

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("lang", "percent", "money", "number"),
    [
        ("en", "\u221239.1%", "\u2212€147,300.00", "\u22121,234"),
        ("nl", "\u221239,1%", "€\xa0\u2212147.300,00", "\u22121.234"),  # a no-break space
    ],
)
def test_negative_figures_use_the_minus_sign(
    lang: str, percent: str, money: str, number: str
) -> None:
    fmt = Formatter(lang, AMS)
    assert fmt.percent(-39.1) == percent
    assert fmt.money(Decimal("-147300.00")) == money
    assert fmt.money("-147300.00") == money  # money as the JSON's decimal string
    assert fmt.number(-1234) == number
    assert fmt.signed(-1234, "count") == number
    assert "-" not in fmt.number(-1.5, decimals=1)
