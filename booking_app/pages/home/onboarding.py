"""The tutor's way to a bookable page on home: a checklist, publish, and share (link + QR).

Each step's state comes from `services/onboarding.readiness` (the database), so a step is
ticked only when it is really done; publishing goes through `onboarding.publish`, which
refuses with `not_bookable` listing what is missing (shown under the checklist). The QR
code is an SVG made on the server (segno, no browser package): it is just the public
address, so it may sit in the public state.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock, routes
from booking_app.config import get_settings
from booking_app.services import onboarding
from booking_app.services.errors import DomainError, NotBookable
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_text
from booking_app.state.off_loop import offload


@dataclass
class StepItem:
    key: str = ""
    label: str = ""
    hint: str = ""
    done: bool = False
    href: str = ""


class OnboardingState(rx.State):
    loaded: bool = False
    steps: list[StepItem] = []
    all_done: bool = False
    published: bool = False
    public_url: str = ""
    public_path: str = ""
    qr: str = ""  # data: URI of the QR code's SVG
    publishing: bool = False
    error: str = ""

    def _apply(self, ready: onboarding.Readiness) -> None:
        self.public_path = routes.tutor_public_url(ready.slug)
        self.public_url = get_settings().public_url + self.public_path
        steps = onboarding.checklist(
            ready,
            profile_href=routes.TUTOR_PROFILE,
            services_href=routes.TUTOR_SERVICES,
            hours_href=routes.TUTOR_AVAILABILITY,
            public_href=self.public_path,
        )
        self.steps = [StepItem(s.key, s.label, s.hint, s.done, s.href) for s in steps]
        self.all_done = all(s.done for s in steps)
        self.published = ready.is_published
        self.qr = onboarding.share_qr(self.public_url) if ready.is_published else ""
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.publishing, self.error = False, ""
        user = await current_tutor(self)
        if user is None:
            self.loaded = False
            return
        await offload(self._apply, await offload(onboarding.readiness, user.id, now=clock.now()))

    @rx.event
    async def publish(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.publishing, self.error = True, ""
        yield
        try:
            await offload(self._apply, await offload(onboarding.publish, user.id, now=clock.now()))
        except NotBookable as exc:
            self.error = exc.detail
            await offload(
                self._apply, await offload(onboarding.readiness, user.id, now=clock.now())
            )
            return
        except DomainError as exc:
            self.error = error_text(exc)
            return
        finally:
            self.publishing = False
        yield rx.toast.success("Your page is live. Share the link with your students.")

    @rx.event
    def copy_link(self):  # type: ignore[no-untyped-def]
        if not self.public_url:
            return None
        return [rx.set_clipboard(self.public_url), rx.toast.success("Link copied.")]


OB = OnboardingState


def _step(step: StepItem) -> rx.Component:
    return rx.hstack(
        rx.cond(
            step.done,
            rx.icon("circle-check", color="var(--grass-11)", size=20, aria_label="Done"),
            rx.icon("circle", color="var(--gray-9)", size=20, aria_label="To do"),
        ),
        rx.vstack(
            rx.link(step.label, href=step.href, weight="medium", class_name="step-link"),
            rx.text(step.hint, size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="start",
        spacing="2",
        id="step-" + step.key,
        class_name=rx.cond(step.done, "onboarding-step step-done", "onboarding-step step-todo"),
        data_done=rx.cond(step.done, "true", "false"),
    )


def _share() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.heading("Your public page", size="4"),
                rx.link(OB.public_url, href=OB.public_path, id="share-url", word_break="break-all"),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14), "Copy link",
                        on_click=OB.copy_link, id="share-copy", min_height="44px",
                    ),
                    rx.link(
                        rx.button(rx.icon("external-link", size=14), "Open", variant="soft",
                                  min_height="44px", type="button"),
                        href=OB.public_path, id="share-open",
                    ),
                    wrap="wrap",
                ),
                spacing="2",
                flex="1",
                min_width="0",
            ),
            rx.image(src=OB.qr, alt="QR code of your public page", width="140px", height="140px",
                     id="share-qr"),
            gap="var(--space-4)",
            align="center",
            wrap="wrap",
        ),
        width="100%",
        id="share-card",
    )  # fmt: skip


def onboarding_panel() -> rx.Component:
    """Checklist while something is left, the share card once published."""
    checklist = rx.card(
        rx.vstack(
            rx.heading("Get your page ready", size="4"),
            rx.text(
                "Students can book you once your page is published. Each step opens the place "
                "to do it.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(rx.foreach(OB.steps, _step), spacing="3", width="100%"),
            rx.cond(
                OB.error != "",
                rx.callout(OB.error, icon="triangle-alert", color_scheme="red", role="alert",
                           id="publish-error", width="100%"),
            ),
            rx.cond(
                ~OB.published,
                rx.button(rx.icon("globe", size=14), "Publish my page", on_click=OB.publish,
                          loading=OB.publishing, id="publish-page", min_height="44px"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="onboarding-checklist",
    )  # fmt: skip
    return rx.cond(
        OB.loaded,
        rx.vstack(
            rx.cond(~OB.all_done, checklist),
            rx.cond(OB.published, _share()),
            spacing="4",
            width="100%",
        ),
    )
