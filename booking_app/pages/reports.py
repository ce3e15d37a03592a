"""Reports (tutors: their own numbers, admins: every tutor): teacher-load and subject-load
for a period, as a chart, a table and a CSV download. Numbers: services/reports.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from booking_app import clock, routes
from booking_app.components.downloads import download_button
from booking_app.components.forms import error_of, form_field, form_message, select_control
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, page_header, when_loaded
from booking_app.services import periods, reports
from booking_app.services.errors import DomainError
from booking_app.state.auth import current_user, refused
from booking_app.state.forms import FormErrors, text_of
from booking_app.state.page import offload, tutor_or_admin_page
from booking_app.state.rows import OptionRow

KIND_OPTIONS = [OptionRow("tutor", "Teacher load"), OptionRow("subject", "Subject load")]
PERIOD_OPTIONS = [
    OptionRow("this_month", "This month"),
    OptionRow("last_month", "Last month"),
    OptionRow("this_week", "This week"),
    OptionRow("last_week", "Last week"),
    OptionRow("custom", "Custom dates"),
]
FIELDS = ("kind", "period", "from", "to")
API_PATHS = {"tutor": "/api/v1/reports/teacher-load", "subject": "/api/v1/reports/subject-load"}
NOT_ALLOWED = "Only tutors and admins can see reports."


def _text(value: Any) -> str:
    return "\u2013" if value is None else str(value)


@dataclass
class ReportItem:
    name: str = ""
    currency: str = ""
    held: int = 0
    hours: str = ""
    booked: str = ""
    offered: str = ""
    utilization: str = ""
    students: int = 0
    cancelled: int = 0
    late: int = 0
    no_show: int = 0
    expected: str = ""
    paid: str = ""
    requests: int = 0
    trials: int = 0
    conversion: str = ""


def _item(r: reports.LoadRow) -> ReportItem:
    pct = lambda v: "\u2013" if v is None else f"{v}%"  # noqa: E731 - tiny formatter
    return ReportItem(
        r.name, r.currency, r.lessons_held, str(r.hours_taught), str(r.booked_hours),
        _text(r.offered_hours), pct(r.utilization), r.students, r.cancelled, r.late_cancelled,
        r.no_show, f"{r.revenue_expected} {r.currency}".strip(),
        f"{r.revenue_paid} {r.currency}".strip(), r.requests, r.trials, pct(r.conversion),
    )  # fmt: skip


class ReportsState(FormErrors, rx.State):
    loaded: bool = False
    kind: str = "tutor"
    preset: str = "this_month"
    date_from: str = ""
    date_to: str = ""
    period_label: str = ""
    timezone: str = "UTC"
    rows: list[ReportItem] = []
    chart: list[dict[str, Any]] = []  # recharts wants plain dicts

    @rx.var
    def csv_href(self) -> str:
        params = {"format": "csv", "from": self.date_from, "to": self.date_to}
        return f"{API_PATHS.get(self.kind, API_PATHS['tutor'])}?{urlencode(params)}"

    async def _load(self, user: Any) -> None:
        now = clock.now()
        custom = self.preset == "custom"
        period = periods.resolve(
            tz_name=user.timezone or "UTC",
            now=now,
            preset=self.preset,
            first=self.date_from if custom else "",
            last=self.date_to if custom else "",
        )
        r = await offload(reports.report, self.kind, user.role, user.id, period, now=now)
        self.date_from, self.date_to = period.first.isoformat(), period.last.isoformat()
        self.period_label, self.timezone = period.label, period.tz.key
        self.rows = [_item(row) for row in r.rows]
        self.chart = [
            {"name": row.name, "lessons": row.lessons_held, "hours": float(row.hours_taught)}
            for row in r.rows
        ]

    @rx.event
    async def on_load(self) -> None:
        self.loaded = False
        user = await current_user(self, "tutor", "admin")
        if user is None:
            return
        self.kind, self.preset, self.date_from, self.date_to = "tutor", "this_month", "", ""
        self._clear_errors()
        await self._load(user)
        self.loaded = True

    @rx.event
    async def apply(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_user(self, "tutor", "admin")
        if user is None:
            return refused(NOT_ALLOWED)
        self._clear_errors()
        kind = text_of(form_data, "rp-kind")
        self.kind = kind if kind in API_PATHS else "tutor"
        self.preset = text_of(form_data, "rp-period") or "this_month"
        self.date_from, self.date_to = text_of(form_data, "rp-from"), text_of(form_data, "rp-to")
        try:
            await self._load(user)
        except DomainError as exc:
            self.rows, self.chart = [], []
            return self._show_refusal(exc, FIELDS, focus_prefix="rp-")
        return None


S = ReportsState


def _controls() -> rx.Component:
    def pick(label: str, name: str, options: list[OptionRow], value: Any) -> rx.Component:
        control = select_control(options, f"rp-{name}", default_value=value)  # type: ignore[arg-type]
        return form_field(label, control, error_of(S.errors, name), f"rp-{name}")

    def day(label: str, name: str, value: Any) -> rx.Component:
        box = rx.input(id=f"rp-{name}", name=f"rp-{name}", type="date", size="3",
                       default_value=value, key=value)  # fmt: skip
        return form_field(label, box, error_of(S.errors, name), f"rp-{name}")

    return rx.card(
        rx.form(
            rx.vstack(
                rx.grid(
                    pick("Report", "kind", KIND_OPTIONS, "tutor"),
                    pick("Period", "period", PERIOD_OPTIONS, "this_month"),
                    day("From (custom)", "from", S.date_from),
                    day("To (custom)", "to", S.date_to),
                    columns=rx.breakpoints(initial="1", xs="2", md="4"),
                    spacing="3",
                    width="100%",
                ),
                form_message(S.errors, "rp-form-error"),
                rx.flex(
                    rx.button(
                        rx.icon("chart-column", size=16),
                        "Show",
                        type="submit",
                        size="3",
                        id="rp-show",
                    ),  # fmt: skip
                    download_button("Download CSV", S.csv_href, id_="rp-csv"),
                    gap="var(--space-2)",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.apply,
            id="rp-form",
        ),
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.heading("Lessons held and hours taught", size="4", as_="h2"),
        rx.recharts.bar_chart(
            rx.recharts.bar(
                data_key="lessons", name="Lessons held", fill="#3e63dd", is_animation_active=False
            ),  # fmt: skip
            rx.recharts.bar(
                data_key="hours", name="Hours taught", fill="#30a46c", is_animation_active=False
            ),  # fmt: skip
            rx.recharts.x_axis(data_key="name"),
            rx.recharts.y_axis(),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=S.chart,
            width="100%",
            height=260,
        ),
        width="100%",
        id="rp-chart",
    )


COLUMNS = (
    ("Name", "name"), ("Held", "held"), ("Hours", "hours"), ("Booked h", "booked"),
    ("Offered h", "offered"), ("Utilization", "utilization"), ("Students", "students"),
    ("Cancelled", "cancelled"), ("Late", "late"), ("No-show", "no_show"),
    ("Expected", "expected"), ("Paid", "paid"), ("Requests", "requests"),
    ("Trials", "trials"), ("Conversion", "conversion"),
)  # fmt: skip


CELL = {"padding": "var(--space-2)", "text_align": "right", "white_space": "nowrap",
        "border_bottom": "1px solid var(--gray-a5)"}  # fmt: skip


def _table() -> rx.Component:
    """A plain <table> in a focusable scroll box: a Radix table scrolls inside its own
    ScrollArea, which keyboard users cannot reach (axe: scrollable-region-focusable)."""
    left = {**CELL, "text_align": "left"}
    return rx.box(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    *(
                        rx.el.th(t, scope="col", style=left if i == 0 else CELL)
                        for i, (t, _) in enumerate(COLUMNS)
                    )  # fmt: skip
                )
            ),
            rx.el.tbody(
                rx.foreach(
                    S.rows,
                    lambda r: rx.el.tr(
                        rx.el.th(r.name, scope="row", style=left),
                        *(rx.el.td(getattr(r, key), style=CELL) for _, key in COLUMNS[1:]),
                    ),
                )
            ),
            style={"border_collapse": "collapse", "font_size": "var(--font-size-2)"},
        ),
        overflow_x="auto",
        width="100%",
        tab_index=0,
        aria_label="Report table (scrolls sideways)",
        role="region",
        id="rp-table",
    )


@tutor_or_admin_page(
    routes.REPORTS, "Reports", on_load=[S.on_load], nav=("Reports", "chart-column")
)
def reports_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            page_header(rx.heading("Reports", size="7", id="reports-heading")),
            _controls(),
            when_loaded(
                S.loaded,
                rx.vstack(
                    rx.text(
                        S.period_label,
                        " · times in ",
                        S.timezone,
                        size="2",
                        color_scheme="gray",
                        id="rp-period-label",
                    ),  # fmt: skip
                    rx.cond(
                        S.rows.length() == 0,
                        empty_state(
                            "chart-column",
                            "Nothing to report",
                            "No lessons in this period.",
                            id_="rp-empty",
                        ),  # fmt: skip
                        rx.vstack(_chart(), _table(), spacing="3", width="100%"),
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="4",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
