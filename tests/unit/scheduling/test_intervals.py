"""Interval algebra: half-open semantics and linear sweeps."""

from datetime import UTC, datetime

from booking_app.scheduling.intervals import (
    clip,
    containing,
    intersect,
    normalize,
    overlaps,
    overlaps_any,
    subtract,
    union,
)


def h(hour: int, minute: int = 0) -> datetime:
    """An instant on a fixed day, by hour, to keep cases readable."""
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


def test_touching_intervals_do_not_overlap():
    assert not overlaps((h(9), h(10)), (h(10), h(11)))
    assert not overlaps((h(10), h(11)), (h(9), h(10)))


def test_overlapping_intervals_by_one_minute():
    assert overlaps((h(9), h(10, 1)), (h(10), h(11)))
    assert overlaps((h(9), h(12)), (h(10), h(11)))


def test_normalize_sorts_merges_and_drops_empty():
    raw = [(h(13), h(14)), (h(9), h(10)), (h(9, 30), h(11)), (h(11), h(12)), (h(15), h(15))]
    assert normalize(raw) == [(h(9), h(12)), (h(13), h(14))]


def test_normalize_keeps_contained_interval_inside():
    assert normalize([(h(9), h(17)), (h(10), h(11))]) == [(h(9), h(17))]


def test_union():
    assert union([(h(9), h(10))], [(h(10), h(11)), (h(12), h(13))]) == [
        (h(9), h(11)),
        (h(12), h(13)),
    ]


def test_intersect():
    a = [(h(8), h(12)), (h(13), h(18))]
    b = [(h(9), h(10)), (h(11), h(14)), (h(18), h(19))]
    assert intersect(a, b) == [(h(9), h(10)), (h(11), h(12)), (h(13), h(14))]


def test_intersect_touching_is_empty():
    assert intersect([(h(8), h(9))], [(h(9), h(10))]) == []


def test_subtract_splits_and_trims():
    a = [(h(8), h(12)), (h(13), h(18))]
    b = [(h(7), h(9)), (h(10), h(11)), (h(17), h(20))]
    assert subtract(a, b) == [(h(9), h(10)), (h(11), h(12)), (h(13), h(17))]


def test_subtract_touching_removes_nothing():
    assert subtract([(h(9), h(10))], [(h(8), h(9)), (h(10), h(11))]) == [(h(9), h(10))]


def test_subtract_everything():
    assert subtract([(h(9), h(10))], [(h(8), h(11))]) == []


def test_overlaps_any_uses_half_open_edges():
    busy = normalize([(h(9), h(10)), (h(12), h(13))])
    assert not overlaps_any(busy, h(10), h(12))
    assert overlaps_any(busy, h(11, 59), h(12, 1))
    assert overlaps_any(busy, h(9, 59), h(10))
    assert not overlaps_any(busy, h(13), h(14))
    assert not overlaps_any([], h(9), h(10))


def test_containing():
    work = normalize([(h(9), h(12)), (h(13), h(17))])
    assert containing(work, h(9), h(12)) == (h(9), h(12))
    assert containing(work, h(11), h(13)) is None
    assert containing(work, h(8), h(9)) is None
    assert containing(work, h(16), h(17)) == (h(13), h(17))


def test_clip():
    work = normalize([(h(8), h(10)), (h(11), h(12)), (h(13), h(17))])
    assert clip(work, h(9), h(14)) == [(h(9), h(10)), (h(11), h(12)), (h(13), h(14))]
    assert clip(work, h(10), h(11)) == []
