"""FullCalendar 6.1 (React packages) wrapped once, so pages describe calendars in Python.

Why these choices (REFLEX_NOTES section 10):
- Pinned 6.1 packages: npm's `latest` is 7.x, packaged differently.
- Plugins are JS objects, passed as a raw Var whose VarData carries the default imports.
- Time zones: the calendar runs in "UTC" and the server sends the viewer's local wall
  time written as UTC ("...T09:00:00Z" means 09:00 in the viewer's zone). Callbacks
  answer in the same convention and the server converts back with zoneinfo; no
  timezone plugin, no browser clock involved. `now` comes from the server the same way.
- Drops and resizes call `info.revert()` right away: the calendar then shows only what
  Python sends. An accepted move comes back as a changed event list (the event moves);
  a refused one simply stays where it was.
- Navigation is ours (prev/next/today/jump): the page keys the calendar by its week, so
  a new week remounts it with the new `initialDate`. Phones get one day (`timeGridDay`)
  or the week as a list (`listWeek`, the list plugin), keyed by the day shown.
- Event content is drawn by `EVENT_CONTENT` from `extendedProps` the server sends: the
  student's name first, the time second, the badge (seats, payment) on its own line so it
  never cuts the name; `EVENT_DID_MOUNT` puts every detail in the title attribute (the
  tooltip). Both use textContent only: no HTML from data reaches the page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import VarData
from reflex_base.event import EventHandler
from reflex_base.vars.base import Var
from reflex_base.vars.object import ObjectVar

FC_VERSION = "6.1.22"
TIMEGRID_VERSION = "6.1.21"  # no 6.1.22 of timegrid exists
LIST_VERSION = "6.1.21"  # nor of list

_PLUGINS = rx.Var(
    "[timeGridPlugin, interactionPlugin, listPlugin]",
    _var_type=list,
    _var_data=VarData(
        imports={
            f"@fullcalendar/timegrid@{TIMEGRID_VERSION}": rx.ImportVar(
                tag="timeGridPlugin", is_default=True
            ),
            f"@fullcalendar/interaction@{FC_VERSION}": rx.ImportVar(
                tag="interactionPlugin", is_default=True
            ),
            f"@fullcalendar/list@{LIST_VERSION}": rx.ImportVar(tag="listPlugin", is_default=True),
        }
    ),
)


EVENT_CONTENT = rx.Var(
    """(arg) => {
  const p = arg.event.extendedProps || {};
  const el = (tag, cls, text) => {
    const n = document.createElement(tag); n.className = cls; n.textContent = text; return n;
  };
  const box = el("div", "cal-ev", "");
  box.append(el("div", "fc-event-title cal-ev-name", p.name || arg.event.title));
  const list = arg.view.type.startsWith("list");
  if (!list) box.append(el("div", "fc-event-time cal-ev-time", arg.timeText));
  if (p.subtitle) box.append(el("div", "cal-ev-sub", p.subtitle));
  if (p.badge) box.append(el("div", "cal-ev-badge", p.badge));
  return { domNodes: [box] };
}""",
    _var_type=Any,
)
EVENT_DID_MOUNT = rx.Var(
    "(arg) => { arg.el.title = (arg.event.extendedProps || {}).tooltip || arg.event.title; }",
    _var_type=Any,
)
# Names may wrap to two lines; time and badge stay one line each, nothing overflows.
EVENT_CSS = {
    "& .cal-ev": {"overflow": "hidden", "line_height": "1.25", "font_size": "0.8rem"},
    "& .cal-ev-name": {"font_weight": "600", "overflow_wrap": "anywhere"},
    "& .cal-ev-time, & .cal-ev-sub, & .cal-ev-badge": {
        "white_space": "nowrap",
        "overflow": "hidden",
        "text_overflow": "ellipsis",
    },
    "& .cal-ev-badge": {"font_size": "0.72rem"},
    # The event's colour on every text box too, so white text never sits on the day's
    # background where a narrow overlapping event clips it (axe color-contrast).
    "& .fc-event-main, & .cal-ev, & .cal-ev > div": {"background_color": "inherit"},
    "& .fc-list .cal-ev": {"font_size": "0.95rem"},
}


def _reverting(info: ObjectVar[dict[str, Any]], expr: str) -> Var[str]:
    """`expr` evaluated after `info.revert()` (comma operator: one JS expression)."""
    return rx.Var(f"(({info}).revert(), {expr})", _var_type=str)


def _change_spec(info: ObjectVar[dict[str, Any]]) -> tuple[Var[str], Var[str], Var[str]]:
    """eventDrop / eventResize -> (event id, new start, new end), the move undone on screen."""
    return (
        _reverting(info, f"String(({info}).event.id)"),
        info.event.to(dict).startStr.to(str),
        info.event.to(dict).endStr.to(str),
    )


def _select_spec(info: ObjectVar[dict[str, Any]]) -> tuple[Var[str], Var[str]]:
    return (info.startStr.to(str), info.endStr.to(str))


def _click_spec(info: ObjectVar[dict[str, Any]]) -> tuple[Var[str]]:
    return (rx.Var(f"String(({info}).event.id)", _var_type=str),)


class FullCalendar(rx.Component):
    """`<FullCalendar>` from @fullcalendar/react; see the module docstring."""

    library = f"@fullcalendar/react@{FC_VERSION}"
    tag = "FullCalendar"
    is_default = True
    lib_dependencies: list[str] = [
        f"@fullcalendar/core@{FC_VERSION}",
        f"@fullcalendar/interaction@{FC_VERSION}",
        f"@fullcalendar/timegrid@{TIMEGRID_VERSION}",
        f"@fullcalendar/daygrid@{FC_VERSION}",
        f"@fullcalendar/list@{LIST_VERSION}",
    ]

    plugins: Var[list[Any]]
    initial_view: Var[str]
    initial_date: Var[str]
    time_zone: Var[str]
    now: Var[str]
    now_indicator: Var[bool]
    header_toolbar: Var[Any]
    events: Var[list[dict[str, Any]]]
    editable: Var[bool]
    selectable: Var[bool]
    select_mirror: Var[bool]
    all_day_slot: Var[bool]
    first_day: Var[int]
    slot_min_time: Var[str]
    slot_max_time: Var[str]
    scroll_time: Var[str]
    height: Var[str]
    slot_duration: Var[str]
    snap_duration: Var[str]
    event_time_format: Var[dict[str, Any]]
    slot_label_format: Var[dict[str, Any]]
    day_header_format: Var[dict[str, Any]]
    event_overlap: Var[bool]
    business_hours: Var[Any]
    event_interactive: Var[bool]
    event_content: Var[Any]
    event_did_mount: Var[Any]
    list_day_format: Var[dict[str, Any]]
    no_events_text: Var[str]

    event_drop: EventHandler[_change_spec]
    event_resize: EventHandler[_change_spec]
    select: EventHandler[_select_spec]
    event_click: EventHandler[_click_spec]

    @classmethod
    def create(cls, *children: Any, **props: Any) -> rx.Component:
        props.setdefault("plugins", _PLUGINS)
        props.setdefault("initial_view", "timeGridWeek")
        props.setdefault("time_zone", "UTC")
        props.setdefault("header_toolbar", rx.Var("false", _var_type=bool))
        props.setdefault("now_indicator", True)
        props.setdefault("all_day_slot", False)
        props.setdefault("first_day", 1)
        props.setdefault("height", "75vh")
        props.setdefault("slot_duration", "00:30:00")
        props.setdefault("snap_duration", "00:15:00")
        hour_minute = {"hour": "2-digit", "minute": "2-digit", "hour12": False}
        props.setdefault("event_time_format", hour_minute)
        props.setdefault("slot_label_format", hour_minute)
        props.setdefault("day_header_format", {"weekday": "short", "day": "numeric"})
        props.setdefault("event_interactive", True)  # events are tabbable; Enter opens them
        props.setdefault("event_content", EVENT_CONTENT)
        props.setdefault("event_did_mount", EVENT_DID_MOUNT)
        return super().create(*children, **props)


week_calendar = FullCalendar.create


class _Swipe(rx.Fragment):
    """Phones: a horizontal swipe over the calendar presses its previous / next buttons.

    A hook (useEffect) that listens on the document and acts only when the touch started
    inside ``#week-calendar``: a swipe of at least 60 px that is more sideways than
    vertical clicks ``#cal-prev-day`` or ``#cal-next-day``, so a swipe does exactly what
    the buttons (and the keyboard) do. Vertical scrolling is never blocked (passive)."""

    def add_hooks(self) -> list[str | Var[Any]]:
        code = """useEffect(() => {
  let x0 = null, y0 = null;
  const start = (e) => {
    const t = e.touches[0];
    const inside = e.target.closest && e.target.closest("#week-calendar");
    x0 = inside ? t.clientX : null; y0 = inside ? t.clientY : null;
  };
  const end = (e) => {
    if (x0 === null) return;
    const t = e.changedTouches[0], dx = t.clientX - x0, dy = t.clientY - y0;
    x0 = null;
    if (Math.abs(dx) < 60 || Math.abs(dx) < 1.5 * Math.abs(dy)) return;
    const b = document.getElementById(dx < 0 ? "cal-next-day" : "cal-prev-day");
    if (b) b.click();
  };
  document.addEventListener("touchstart", start, { passive: true });
  document.addEventListener("touchend", end, { passive: true });
  return () => {
    document.removeEventListener("touchstart", start);
    document.removeEventListener("touchend", end);
  };
}, []);"""
        data = VarData(imports={"react": [rx.ImportVar(tag="useEffect")]})
        return [Var(code, _var_data=data)]


def swipe_navigation() -> rx.Component:
    """Mount once on a page with a phone calendar (see ``_Swipe``)."""
    return _Swipe.create()
