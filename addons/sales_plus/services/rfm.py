# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RFM configuration rules, free of Odoo: fixed thresholds turned into score
boundaries, segment score ranges and ABC percentages.

Scores run from 1 (worst) to 5 (best). A dimension's *boundaries* are the four
lowest values (or, for recency, the four highest values) that earn scores 2, 3,
4 and 5: ``bounds[0]`` is the boundary of score 2, ``bounds[3]`` of score 5.
The full regrade computes them by quintiles in SQL, or takes them from the fixed
thresholds validated here; the single-customer regrade reuses those of the last
full run.

Quintiles, ties included: a customer's score is ``1 + floor(5 x worse / counted)``
where ``worse`` is the number of scored customers with a strictly worse value and
``counted`` the number of scored customers. Customers with equal values share the
*lowest* score their positions span (one-time buyers all get F = 1), so when many
customers tie a score may hold more or fewer than a fifth of them.
"""

import itertools
from dataclasses import dataclass

SCORES = (1, 2, 3, 4, 5)
TILES = 5
DIMENSIONS = ("recency", "frequency", "monetary")


class RfmInputError(ValueError):
    """A configuration value is invalid. ``code`` names the problem, ``params``
    its details; the caller turns both into a translated message."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


# ---- Quintiles ----


def quintile_score(worse, counted):
    """The score of a value that ``worse`` of the ``counted`` scored customers
    do strictly worse than (0 <= worse < counted): the lowest score the
    positions of its tie span."""
    return min(TILES, 1 + TILES * worse // counted)


def quintile_cut_positions(counted):
    """The four positions (1-based) of the cuts in the values of ``counted``
    scored customers sorted from the worst to the best: a value earns score
    k + 1 when it is strictly better than the value at position k
    (``ceil(k x counted / 5)``), which is :func:`quintile_score`."""
    return [(k * counted + TILES - 1) // TILES for k in range(1, TILES)]


def quintile_scores(values):
    """Scores of ``values`` (higher is better) by :func:`quintile_cut_positions`,
    as the regrade reads them off the sorted values."""
    ordered = sorted(values)
    cuts = [ordered[position - 1] for position in quintile_cut_positions(len(ordered))]
    return [1 + sum(value > cut for cut in cuts) for value in values]


# ---- Fixed thresholds ----


@dataclass(frozen=True)
class ScoreRange:
    """Values from ``low`` (included) to ``high`` (excluded) earn ``score``."""

    score: int
    low: float
    high: float


def thresholds_to_bounds(ranges, dimension):
    """Validate the five ranges of one dimension and return its boundaries.

    ``ranges`` holds one :class:`ScoreRange` per score 1-5. For frequency and
    monetary a higher value earns a higher score; for recency (days since the
    last order) a lower value does. The outer ends are open: the range of the
    best and of the worst score also take any value beyond them, so only the
    four inner limits count, and each must equal the start of the next range
    (no gap, no overlap).
    """
    by_score = {}
    for item in ranges:
        if item.score not in SCORES:
            raise RfmInputError("score_out_of_range", dimension=dimension, score=item.score)
        if item.score in by_score:
            raise RfmInputError("score_twice", dimension=dimension, score=item.score)
        by_score[item.score] = item
    missing = [score for score in SCORES if score not in by_score]
    if missing:
        raise RfmInputError("score_missing", dimension=dimension, score=missing[0])
    # walk the ranges from the lowest value upwards
    order = (5, 4, 3, 2, 1) if dimension == "recency" else SCORES
    walk = [by_score[score] for score in order]
    for lower, upper in itertools.pairwise(walk):
        if lower.high <= lower.low and lower is not walk[0]:
            raise RfmInputError("empty_range", dimension=dimension, score=lower.score)
        if lower.high < upper.low:
            raise RfmInputError(
                "gap",
                dimension=dimension,
                score=lower.score,
                next_score=upper.score,
                high=lower.high,
                low=upper.low,
            )
        if lower.high > upper.low:
            raise RfmInputError(
                "overlap",
                dimension=dimension,
                score=lower.score,
                next_score=upper.score,
                high=lower.high,
                low=upper.low,
            )
    if dimension == "recency":
        # boundaries of scores 2..5: the highest recency still earning them
        return [by_score[score].high for score in (2, 3, 4, 5)]
    return [by_score[score].low for score in (2, 3, 4, 5)]


# ---- Segments ----


def check_segment_ranges(ranges):
    """``ranges`` maps a dimension to its ``(min, max)`` scores; each must lie
    within 1-5 with min <= max."""
    for dimension, (low, high) in ranges.items():
        if not (1 <= low <= 5 and 1 <= high <= 5):
            raise RfmInputError("segment_range_outside", dimension=dimension, low=low, high=high)
        if low > high:
            raise RfmInputError("segment_range_reversed", dimension=dimension, low=low, high=high)


# ---- ABC classes ----


def check_abc_percentages(a_percent, b_percent, c_percent):
    if min(a_percent, b_percent, c_percent) < 0:
        raise RfmInputError("abc_negative")
    if round(a_percent + b_percent + c_percent, 6) != 100:
        raise RfmInputError("abc_sum", total=a_percent + b_percent + c_percent)
