"""The public landing page `/`: the marketplace (search tutors by name, subject, price)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.components.forms import aria_invalid, error_of, form_message
from booking_app.components.layout import public_shell
from booking_app.components.slots import timezone_select
from booking_app.components.widgets import empty_state, when_loaded
from booking_app.services import marketplace
from booking_app.services.errors import ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.forms import FormErrors
from booking_app.state.page import public_page
from booking_app.state.rows import OptionRow
from booking_app.state.viewer_timezone import ViewerTimezone


@dataclass
class TutorCardRow:
    slug: str = ""
    name: str = ""
    headline: str = ""
    subjects: list[str] = field(default_factory=list)
    price_from: str = ""
    currency: str = ""
    next_free: str = ""
    next_for: str = ""  # the service that next free time is for
    href: str = ""  # tutor page with that service and week preselected


def _card_href(c: marketplace.TutorCard) -> str:
    """Open the tutor page on the card's service and week, so the card's time is offered."""
    query = {"from": "marketplace"}
    if c.next_free_service_id:
        query |= {"service": str(c.next_free_service_id), "week": c.next_free_week}
    return routes.tutor_public_url(c.slug, query)


PRICE_FIELDS = ("price_min", "price_max")


class MarketplaceState(ViewerTimezone, FormErrors, rx.State):
    loaded: bool = False
    subjects: list[OptionRow] = []
    q_text: str = ""
    q_subject: str = ""
    q_price_min: str = ""
    q_price_max: str = ""
    results: list[TutorCardRow] = []
    searched: bool = False  # any filter applied (distinguishes "no tutors" from "no match")

    def _search(self) -> None:
        self._clear_errors()
        q = marketplace.SearchInput(
            text=self.q_text,
            subject=self.q_subject,
            price_min=self.q_price_min,
            price_max=self.q_price_max,
        )
        try:
            cards = marketplace.search_tutors(q, viewer_tz=self.viewer_tz or "UTC", now=clock.now())
        except ValidationFailed as exc:
            self._show_refusal(exc, PRICE_FIELDS)
            self.results = []
            return
        self.results = [
            TutorCardRow(
                c.slug,
                c.name,
                c.headline,
                list(c.subjects),
                c.price_from,
                c.currency,
                c.next_free,
                c.next_free_service,
                _card_href(c),
            )
            for c in cards
        ]
        self.searched = any(
            (
                self.q_text.strip(),
                self.q_subject,
                self.q_price_min.strip(),
                self.q_price_max.strip(),
            )
        )

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.subjects = [OptionRow("", "All subjects")] + [
            OptionRow(slug, name) for slug, name in marketplace.list_subject_options()
        ]
        auth = await self.get_state(AuthState)
        self._adopt_account_timezone(auth)
        self._search()
        self.loaded = True
        return self._ask_browser_timezone(auth)

    def _timezone_changed(self) -> None:
        self._search()

    @rx.event
    def set_subject(self, value: str) -> None:
        self.q_subject = str(value or "")
        self._search()

    @rx.event
    def search(self, form_data: dict[str, Any]) -> None:
        self.q_text = str(form_data.get("text", "") or "")
        self.q_price_min = str(form_data.get("price_min", "") or "")
        self.q_price_max = str(form_data.get("price_max", "") or "")
        self._search()

    @rx.event
    def clear(self) -> None:
        self.q_text = self.q_subject = self.q_price_min = self.q_price_max = ""
        self._search()


S = MarketplaceState


def _card(c: TutorCardRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(c.name, size="4", class_name="tutor-card-name"),
            rx.cond(c.headline != "", rx.text(c.headline, size="2", color_scheme="gray")),
            rx.flex(
                rx.foreach(c.subjects, lambda x: rx.badge(x, variant="soft")),
                gap="var(--space-1)",
                wrap="wrap",
            ),
            rx.text("from ", c.price_from, " ", c.currency, size="3", weight="medium"),
            rx.cond(
                c.next_free != "",
                rx.hstack(
                    rx.icon("clock", size=14),
                    rx.text(
                        "Next free: ",
                        c.next_free,
                        rx.text.span(" · ", c.next_for, color_scheme="gray"),
                        size="2",
                    ),
                    align="center",
                    spacing="1",
                    class_name="tutor-card-next",
                ),
                rx.text("No free time in the next two weeks", size="2", color_scheme="gray"),
            ),
            rx.spacer(),
            rx.link(
                rx.button("View times", width="100%"),
                href=c.href,
                width="100%",
                class_name="tutor-card-link",
            ),
            spacing="2",
            height="100%",
        ),
        class_name="tutor-card",
        width="100%",
    )


def _filters() -> rx.Component:
    def price(name: str, placeholder: str, error: rx.Var) -> rx.Component:  # type: ignore[type-arg]
        return rx.vstack(
            rx.input(
                id=f"search-{name}",
                name=name,
                placeholder=placeholder,
                input_mode="decimal",
                size="2",
                width="7em",
                aria_invalid=aria_invalid(error),
            ),
            rx.cond(
                error != "",
                rx.text(
                    error, color_scheme="red", size="1", role="alert", id=f"search-{name}-error"
                ),
            ),
            spacing="1",
        )

    return rx.form(
        rx.flex(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                id="search-text",
                name="text",
                placeholder="Tutor name",
                size="2",
                min_width="14em",
                flex="1",
            ),
            rx.el.select(
                rx.foreach(S.subjects, lambda o: rx.el.option(o.label, value=o.value)),
                id="search-subject",
                name="subject",
                value=S.q_subject,
                on_change=S.set_subject,
                class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
                aria_label="Subject",
            ),
            price("price_min", "Min price", error_of(S.errors, "price_min")),
            price("price_max", "Max price", error_of(S.errors, "price_max")),
            rx.button("Search", type="submit", id="search-submit"),
            gap="var(--space-2)",
            align="start",
            wrap="wrap",
            width="100%",
        ),
        on_submit=S.search,
        no_validate=True,
        width="100%",
    )


def _results() -> rx.Component:
    return when_loaded(
        S.loaded,
        rx.cond(
            S.results.length() > 0,
            rx.grid(
                rx.foreach(S.results, _card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
                id="tutor-results",
            ),
            rx.cond(
                S.searched,
                empty_state(
                    "search-x",
                    "No tutors match",
                    "Try another subject or a wider price range.",
                    rx.button("Clear filters", variant="soft", on_click=S.clear),
                    id_="no-results",
                ),
                empty_state(
                    "graduation-cap",
                    "No tutors yet",
                    "Tutors appear here once they publish their profile.",
                    rx.link(rx.button("I'm a tutor"), href=f"{routes.REGISTER}?role=tutor"),
                    id_="marketplace-empty",
                ),
            ),
        ),
    )


@public_page(routes.LANDING, "", on_load=[MarketplaceState.on_load])
def landing_page() -> rx.Component:
    return public_shell(
        rx.vstack(
            rx.heading("Find a tutor, book a lesson in a minute", size="8", id="landing-title"),
            rx.text(
                "Free times shown in your timezone. Trial lessons for new students.",
                size="4",
                color_scheme="gray",
            ),
            rx.flex(
                _filters(),
                timezone_select(S.viewer_tz, S.set_timezone, "market-timezone"),
                direction="column",
                gap="var(--space-3)",
                width="100%",
            ),
            form_message(S.errors, "search-error"),
            _results(),
            spacing="4",
            padding_y="var(--space-6)",
            width="100%",
        )
    )
