"""The week grid's rows (state/week_nav.py): plain dicts built once per computed week.

Why it matters (issue 15): every "next week" click of every visitor used to rebuild ~60
row dataclasses from the cached week and the socket's JSON encoder called back into
Python for each of them. Rows are now TypedDicts (what the compiled frontend reads is
unchanged) made once per `WeekView` object, which `tutor_public.week_slots` shares
between viewers of the same week.
"""

from __future__ import annotations

import json

from booking_app.services.tutor_public import DayView, JoinableView, SlotView, WeekView
from booking_app.state.week_nav import week_rows


def _view(time: str = "09:00") -> WeekView:
    slot = SlotView("2026-11-30T07:00:00+00:00", time, f"Mon 30 Nov, {time}")
    days = [DayView("2026-11-30", "Mon 30 Nov", [slot])] + [
        DayView(f"2026-12-0{i}", f"Day {i}", []) for i in range(1, 7)
    ]
    joinable = [JoinableView(6, "2026-12-02T14:00:00+00:00", "Wed 2 Dec, 16:00", 2, "Group")]
    return WeekView("2026-11-30", "30 Nov – 6 Dec 2026", "Europe/Kyiv", days, joinable, 1)


def test_rows_are_plain_json_values_with_the_views_content() -> None:
    rows = week_rows(_view())
    # json.dumps without `default`: no Python callback per row
    encoded = json.loads(json.dumps(rows.days))
    assert encoded[0] == {
        "date": "2026-11-30",
        "label": "Mon 30 Nov",
        "slots": [
            {"start": "2026-11-30T07:00:00+00:00", "time": "09:00", "label": "Mon 30 Nov, 09:00"}
        ],
        "count": 1,
    }
    assert [d["count"] for d in encoded[1:]] == [0] * 6
    assert json.loads(json.dumps(rows.joinable))[0]["free_spots"] == 2
    assert (rows.week_start, rows.slot_count) == ("2026-11-30", 1)


def test_the_same_week_object_is_converted_once_and_another_one_again() -> None:
    view = _view()
    assert week_rows(view) is week_rows(view)
    other = _view("10:00")  # an equal-looking but newer computation: its own rows
    assert week_rows(other) is not week_rows(view)
    assert week_rows(other).days[0]["slots"][0]["time"] == "10:00"
