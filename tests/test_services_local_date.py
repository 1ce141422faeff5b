"""Unit tests of addons/sales_plus/services/local_date.py (the database check
that the dates match PostgreSQL's is in the Odoo tests, test_rfm.py)."""

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "addons" / "sales_plus" / "services" / "local_date.py"
_SPEC = importlib.util.spec_from_file_location("sales_plus_services_local_date", _PATH)
local_date = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(local_date)

NOW = datetime(2026, 11, 23)


def test_zones_without_any_change():
    assert local_date.fixed_offset("UTC", NOW) == (None, timedelta(0))
    assert local_date.fixed_offset("Etc/GMT-8", NOW) == (None, timedelta(hours=8))


def test_zones_that_stopped_changing():
    since, offset = local_date.fixed_offset("Asia/Shanghai", NOW)
    assert offset == timedelta(hours=8)
    assert datetime(1991, 1, 1) < since < datetime(1992, 1, 1), (
        "China's last daylight saving time ended in 1991"
    )
    since, offset = local_date.fixed_offset("Asia/Taipei", NOW)
    assert offset == timedelta(hours=8)
    assert since < datetime(1980, 1, 1)
    since, offset = local_date.fixed_offset("Asia/Kolkata", NOW)
    assert offset == timedelta(hours=5, minutes=30)


def test_zones_that_still_change_or_are_unknown():
    assert local_date.fixed_offset("Europe/Paris", NOW) is None
    assert local_date.fixed_offset("America/New_York", NOW) is None
    assert local_date.fixed_offset("Nowhere/Atlantis", NOW) is None
    # a zone whose last change is still to come counts as changing
    since, _offset = local_date.fixed_offset("Asia/Shanghai", NOW)
    assert local_date.fixed_offset("Asia/Shanghai", since - timedelta(days=1)) is None
