"""Unit tests of the cockpit's pacing maths, without Odoo."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "addons/sales_plus/services/cockpit_pacing.py"
_SPEC = importlib.util.spec_from_file_location("cockpit_pacing", _PATH)
cp = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(cp)


def test_period_bounds():
    assert cp.period_bounds("month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert cp.period_bounds("quarter", date(2024, 8, 10)) == (date(2024, 7, 1), date(2024, 9, 30))
    assert cp.period_bounds("year", date(2024, 8, 10)) == (date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(ValueError):
        cp.period_bounds("week", date(2024, 1, 1))


def test_previous_and_last_year():
    assert cp.previous_period(date(2024, 3, 1), date(2024, 3, 31)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert cp.previous_period(date(2024, 1, 1), date(2024, 3, 31)) == (date(2023, 10, 1), date(2023, 12, 31))
    assert cp.previous_period(date(2024, 3, 5), date(2024, 3, 14)) == (date(2024, 2, 24), date(2024, 3, 4))
    assert cp.same_period_last_year(date(2024, 2, 1), date(2024, 2, 29)) == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )
    assert cp.same_period_last_year(date(2023, 2, 1), date(2023, 2, 28)) == (
        date(2022, 2, 1),
        date(2022, 2, 28),
    )


def test_working_days_and_holidays():
    assert cp.working_days(date(2024, 3, 1), date(2024, 3, 31)) == 21
    assert cp.working_days(date(2024, 3, 1), date(2024, 3, 31), holidays=[date(2024, 3, 29)]) == 20
    assert cp.working_days(date(2024, 3, 1), date(2024, 3, 31), weekdays=frozenset(range(6))) == 26
    assert cp.working_days(date(2024, 3, 2), date(2024, 3, 1)) == 0


def test_pacing():
    figures = cp.pacing(2100.0, 600.0, date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 20))
    assert figures["elapsed"] == pytest.approx(14 / 21)
    assert figures["expected"] == pytest.approx(1400.0)
    assert figures["completion"] == pytest.approx(600 / 2100)
    assert figures["forecast"] == pytest.approx(900.0)
    before = cp.pacing(100.0, 0.0, date(2024, 3, 1), date(2024, 3, 31), date(2024, 2, 1))
    assert before["elapsed"] == 0 and before["forecast"] == 0
    assert cp.pacing(0.0, 5.0, date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 20))["completion"] is None


def test_prorate_and_spread():
    assert (
        cp.prorate(262.0, date(2024, 1, 1), date(2024, 12, 31), date(2024, 3, 1), date(2024, 3, 31)) == 21.0
    )
    assert cp.prorate(50.0, date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 1), date(2024, 3, 31)) == 50.0
    assert cp.prorate(50.0, date(2024, 4, 1), date(2024, 4, 30), date(2024, 3, 1), date(2024, 3, 31)) == 0.0
    assert sum(cp.spread(1000.0, [100 / 12] * 12)) == pytest.approx(1000.0)
    assert cp.spread(100.0, [50, 50]) == [50.0, 50.0]
    with pytest.raises(ValueError):
        cp.spread(100.0, [50, 40])
    with pytest.raises(ValueError):
        cp.spread(100.0, [150, -50])
