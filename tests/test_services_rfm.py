"""Unit tests of the framework-free RFM rules (addons/sales_plus/services/rfm.py)."""

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "addons" / "sales_plus" / "services" / "rfm.py"
_SPEC = importlib.util.spec_from_file_location("sales_plus_services_rfm", _PATH)
rfm = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(rfm)

R = rfm.ScoreRange
RECENCY = [R(5, 0, 30), R(4, 30, 90), R(3, 90, 180), R(2, 180, 365), R(1, 365, 0)]
FREQUENCY = [R(1, 1, 2), R(2, 2, 3), R(3, 3, 5), R(4, 5, 10), R(5, 10, 0)]


def test_bounds_from_contiguous_ranges():
    assert rfm.thresholds_to_bounds(RECENCY, "recency") == [365, 180, 90, 30]
    assert rfm.thresholds_to_bounds(FREQUENCY, "frequency") == [2, 3, 5, 10]
    # the order of the lines does not matter
    assert rfm.thresholds_to_bounds(list(reversed(FREQUENCY)), "frequency") == [2, 3, 5, 10]


@pytest.mark.parametrize(
    ("ranges", "code"),
    [
        ([R(1, 1, 2), R(2, 2, 4), R(3, 3, 5), R(4, 5, 10), R(5, 10, 0)], "overlap"),
        ([R(1, 1, 2), R(2, 2, 3), R(3, 4, 5), R(4, 5, 10), R(5, 10, 0)], "gap"),
        ([R(1, 1, 2), R(2, 2, 3), R(3, 3, 3), R(4, 3, 10), R(5, 10, 0)], "empty_range"),
        ([R(1, 1, 2), R(2, 2, 3), R(3, 3, 5), R(4, 5, 10)], "score_missing"),
        ([R(1, 1, 2), R(1, 2, 3), R(3, 3, 5), R(4, 5, 10), R(5, 10, 0)], "score_twice"),
        ([R(0, 1, 2), R(2, 2, 3), R(3, 3, 5), R(4, 5, 10), R(5, 10, 0)], "score_out_of_range"),
    ],
)
def test_bad_thresholds(ranges, code):
    with pytest.raises(rfm.RfmInputError) as error:
        rfm.thresholds_to_bounds(ranges, "frequency")
    assert error.value.code == code


def test_recency_gap_names_both_scores():
    ranges = [R(5, 0, 30), R(4, 30, 90), R(3, 90, 180), R(2, 180, 300), R(1, 365, 0)]
    with pytest.raises(rfm.RfmInputError) as error:
        rfm.thresholds_to_bounds(ranges, "recency")
    assert error.value.code == "gap"
    assert (error.value.params["score"], error.value.params["next_score"]) == (2, 1)


@pytest.mark.parametrize(
    ("ranges", "code"),
    [
        ({"recency": (0, 3)}, "segment_range_outside"),
        ({"frequency": (2, 6)}, "segment_range_outside"),
        ({"monetary": (4, 2)}, "segment_range_reversed"),
    ],
)
def test_bad_segment_ranges(ranges, code):
    with pytest.raises(rfm.RfmInputError) as error:
        rfm.check_segment_ranges(ranges)
    assert error.value.code == code


def test_good_segment_ranges():
    rfm.check_segment_ranges({"recency": (1, 5), "frequency": (3, 3), "monetary": (1, 2)})


@pytest.mark.parametrize(("a", "b", "c"), [(80, 15, 5), (70.5, 20, 9.5), (100, 0, 0)])
def test_abc_percentages_adding_to_100(a, b, c):
    rfm.check_abc_percentages(a, b, c)


@pytest.mark.parametrize(
    ("a", "b", "c", "code"), [(80, 15, 10, "abc_sum"), (70, 15, 5, "abc_sum"), (110, -5, -5, "abc_negative")]
)
def test_bad_abc_percentages(a, b, c, code):
    with pytest.raises(rfm.RfmInputError) as error:
        rfm.check_abc_percentages(a, b, c)
    assert error.value.code == code


@pytest.mark.parametrize("counted", range(1, 60))
def test_quintile_cuts_give_the_lowest_score_of_a_tie(counted):
    """Read off the cuts, a value scores 1 + floor(5 x worse / counted): equal
    values share the lowest score their positions span, whatever the ties."""
    for spread in (1, 2, 3, 7, counted):
        values = [index % spread for index in range(counted)]
        expected = [rfm.quintile_score(sum(other < value for other in values), counted) for value in values]
        assert rfm.quintile_scores(values) == expected


def test_one_time_buyers_get_the_lowest_frequency_score():
    # 40% buy once: they span tiles 1 and 2 and share score 1
    frequencies = [1] * 40 + [2] * 25 + [3] * 20 + [5] * 10 + [9] * 5
    scores = rfm.quintile_scores(frequencies)
    assert set(scores[:40]) == {1}
    assert scores[40:65] == [3] * 25  # 40 of 100 worse: 1 + floor(5 x 40 / 100)
    assert max(scores) <= 5
    assert rfm.quintile_score(0, 1) == 1
    assert rfm.quintile_score(99, 100) == 5
