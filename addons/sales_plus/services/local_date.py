# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When a timezone stopped changing its offset from UTC, free of Odoo.

Turning each order's UTC timestamp into a local date with PostgreSQL's
``AT TIME ZONE`` looks the zone's rules up row by row. A zone whose offset no
longer changes (UTC, Asia/Shanghai since 1991, Asia/Taipei since 1979) gives
the same dates by adding that offset to the timestamps since its last change.
:func:`fixed_offset` says since when and which offset, from the zone rules Odoo
itself shows dates with (pytz).
"""

from datetime import datetime

import pytz


def fixed_offset(name, now):
    """``(since, offset)``: from ``since`` on (a naive UTC datetime, ``None``
    for always) the zone ``name`` is ``offset`` (a timedelta) ahead of UTC for
    good. ``None`` when its offset still changes after ``now`` (daylight saving
    time) or the zone is unknown."""
    try:
        zone = pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return None
    transitions = getattr(zone, "_utc_transition_times", None)
    if not transitions:
        # a single offset for ever (UTC, Etc/GMT-8)
        return None, zone.utcoffset(datetime(2000, 1, 1))
    if transitions[-1] > now:
        return None
    return transitions[-1], zone._transition_info[-1][0]
