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
from booking_app.services.money import locale_of
from booking_app.state.auth import AuthState
from booking_app.state.forms import FormErrors
from booking_app.state.page import offload, public_page
from booking_app.state.rows import OptionRow
from booking_app.state.viewer_timezone import ViewerTimezone


@dataclass
class TutorCardRow:
    slug: str = ""
    name: str = ""
    headline: str = ""
    subjects: list[str] = field(default_factory=list)
    price_from: str = ""  # "350.00" (the sort's key; the card shows `price_label`)
    price_label: str = ""  # "from 1 450 UAH" in the viewer's locale, or "Free"
    next_free: str = ""
    next_for: str = ""  # the service that next free time is for
    href: str = ""  # tutor page with that service and week preselected


def _card_href(c: marketplace.TutorCard) -> str:
    """Open the tutor page on the card's service and week, so the card's time is offered."""
    query = {"from": "marketplace"}
    if c.next_free_service_id:
        query |= {"service": str(c.next_free_service_id), "week": c.next_free_week}
    return routes.tutor_public_url(c.slug, query)


PRICE_FIELDS = ("price_min", "price_max")  # others (a crafted "free within") -> the form message
TEXT_INPUTS = ("search-text", "search-price_min", "search-price_max")
FREE_WITHIN_OPTIONS = [
    OptionRow("", "Free any time"),
    OptionRow("1", "Free within a day"),
    OptionRow("3", "Free within 3 days"),
    OptionRow("7", "Free within a week"),
    OptionRow("14", "Free within 2 weeks"),
]
SORT_OPTIONS = [
    OptionRow("soonest", "Soonest free time"),
    OptionRow("price", "Lowest price"),
    OptionRow("name", "Name"),
]


def _row(c: marketplace.TutorCard) -> TutorCardRow:
    return TutorCardRow(
        c.slug,
        c.name,
        c.headline,
        list(c.subjects),
        c.price_from,
        c.price_label,
        c.next_free,
        c.next_free_service,
        _card_href(c),
    )


class MarketplaceState(ViewerTimezone, FormErrors, rx.State):
    """Search state. Every service call goes through ``offload`` (state/page.py): the
    search runs in a worker thread, never on the event loop."""

    loaded: bool = False
    subjects: list[OptionRow] = []
    q_text: str = ""
    q_subject: str = ""
    q_price_min: str = ""
    q_price_max: str = ""
    q_free_within: str = ""  # days, "" = any time
    q_sort: str = "soonest"
    results: list[TutorCardRow] = []
    page: int = 0  # pages shown so far - 1 ("Load more" appends the next)
    has_more: bool = False
    loading_more: bool = False
    invalid: bool = False  # a filter is invalid: its field says why, no result list
    searched: bool = False  # any filter applied (distinguishes "no tutors" from "no match")

    def _query(self) -> marketplace.SearchInput:
        return marketplace.SearchInput(
            text=self.q_text,
            subject=self.q_subject,
            price_min=self.q_price_min,
            price_max=self.q_price_max,
            free_within=self.q_free_within,
            sort=self.q_sort,
        )

    async def _search(self, page: int = 0) -> None:
        """Page ``page`` of the current query: the first replaces the list, later ones
        append to it."""
        self._clear_errors()
        try:
            found = await offload(
                marketplace.search_tutors,
                self._query(),
                viewer_tz=self.viewer_tz or "UTC",
                now=clock.now(),
                page=page,
                locale=locale_of(self.router.headers.accept_language),
            )
        except ValidationFailed as exc:
            self._show_refusal(exc, PRICE_FIELDS)
            self.results, self.has_more, self.invalid = [], False, True
            return
        rows = [_row(c) for c in found.cards]
        self.results = rows if page == 0 else [*self.results, *rows]
        self.page, self.has_more, self.invalid = page, found.has_more, False
        self.searched = any(
            (
                self.q_text.strip(),
                self.q_subject,
                self.q_price_min.strip(),
                self.q_price_max.strip(),
                self.q_free_within,
            )
        )

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        options = await offload(marketplace.list_subject_options)
        self.subjects = [OptionRow("", "All subjects")] + [
            OptionRow(slug, name) for slug, name in options
        ]
        auth = await self.get_state(AuthState)
        self._adopt_account_timezone(auth)  # the zone is known before the first search
        await self._search()
        self.loaded = True
        return self._ask_browser_timezone(auth)

    async def _timezone_changed(self) -> None:
        await self._search()

    @rx.event
    async def set_subject(self, value: str) -> None:
        self.q_subject = str(value or "")
        await self._search()

    @rx.event
    async def set_free_within(self, value: str) -> None:
        self.q_free_within = str(value or "")
        await self._search()

    @rx.event
    async def set_sort(self, value: str) -> None:
        self.q_sort = str(value or "soonest")
        await self._search()

    @rx.event
    async def search(self, form_data: dict[str, Any]) -> None:
        self.q_text = str(form_data.get("text", "") or "")
        self.q_price_min = str(form_data.get("price_min", "") or "")
        self.q_price_max = str(form_data.get("price_max", "") or "")
        await self._search()

    @rx.event
    async def load_more(self):  # type: ignore[no-untyped-def]
        if not self.has_more or self.loading_more:
            return
        self.loading_more = True
        yield
        await self._search(self.page + 1)
        self.loading_more = False

    @rx.event
    async def clear(self):  # type: ignore[no-untyped-def]
        """Every filter back to its default, the typed text and prices too."""
        self.q_text = self.q_subject = self.q_price_min = self.q_price_max = ""
        self.q_free_within, self.q_sort = "", "soonest"
        await self._search()
        return [rx.set_value(field_id, "") for field_id in TEXT_INPUTS]


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
            rx.text(c.price_label, size="3", weight="medium", class_name="card-price"),
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


def _select(
    field_id: str, label: str, options: list[OptionRow], value: rx.Var, on_change: Any
) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(o.label, value=o.value) for o in options],
        id=field_id,
        value=value,
        on_change=on_change,
        class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
        aria_label=label,
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
            _select(
                "search-free-within",
                "When free",
                FREE_WITHIN_OPTIONS,
                S.q_free_within,
                S.set_free_within,
            ),
            _select("search-sort", "Sort by", SORT_OPTIONS, S.q_sort, S.set_sort),
            rx.button("Search", type="submit", id="search-submit"),
            rx.cond(
                S.searched | S.invalid,
                rx.button(
                    "Clear filters",
                    type="button",
                    variant="soft",
                    id="search-clear",
                    on_click=S.clear,
                ),
            ),
            gap="var(--space-2)",
            align="start",
            wrap="wrap",
            width="100%",
        ),
        on_submit=S.search,
        no_validate=True,
        width="100%",
    )


def _load_more() -> rx.Component:
    return rx.cond(
        S.has_more,
        rx.center(
            rx.button(
                "Load more tutors",
                variant="soft",
                size="3",
                id="load-more",
                loading=S.loading_more,
                on_click=S.load_more,
            ),
            width="100%",
        ),
    )


def _results() -> rx.Component:
    return when_loaded(
        S.loaded,
        rx.cond(
            S.invalid,
            rx.fragment(),  # the field's own message says what to fix
            rx.cond(
                S.results.length() > 0,
                rx.vstack(
                    rx.grid(
                        rx.foreach(S.results, _card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="4",
                        width="100%",
                        id="tutor-results",
                    ),
                    _load_more(),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    S.searched,
                    empty_state(
                        "search-x",
                        "No tutors match",
                        "Try another subject, a wider price range or a later time.",
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
