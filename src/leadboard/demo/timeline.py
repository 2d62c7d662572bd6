"""When leads arrive: how many on each day of the history, and at which moments of that day.

The shape is growth over the three years times season, weekday and holidays, with a random
spread and the odd mailing or event; within a day, leads follow the hours of a (week)day.
"""

import math
import random
from datetime import date, datetime, time, timedelta

from leadboard.demo.context import Demo
from leadboard.demo.times import DAY, epoch

GROWTH = 2.2  # leads per day at the end / at the start
SEASON = {1: 1.05, 2: 1.0, 3: 1.1, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.75, 8: 0.7, 9: 1.1, 10: 1.15}
SEASON |= {11: 1.1, 12: 0.8}
WEEKDAY = (1.1, 1.15, 1.1, 1.05, 0.85, 0.3, 0.25)
HOLIDAYS = {(1, 1): 0.2, (12, 25): 0.2, (12, 26): 0.25, (12, 24): 0.5, (12, 31): 0.5, (4, 27): 0.6}
HOURS_WEEKDAY: tuple[float, ...] = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 7, 6.5)
HOURS_WEEKDAY += (5, 6, 6.5, 6, 5, 3.5, 2, 1.8, 1.7, 1.4, 0.9, 0.5)
HOURS_WEEKEND: tuple[float, ...] = (0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6, 2, 2.2)
HOURS_WEEKEND += (2.2, 2.2, 2.2, 2.1, 2, 2, 2.1, 2.3, 2.4, 2, 1.4, 0.9)


def day_plan(demo: Demo) -> list[tuple[date, int, bool]]:
    """(day, number of new leads, DST change that day) for every day of the history."""
    r = demo.rng("days")
    weights, special, dst = [], {}, []
    last = demo.days - 1
    for index in range(demo.days):
        day = demo.first_day + timedelta(days=index)
        weight = GROWTH ** (index / max(last, 1)) * SEASON[day.month] * WEEKDAY[day.weekday()]
        weight *= HOLIDAYS.get((day.month, day.day), 1) * r.uniform(0.8, 1.2)
        if r.random() < 0.02:
            weight *= r.uniform(1.5, 2.5)  # a mailing or an event
        weights.append(weight)
        changes = demo.day_starts[index + 1] - demo.day_starts[index] != DAY
        dst.append(changes)
        # The edge cases the dashboards must get right (DST days, New Year, today) get leads.
        if demo.n >= 200 and (changes or (day.month, day.day) == (1, 1)):
            special[index] = 2
    if demo.n >= 200:
        special[last] = 3  # a few leads today
    reserved = sum(special.values())
    if reserved * 10 > demo.n:
        special, reserved = {}, 0
    # Spread the rest by the weights, carrying the fractions so the total is exact.
    spread = demo.n - reserved
    total = sum(weights)
    counts, cumulative, offset, given = [], 0.0, r.random(), 0
    for weight in weights:
        cumulative += spread * weight / total
        upto = min(spread, math.floor(cumulative + offset))
        counts.append(upto - given)
        given = upto
    counts[-1] += spread - given
    for index, extra in special.items():
        counts[index] += extra
    days = [demo.first_day + timedelta(days=i) for i in range(demo.days)]
    return list(zip(days, counts, dst, strict=True))


def day_times(
    demo: Demo, index: int, day: date, count: int, dst: bool, r: random.Random
) -> list[int]:
    """Sorted epoch seconds of `count` new leads on that (local) day."""
    rand = r.random
    if dst:  # more leads in the night hours around the change
        shape = tuple(w + (6 if 1 <= h <= 3 else 0) for h, w in enumerate(HOURS_WEEKEND))
    else:
        shape = HOURS_WEEKEND if day.weekday() >= 5 else HOURS_WEEKDAY
    hours = demo.picker(("hours", shape), enumerate(shape))
    start = demo.day_starts[index]
    times = []
    for _ in range(count):
        hour = hours(rand)
        seconds = int(rand() * 3600)
        if dst:
            # Wall-clock times through the zone: skipped and repeated hours come out right.
            moment = time(hour, seconds // 60, seconds % 60, fold=int(rand() < 0.5))
            times.append(epoch(datetime.combine(day, moment, tzinfo=demo.tz)))
        else:
            times.append(start + hour * 3600 + seconds)
    times.sort()
    return times
