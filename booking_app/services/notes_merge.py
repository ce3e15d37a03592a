"""Merging concurrent edits of a room's shared notes (pure, no I/O).

The rule (README "Classroom"): notes are merged per LINE (the block). Every save carries
the text the writer started from (``base``) and its version. When nobody saved in the
meantime the new text is taken as is. Otherwise we run a three-way merge of
``base -> mine`` against ``base -> theirs`` (what is stored now): changes to different
lines both survive (inserted lines of both writers are kept); when both changed the same
lines, the LAST writer wins for that block. So no edit is lost unless two people edit the
same line at the same moment, and then the line shows the later one.
"""

from __future__ import annotations

from difflib import SequenceMatcher

Hunk = tuple[int, int, list[str]]  # replace base[i1:i2] with these lines


def _hunks(base: list[str], other: list[str]) -> list[Hunk]:
    matcher = SequenceMatcher(a=base, b=other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _conflict(a: Hunk, b: Hunk) -> bool:
    """Both hunks change some of the same base lines (an insert strictly inside a changed
    range counts). Two inserts at one point do not conflict: both are kept."""
    if a[0] == a[1] and b[0] == b[1]:
        return False
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def merge3(base: str, mine: str, theirs: str) -> str:
    """``mine`` applied on top of ``theirs``; see the module docstring for the rule."""
    if mine == base:
        return theirs
    if theirs == base or theirs == mine:
        return mine
    base_l = base.split("\n")
    mine_h = _hunks(base_l, mine.split("\n"))
    theirs_h = [
        t for t in _hunks(base_l, theirs.split("\n")) if not any(_conflict(t, m) for m in mine_h)
    ]
    # At one point: inserts before replacements, and theirs before mine (nothing lost).
    merged = sorted(
        [(h, 1) for h in mine_h] + [(h, 0) for h in theirs_h],
        key=lambda x: (x[0][0], x[0][1] > x[0][0], x[1]),
    )
    out: list[str] = []
    pos = 0
    for (i1, i2, lines), _who in merged:
        if i1 < pos:  # overlapping leftovers (cannot happen after filtering); skip safely
            continue
        out.extend(base_l[pos:i1])
        out.extend(lines)
        pos = i2
    out.extend(base_l[pos:])
    return "\n".join(out)
