"""Drawing helpers: seeded random streams, weighted choices, Faker name pools, ASCII slugs.

Everything here is deterministic: random streams are seeded with strings (never `hash()`, set
order or the wall clock) and the Faker pools are generated once per locale with a fixed seed.
"""

import random
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from leadboard.demo import names


class Random(random.Random):
    """random.Random with a cheaper choice/randint (one float draw each); still fully seeded."""

    def choice(self, seq: Sequence[Any]) -> Any:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


T = TypeVar("T")


class Pick(Generic[T]):
    """A weighted choice by bisecting cumulative weights (random.choices is slower for one)."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        listed = list(pairs)
        self.values = [value for value, _ in listed]
        self.cum = list(accumulate(float(weight) for _, weight in listed))
        self.total = self.cum[-1] if self.cum else 0.0

    def __call__(self, rand: Callable[[], float]) -> T:
        return self.values[bisect(self.cum, rand() * self.total)]


def zipf(values: Sequence[Any], exponent: float = 1.0) -> list[tuple[Any, float]]:
    """Weights for values listed most popular first."""
    return [(value, 1 / (rank + 1) ** exponent) for rank, value in enumerate(values)]


ASCII = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ł": "l", "Ł": "l"})


def to_ascii(text: str) -> str:
    """Lower-case letters and digits only, accents dropped (for e-mail addresses and domains)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


NamePools = dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]


@lru_cache(maxsize=2)
def name_pools(seed: int) -> NamePools:
    """First names, last names and company names per Faker locale, generated once per seed."""
    from faker import Faker

    pools = {}
    for index, locale in enumerate(names.LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        first = _unique(fake.first_name() for _ in range(400))
        last = _unique(fake.last_name() for _ in range(400))
        companies = _unique(fake.company() for _ in range(300))
        pools[locale] = (first, last, companies)
    return pools
