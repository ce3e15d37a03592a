"""Half-open interval algebra on sorted lists of ``(start, end)`` pairs.

Why half-open ``[start, end)``: a lesson ending at 10:00 and another starting
at 10:00 touch but do not overlap, which is what tutors and students expect.

"Normalized" means sorted by start, no empty intervals, no two intervals
overlapping or touching. ``normalize`` costs O(n log n); every other function
expects normalized input and runs in a linear sweep or O(log n) with bisect,
so the engine never compares every slot with every lesson.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime
from operator import itemgetter

Interval = tuple[datetime, datetime]

_END = itemgetter(1)
_START = itemgetter(0)


def overlaps(a: Interval, b: Interval) -> bool:
    """True when two half-open intervals share time (touching is not enough)."""
    return a[0] < b[1] and b[0] < a[1]


def normalize(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals and merge overlapping or touching ones."""
    merged: list[Interval] = []
    for start, end in sorted(iv for iv in intervals if iv[0] < iv[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def union(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """All time covered by either input, normalized."""
    return normalize([*a, *b])


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Time covered by both normalized inputs (linear two-pointer sweep)."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Time in normalized ``a`` not covered by normalized ``b`` (linear)."""
    out: list[Interval] = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        cursor = start
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0]))
            cursor = max(cursor, b[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def overlaps_any(normalized: list[Interval], start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` overlaps any interval, in O(log n).

    In a normalized list the ends are sorted too, so the first interval ending
    after ``start`` is the only candidate that can overlap.
    """
    i = bisect_right(normalized, start, key=_END)
    return i < len(normalized) and normalized[i][0] < end


class IntervalIndex:
    """Normalized intervals with bounds kept in two plain lists.

    Why: the engine asks "does [s, e) overlap anything?" for every candidate
    start; bisecting plain lists of datetimes is the cheapest way to answer.
    """

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[Interval]) -> None:
        merged = normalize(intervals)
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __len__(self) -> int:
        return len(self.starts)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` overlaps any interval, in O(log n)."""
        i = bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end


def containing(normalized: list[Interval], start: datetime, end: datetime) -> Interval | None:
    """The interval that fully contains ``[start, end)``, if any, in O(log n)."""
    i = bisect_right(normalized, start, key=_START) - 1
    if i >= 0 and normalized[i][1] >= end:
        return normalized[i]
    return None


def clip(normalized: list[Interval], lo: datetime, hi: datetime) -> list[Interval]:
    """The part of ``normalized`` inside ``[lo, hi)``, found with bisect."""
    first = bisect_right(normalized, lo, key=_END)
    last = bisect_left(normalized, hi, key=_START)
    return [(max(s, lo), min(e, hi)) for s, e in normalized[first:last] if max(s, lo) < min(e, hi)]
