"""Small view objects several pages' states hold (flat strings and numbers: every State
var travels to the browser, so never ORM rows and never secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from booking_app.services import booking
from booking_app.services import tutor_services as catalog
from booking_app.services.money import price_label


@dataclass
class OptionRow:
    """One option of a <select>."""

    value: str = ""
    label: str = ""


@dataclass
class ServiceItem:
    """A tutor's service as the workspace shows it (prices already formatted)."""

    id: int = 0
    name: str = ""
    subject_id: str = ""
    subject_name: str = ""
    description: str = ""
    duration_min: int = 60
    price: str = "0.00"  # the edit dialog's value
    currency: str = ""
    price_label: str = ""  # "Free", "1 450 UAH": what the page shows, in the viewer's locale
    lesson_type: str = "individual"
    capacity: int = 1
    mode: str = "online"
    location: str = ""
    meeting_url: str = ""
    is_trial: bool = False
    is_active: bool = True


def service_item(v: catalog.ServiceView, locale: str = "en") -> ServiceItem:
    """The row of `v`, its price label in `locale` (services/money.py `locale_of`)."""
    return ServiceItem(
        id=v.id,
        name=v.name,
        subject_id=str(v.subject_id or ""),
        subject_name=v.subject_name or "",
        description=v.description or "",
        duration_min=int(v.duration_min),
        price=str(v.price),
        currency=v.currency or "",
        price_label=price_label(v.price, v.currency or "", locale),
        lesson_type=v.lesson_type,
        capacity=int(v.capacity),
        mode=v.mode,
        location=v.location or "",
        meeting_url=v.meeting_url or "",
        is_trial=bool(v.is_trial),
        is_active=bool(v.is_active),
    )


def service_options(services: list[ServiceItem], empty_label: str) -> list[OptionRow]:
    """A service <select>: "" first (with `empty_label`), then "name · N min"."""
    return [OptionRow("", empty_label)] + [
        OptionRow(str(s.id), f"{s.name} · {s.duration_min} min") for s in services
    ]


STATUS_COLORS = {
    "pending": "amber",
    "confirmed": "green",
    "cancelled": "gray",
    "late_cancel": "orange",
    "completed": "blue",
    "no_show": "red",
    "tutor_no_show": "orange",
    "declined": "red",
    "withdrawn": "gray",
}


@dataclass
class BookingRow:
    """A booking on its private page and in a student's list of their own bookings."""

    token: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    kind: str = ""
    tutor_name: str = ""
    tutor_slug: str = ""
    service_name: str = ""
    start: str = ""
    label: str = ""
    timezone: str = ""
    mode: str = ""
    location: str = ""
    meeting_url: str = ""
    price: str = ""
    currency: str = ""
    client_name: str = ""
    can_cancel: bool = False
    cancel_is_late: bool = False
    can_reschedule: bool = False
    telegram_link: str = ""
    status_reason: str = ""
    shown_status: str = ""  # status, or "declined" / "withdrawn"
    meeting_href: str = ""  # the meeting link if it is http(s), else "" (shown as text)
    price_label: str = ""  # "Free", "450 UAH" in the viewer's locale
    # "Add to calendar" (components/add_to_calendar.py); "" when the booking offers none.
    ics_url: str = ""
    google_calendar_url: str = ""
    outlook_calendar_url: str = ""


def web_link(url: str | None) -> str:
    """`url` if a browser may open it as a link (http or https only: never javascript:,
    data: or a relative path the tutor typed)."""
    value = (url or "").strip()
    parts = urlsplit(value)
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def booking_row(v: booking.BookingDetailView, locale: str = "en") -> BookingRow:
    shown = v.shown_status or v.status
    return BookingRow(
        token=v.token,
        status=v.status,
        status_label=v.status_label,
        status_color=STATUS_COLORS.get(shown, "gray"),
        shown_status=shown,
        meeting_href=web_link(v.meeting_url),
        price_label=price_label(v.price, v.currency, locale),
        kind=v.kind,
        tutor_name=v.tutor_name,
        tutor_slug=v.tutor_slug,
        service_name=v.service_name,
        start=v.start,
        label=v.label,
        timezone=v.timezone,
        mode=v.mode,
        location=v.location or "",
        meeting_url=v.meeting_url or "",
        price=v.price,
        currency=v.currency,
        client_name=v.client_name,
        can_cancel=bool(v.can_cancel),
        cancel_is_late=bool(v.cancel_is_late),
        can_reschedule=bool(v.can_reschedule),
        telegram_link=v.telegram_link,
        status_reason=v.status_reason or "",
        ics_url=v.ics_url,
        google_calendar_url=v.google_calendar_url,
        outlook_calendar_url=v.outlook_calendar_url,
    )
