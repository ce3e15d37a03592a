"""My Students (tutor): search, pages, membership status, next lesson, actions.

Actions: open the next lesson's room, copy a classroom invite link, remove from the
class, create a lesson for an ACTIVE member (the service refuses others: not_a_member).
Invite links (make with an optional cap on uses, list, revoke one or all) live in
invite_links.py, with their own state.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock, routes
from booking_app.components.forms import error_of, field_error
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, when_loaded
from booking_app.services import classroom, students
from booking_app.services.errors import DomainError
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FORM, FormErrors, error_toast
from booking_app.state.off_loop import offload
from booking_app.state.page import tutor_page

from .invite_links import InviteLinksState, invite_controls, invite_links_panel


@dataclass
class StudentItem:
    student_id: int = 0
    name: str = ""
    email: str = ""
    status: str = ""
    next_lesson_id: int = 0
    next_lesson_label: str = ""


LESSON_FIELDS = ("start_local", "duration_min", "title")


class StudentsState(FormErrors, rx.State):
    loaded: bool = False
    query: str = ""
    page: int = 1
    page_size: int = 10
    total: int = 0
    pages: int = 1
    rows: list[StudentItem] = []
    lesson_open: bool = False
    lesson_student_id: int = 0
    lesson_student: str = ""
    saving: bool = False

    async def _reload(self) -> None:
        user = await current_tutor(self)
        if user is None:
            return
        found = await offload(
            students.list_students,
            user.id,
            query=self.query,
            page=self.page,
            page_size=self.page_size,
            now=clock.now(),
        )
        self.rows = [StudentItem(**r.__dict__) for r in found.rows]
        self.total, self.pages, self.page = found.total, found.pages, found.page

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.lesson_open, self.saving = False, False
        user = await current_tutor(self)
        if user is None:
            return None
        await self._reload()
        self.loaded = True
        return None

    @rx.event
    async def set_query(self, value: str) -> None:
        self.query, self.page = str(value or "")[:100], 1
        await self._reload()

    @rx.event
    async def set_page_size(self, value: str) -> None:
        try:
            size = int(value or 10)
        except (TypeError, ValueError):
            size = students.PAGE_SIZES[0]
        self.page_size = size if size in students.PAGE_SIZES else students.PAGE_SIZES[0]
        self.page = 1
        await self._reload()

    @rx.event
    async def go(self, delta: int) -> None:
        self.page = max(1, min(self.pages, self.page + int(delta)))
        await self._reload()

    @rx.event
    async def open_room(self, lesson_id: int):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        try:
            uuid = await offload(
                classroom.open_room, int(lesson_id), user_id=user.id, now=clock.now()
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.redirect(routes.classroom_url(uuid))

    @rx.event
    async def remove(self, student_id: int, name: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        try:
            await offload(students.remove_student, user.id, int(student_id), now=clock.now())
        except DomainError as exc:
            return error_toast(exc)
        await self._reload()
        return rx.toast.success(f"{name} was removed from your class.")

    @rx.event
    def open_lesson(self, student_id: int, name: str) -> None:
        self.lesson_student_id, self.lesson_student = int(student_id), str(name)
        self.lesson_open = True
        self._clear_errors()

    @rx.event
    def set_lesson_open(self, is_open: bool) -> None:
        if not self.saving:
            self.lesson_open = bool(is_open)

    @rx.event
    async def create_lesson(self, form: dict[str, str]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.saving = True
        self._clear_errors()
        yield
        try:
            created = await offload(
                students.create_lesson_for_student,
                user.id,
                self.lesson_student_id,
                start_local=form.get("start_local", ""),
                duration_min=form.get("duration_min", ""),
                title=form.get("title", ""),
                now=clock.now(),
            )
        except DomainError as exc:
            self.saving = False
            self._show_refusal(exc, LESSON_FIELDS)
            return
        self.saving, self.lesson_open = False, False
        await self._reload()
        yield rx.toast.success(f"Lesson created: {created.label}.")


S = StudentsState

# Phones (< 640 px): each row becomes a card (cells stacked, no header), so the actions sit
# under the student instead of in a sideways scroll (issue 14).
PHONE_CARDS = {
    "@media screen and (max-width: 639px)": {
        "& thead": {"display": "none"},
        "& tr": {
            "display": "block",
            "border_bottom": "1px solid var(--gray-a5)",
            "padding": "var(--space-2) 0",
        },
        "& td": {"display": "block", "border": "none", "padding": "var(--space-1) var(--space-2)"},
        "& td button": {"min_height": "44px"},
    }
}


def _row(r: StudentItem) -> rx.Component:
    sid = r.student_id.to_string()
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(r.name, weight="medium"),
                rx.text(r.email, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),  # fmt: skip
        rx.table.cell(
            rx.badge(
                r.status,
                color_scheme=rx.match(r.status, ("active", "green"), ("invited", "blue"), "gray"),
                class_name="member-status",
            )
        ),
        rx.table.cell(rx.cond(r.next_lesson_id > 0, r.next_lesson_label, "—")),
        rx.table.cell(
            rx.flex(
                rx.cond(
                    r.next_lesson_id > 0,
                    rx.button(
                        "Open room",
                        size="1",
                        variant="soft",
                        on_click=S.open_room(r.next_lesson_id),
                        id="open-room-" + sid,
                    ),  # fmt: skip
                ),
                rx.cond(
                    r.status == "active",
                    rx.button(
                        "New lesson",
                        size="1",
                        on_click=S.open_lesson(r.student_id, r.name),
                        id="new-lesson-" + sid,
                    ),  # fmt: skip
                    rx.button(
                        "Invite",
                        size="1",
                        variant="soft",
                        on_click=InviteLinksState.create,
                        id="invite-" + sid,
                    ),  # fmt: skip
                ),
                rx.cond(
                    r.status != "removed",
                    rx.button(
                        "Remove",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=S.remove(r.student_id, r.name),
                        id="remove-" + sid,
                    ),  # fmt: skip
                ),
                gap="var(--space-2)",
                wrap="wrap",
            )
        ),
        class_name="student-row",
    )


def _lesson_dialog() -> rx.Component:
    def field(label: str, name: str, **props: object) -> rx.Component:
        return rx.vstack(
            rx.el.label(label, html_for=f"lesson-{name}", class_name="rt-Text rt-r-size-2"),
            rx.input(name=name, id=f"lesson-{name}", width="100%", **props),
            field_error(error_of(S.errors, name), f"lesson-{name}"),
            spacing="1",
            width="100%",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New lesson with ", S.lesson_student),
            rx.form(
                rx.vstack(
                    field("Start (your time)", "start_local", type="datetime-local"),
                    field("Duration, minutes", "duration_min", type="number", default_value="60"),
                    field("Title", "title", placeholder="Lesson"),
                    field_error(error_of(S.errors, FORM), "lesson-form"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Back", variant="soft", type="button")),
                        rx.button(
                            "Create lesson", type="submit", loading=S.saving, id="lesson-submit"
                        ),  # fmt: skip
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.create_lesson,
                no_validate=True,
            ),
            max_width="460px",
        ),
        open=S.lesson_open,
        on_open_change=S.set_lesson_open,
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.input(
            placeholder="Search by name or email",
            value=S.query,
            on_change=S.set_query,
            debounce_timeout=300,
            id="students-search",
            width=["100%", "320px"],
        ),
        rx.el.select(
            *[rx.el.option(str(n), value=str(n)) for n in students.PAGE_SIZES],
            value=S.page_size.to_string(),
            on_change=S.set_page_size,
            id="students-page-size",
            aria_label="Students per page",
            class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
        ),
        invite_controls(),
        gap="var(--space-3)",
        wrap="wrap",
        align="center",
    )


@tutor_page(
    routes.TUTOR_STUDENTS,
    "My students",
    on_load=[StudentsState.on_load, InviteLinksState.on_load],
)
def tutor_students_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("My students", size="7", id="students-heading"),
            _toolbar(),
            invite_links_panel(),
            when_loaded(
                S.loaded,
                rx.cond(
                    S.rows.length() == 0,
                    empty_state(
                        "users",
                        "No students found",
                        "Students join when you confirm their trial or they accept "
                        "your invite link.",
                        id_="students-empty",
                    ),  # fmt: skip
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    rx.table.column_header_cell("Student"),
                                    rx.table.column_header_cell("Status"),
                                    rx.table.column_header_cell("Next lesson"),
                                    rx.table.column_header_cell("Actions"),
                                )
                            ),  # fmt: skip
                            rx.table.body(rx.foreach(S.rows, _row)),
                            width="100%",
                            style=PHONE_CARDS,
                        ),
                        width="100%",
                        id="students-table",
                    ),
                ),
            ),
            rx.hstack(
                rx.button(
                    "Previous",
                    variant="soft",
                    on_click=S.go(-1),
                    disabled=S.page <= 1,
                    id="students-prev",
                ),  # fmt: skip
                rx.text(
                    "Page ", S.page, " of ", S.pages, " · ", S.total, " total", id="students-total"
                ),  # fmt: skip
                rx.button(
                    "Next",
                    variant="soft",
                    on_click=S.go(1),
                    disabled=S.page >= S.pages,
                    id="students-next",
                ),  # fmt: skip
                align="center",
                spacing="3",
            ),
            _lesson_dialog(),
            spacing="4",
            padding_y="var(--space-6)",
            width="100%",
        )
    )
