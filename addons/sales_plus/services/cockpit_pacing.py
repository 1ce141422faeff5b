# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Periods, working days and pacing of the sales performance cockpit.

Framework-free: dates in, numbers out, so that the maths are unit-tested
without a database (tests/test_services_cockpit.py).
"""

import calendar
from datetime import date, timedelta

PERIOD_TYPES = ("month", "quarter", "year")
MONDAY_TO_FRIDAY = frozenset(range(5))


def period_bounds(period_type, day):
    """First and last day of the month / quarter / year holding ``day``."""
    if period_type == "month":
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif period_type == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        last_month = first_month + 2
        end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    elif period_type == "year":
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        raise ValueError(f"unknown period type {period_type!r}")
    return start, end


def shift_years(day, years):
    """``day`` moved by whole years (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def previous_period(date_from, date_to):
    """The period of the same shape just before [date_from, date_to].

    Whole months, quarters and years give the previous month, quarter or year;
    any other range gives the same number of days just before it.
    """
    for period_type in PERIOD_TYPES:
        if (date_from, date_to) == period_bounds(period_type, date_from):
            return period_bounds(period_type, date_from - timedelta(days=1))
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def same_period_last_year(date_from, date_to):
    start = shift_years(date_from, -1)
    end = shift_years(date_to, -1)
    # keep whole months whole (February of a leap year)
    if date_to == period_bounds("month", date_to)[1]:
        end = period_bounds("month", end)[1]
    return start, end


def working_days(date_from, date_to, weekdays=MONDAY_TO_FRIDAY, holidays=()):
    """Number of working days in [date_from, date_to], both included."""
    if date_to < date_from:
        return 0
    holidays = set(holidays)
    total_days = (date_to - date_from).days + 1
    weeks, rest = divmod(total_days, 7)
    count = weeks * len(weekdays)
    for offset in range(rest):
        if (date_from + timedelta(days=weeks * 7 + offset)).weekday() in weekdays:
            count += 1
    count -= sum(1 for h in holidays if date_from <= h <= date_to and h.weekday() in weekdays)
    return count


def pacing(target, actual, date_from, date_to, today, weekdays=MONDAY_TO_FRIDAY, holidays=()):
    """Pacing figures of a target for [date_from, date_to] seen on ``today``.

    Returns a dict: ``elapsed`` (share of the working days gone, 0..1),
    ``expected`` (target times elapsed), ``completion`` (actual / target or None),
    ``pace`` (actual / expected or None), ``forecast`` (run-rate to period end).
    Today counts as elapsed; a period not started yet has elapsed 0, a finished
    one 1.
    """
    total = working_days(date_from, date_to, weekdays, holidays)
    if today < date_from:
        gone = 0
    elif today > date_to:
        gone = total
    else:
        gone = working_days(date_from, today, weekdays, holidays)
    elapsed = gone / total if total else (1.0 if today >= date_to else 0.0)
    expected = target * elapsed
    forecast = actual / elapsed if elapsed else actual
    return {
        "elapsed": elapsed,
        "expected": expected,
        "completion": actual / target if target else None,
        "pace": actual / expected if expected else None,
        "forecast": forecast,
    }


def prorate(amount, target_from, target_to, date_from, date_to, weekdays=MONDAY_TO_FRIDAY, holidays=()):
    """Share of a target of [target_from, target_to] falling in [date_from, date_to],
    by working days (a yearly target seen over one month gives that month's share)."""
    start, end = max(target_from, date_from), min(target_to, date_to)
    if end < start:
        return 0.0
    if (start, end) == (target_from, target_to):
        return amount
    total = working_days(target_from, target_to, weekdays, holidays)
    if not total:
        total, part = (target_to - target_from).days + 1, (end - start).days + 1
    else:
        part = working_days(start, end, weekdays, holidays)
    return amount * part / total


def spread(amount, weights, digits=2):
    """Split ``amount`` by ``weights`` (percentages summing to 100), rounding each
    share to ``digits`` and giving the rounding rest to the last share, so that the
    shares add up to the amount exactly."""
    if any(w < 0 for w in weights):
        raise ValueError("negative weight")
    if round(sum(weights), 6) != 100:
        raise ValueError("weights must sum to 100")
    shares = [round(amount * w / 100, digits) for w in weights]
    shares[-1] = round(amount - sum(shares[:-1]), digits)
    return shares
