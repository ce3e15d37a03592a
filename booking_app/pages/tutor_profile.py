"""Tutor: the public profile (slug and URL, headline, bio, price, subjects, publishing),
the calendar feed (components/calendar_feed.py) and the account's sign-in security
(password, sign out everywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.components.account_security import account_security_card
from booking_app.components.api_access import api_access_card
from booking_app.components.calendar_feed import calendar_feed_card
from booking_app.components.forms import (
    aria_invalid,
    error_of,
    field_error,
    form_field,
    form_message,
)
from booking_app.components.layout import app_shell
from booking_app.components.widgets import when_loaded
from booking_app.services import profile
from booking_app.services import tutor_services as catalog
from booking_app.services.errors import DomainError, NotBookable, ValidationFailed
from booking_app.state.account_security import AccountSecurityState
from booking_app.state.api_access import ApiAccessState
from booking_app.state.auth import current_tutor, refused
from booking_app.state.calendar_feed import CalendarFeedState
from booking_app.state.forms import FormErrors, error_toast, text_of
from booking_app.state.off_loop import offload
from booking_app.state.page import tutor_page

PROFILE_FIELDS = (
    "slug",
    "headline",
    "bio",
    "default_price",
    "currency",
    "subject_ids",
    "is_published",
    "requires_confirmation",
)


@dataclass
class SubjectRow:
    id: int = 0
    name: str = ""
    checked: bool = False


class TutorProfileState(FormErrors, rx.State):
    loaded: bool = False
    slug: str = ""
    headline: str = ""
    bio: str = ""
    default_price: str = ""
    currency: str = ""
    subjects: list[SubjectRow] = []
    is_published: bool = False
    requires_confirmation: bool = False
    form_key: int = 0
    saving: bool = False

    @rx.var
    def public_path(self) -> str:
        return routes.tutor_public_url(self.slug) if self.slug else ""

    def _apply(self, view: profile.ProfileView) -> None:
        self.slug, self.headline, self.bio = view.slug, view.headline, view.bio
        self.default_price, self.currency = view.default_price, view.currency
        self.is_published = bool(view.is_published)
        self.requires_confirmation = bool(view.requires_confirmation)
        chosen = set(view.subject_ids)
        self.subjects = [SubjectRow(s.id, s.name, s.id in chosen) for s in catalog.list_subjects()]
        self.form_key += 1

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.saving = False
        self._clear_errors()
        user = await current_tutor(self)
        if user is None:
            return None
        await offload(self._apply, await offload(profile.get_profile, user.id))
        self.loaded = True
        return None

    @rx.event
    def toggle_subject(self, subject_id: int, checked: bool) -> None:
        self.subjects = [
            SubjectRow(s.id, s.name, bool(checked) if s.id == subject_id else s.checked)
            for s in self.subjects
        ]

    @rx.event
    def set_is_published(self, value: bool) -> None:
        self.is_published = bool(value)

    @rx.event
    def set_requires_confirmation(self, value: bool) -> None:
        self.requires_confirmation = bool(value)

    @rx.event
    async def save(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        data: dict[str, object] = {
            "slug": text_of(form_data, "slug"),
            "headline": text_of(form_data, "headline"),
            "bio": text_of(form_data, "bio"),
            "default_price": text_of(form_data, "default_price"),
            "currency": text_of(form_data, "currency") or self.currency,
            "subject_ids": [s.id for s in self.subjects if s.checked],
            "is_published": self.is_published,
            "requires_confirmation": self.requires_confirmation,
        }
        try:
            view = await offload(profile.save_profile, user.id, data, now=clock.now())
        except NotBookable as exc:  # publishing an empty page: say what is missing, by the switch
            self.saving = False
            self.errors, self.is_published = {"is_published": exc.detail}, False
            self.slug, self.headline = str(data["slug"]), str(data["headline"])
            self.bio, self.default_price = str(data["bio"]), str(data["default_price"])
            self.form_key += 1
            return
        except ValidationFailed as exc:
            self.saving = False
            self._show_refusal(exc, PROFILE_FIELDS)
            self.slug, self.headline = str(data["slug"]), str(data["headline"])
            self.bio, self.default_price = str(data["bio"]), str(data["default_price"])
            self.currency = str(data["currency"])
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
            return
        await offload(self._apply, view)
        self.saving = False
        yield rx.toast.success("Profile saved.")


S = TutorProfileState


def _err(name: str) -> rx.Var[str]:
    return error_of(S.errors, name)


def _inp(name: str, value: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    return rx.input(
        id=f"profile-{name}",
        name=name,
        default_value=value,
        size="3",
        width="100%",
        aria_invalid=aria_invalid(_err(name)),
        **props,
    )


def _switch(label: str, name: str, checked: rx.Var, on_change: Any, error: rx.Var) -> rx.Component:  # type: ignore[type-arg]
    return rx.vstack(
        rx.el.label(
            rx.switch(checked=checked, on_change=on_change, id=f"profile-{name}", name=name),
            label,
            html_for=f"profile-{name}",
            class_name="rt-Text rt-r-size-2",
            style={"display": "flex", "gap": "8px", "align_items": "center"},
        ),
        field_error(error, f"profile-{name}"),
        spacing="1",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_field(
                "Public address",
                _inp("slug", S.slug, placeholder="olena-k"),
                _err("slug"),
                "profile-slug",
                hint="Lowercase letters, digits and dashes (3–60).",
            ),
            rx.cond(
                S.public_path != "",
                rx.hstack(
                    rx.icon("link", size=14),
                    rx.link(S.public_path, href=S.public_path, id="profile-public-url"),
                    align="center",
                    spacing="1",
                ),
            ),
            form_field(
                "Headline",
                _inp("headline", S.headline, placeholder="English for IT, B1→C1"),
                _err("headline"),
                "profile-headline",
            ),
            form_field(
                "About you",
                rx.text_area(
                    id="profile-bio", name="bio", default_value=S.bio, rows="5", width="100%"
                ),
                _err("bio"),
                "profile-bio",
            ),
            rx.flex(
                form_field(
                    "Default price",
                    _inp("default_price", S.default_price, input_mode="decimal"),
                    _err("default_price"),
                    "profile-default_price",
                ),
                form_field(
                    "Currency",
                    _inp(
                        "currency",
                        S.currency,
                        max_length=3,
                        auto_complete="off",
                        placeholder="UAH",
                        text_transform="uppercase",
                    ),
                    _err("currency"),
                    "profile-currency",
                    hint="3-letter code (UAH, EUR, USD, PLN): every price you show uses it.",
                ),
                gap="var(--space-3)",
                width="100%",
                direction=rx.breakpoints(initial="column", sm="row"),
            ),
            rx.vstack(
                rx.text("Subjects", size="2", weight="medium"),
                rx.flex(
                    rx.foreach(
                        S.subjects,
                        lambda s: rx.checkbox(
                            s.name,
                            checked=s.checked,
                            on_change=lambda v: S.toggle_subject(s.id, v),
                            id="profile-subject-" + s.id.to_string(),
                        ),
                    ),
                    gap="var(--space-3)",
                    wrap="wrap",
                ),
                field_error(_err("subject_ids"), "profile-subject_ids"),
                spacing="1",
                width="100%",
            ),
            _switch(
                "Published (shown in the marketplace and at your public address)",
                "is_published",
                S.is_published,
                S.set_is_published,
                _err("is_published"),
            ),
            _switch(
                "I confirm each booking request myself",
                "requires_confirmation",
                S.requires_confirmation,
                S.set_requires_confirmation,
                _err("requires_confirmation"),
            ),
            form_message(S.errors, "profile-form-error"),
            rx.button(
                rx.icon("save", size=14),
                "Save profile",
                type="submit",
                loading=S.saving,
                id="profile-save",
            ),
            spacing="4",
            width="100%",
            max_width="640px",
        ),
        on_submit=S.save,
        no_validate=True,
        key=S.form_key,
        width="100%",
    )


TUTOR_FEED = (
    "Every lesson of yours, with the students' names and room links, in the calendar app "
    "you already use; it updates by itself."
)


def _link_button(icon: str, label: str, href: str, id_: str) -> rx.Component:
    """A link drawn as a button (Radix asChild): one element, nothing nested (axe)."""
    return rx.button(
        rx.el.a(rx.icon(icon, size=16, aria_hidden="true"), label, href=href, id=id_),
        as_child=True, variant="soft", size="3", class_name="touch-target",
    )  # fmt: skip


def _integrations_card() -> rx.Component:
    """Where a tutor connects other tools: their other calendars (busy time in, lessons
    out) and webhooks (events to their own programs); API tokens are the card below."""
    return rx.card(
        rx.vstack(
            rx.heading("Integrations", size="4", id="integrations-heading"),
            rx.text(
                "Block busy time from your other calendars, and send booking events to "
                "your own programs.",
                color_scheme="gray",
            ),
            rx.flex(
                _link_button("calendar-sync", "Connected calendars", routes.TUTOR_CALENDARS,
                             "integrations-calendars"),
                _link_button("webhook", "Webhooks", routes.WEBHOOKS, "integrations-webhooks"),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
        ),
        width="100%",
    )  # fmt: skip


@tutor_page(
    routes.TUTOR_PROFILE,
    "Profile",
    on_load=[
        TutorProfileState.on_load,
        AccountSecurityState.on_load,
        CalendarFeedState.on_load,
        ApiAccessState.on_load,
    ],
)
def tutor_profile_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("Public profile", size="7", id="profile-heading"),
            when_loaded(
                S.loaded,
                _form(),
            ),
            calendar_feed_card(TUTOR_FEED),
            _integrations_card(),
            account_security_card(routes.TUTOR_PROFILE),
            api_access_card(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        )
    )
