import reflex as rx

from booking_app import clock
from booking_app.components.layout import app_shell
from booking_app.services import lessons
from booking_app.state.auth import current_tutor
from booking_app.state.page import tutor_page


class UpcomingState(rx.State):
    labels: list[str] = []

    @rx.event
    async def load(self) -> None:
        tutor = await current_tutor(self)  # from the session cookie, never from the page
        if tutor is not None:
            self.labels = [v.label for v in lessons.upcoming_lessons(tutor.id, now=clock.now())]


@tutor_page("/tutor/upcoming", "Upcoming", on_load=[UpcomingState.load], nav=("Upcoming", "list"))
def upcoming_page() -> rx.Component:
    return app_shell(
        rx.heading("Upcoming lessons", id="upcoming-heading"),
        rx.foreach(UpcomingState.labels, lambda label: rx.text(label, class_name="upcoming")),
    )
