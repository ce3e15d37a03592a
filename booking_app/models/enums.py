"""Every enumerated value of the domain, as `str` enums so they compare equal to their text."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    student = "student"
    tutor = "tutor"
    admin = "admin"


class LessonType(str, Enum):
    individual = "individual"
    group = "group"


class LessonMode(str, Enum):
    online = "online"
    offline = "offline"


class LessonStatus(str, Enum):
    tentative = "tentative"
    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


class BookingStatus(str, Enum):
    pending = "pending"
    confirmed = "confirmed"
    cancelled = "cancelled"
    late_cancel = "late_cancel"
    completed = "completed"
    no_show = "no_show"  # the student did not come
    tutor_no_show = "tutor_no_show"  # the tutor did not come (services/lessons/outcome.py)


# Pending and confirmed bookings hold their seat (PRODUCT.md, "Booking").
SEAT_HOLDING_STATUSES: tuple[BookingStatus, ...] = (BookingStatus.pending, BookingStatus.confirmed)


class BookingKind(str, Enum):
    regular = "regular"
    trial = "trial"


class BookingSource(str, Enum):
    marketplace = "marketplace"
    public_page = "public_page"
    tutor = "tutor"


class PaymentStatus(str, Enum):
    unpaid = "unpaid"
    paid = "paid"


class MembershipStatus(str, Enum):
    invited = "invited"
    active = "active"
    removed = "removed"


class InviteKind(str, Enum):
    lesson = "lesson"
    classroom = "classroom"


class BusySource(str, Enum):
    manual = "manual"
    external = "external"


class NotificationChannel(str, Enum):
    telegram = "telegram"


class NotificationStatus(str, Enum):
    pending = "pending"
    claimed = "claimed"  # a worker holds it and waits for its send slot; a cancel still stops it
    sending = "sending"  # its HTTP request has begun (committed right before): can't be recalled
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"
    skipped = "skipped"  # due while no bot token was configured: kept, visible, not sent


class BookingEvent(str, Enum):
    """What just happened to a booking; decides which messages the outbox writes
    (``services.notifications.booking_changed``)."""

    created = "created"
    confirmed = "confirmed"
    declined = "declined"
    moved = "moved"
    cancelled = "cancelled"


class WebhookDeliveryStatus(str, Enum):
    pending = "pending"  # waiting for its time (and for earlier events of its subject)
    sending = "sending"  # claimed: its request is on its way (lease_until bounds it)
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # gave up after the last attempt (or the target was refused)


class NotificationKind(str, Enum):
    """What a Notification row says. The row stores ``key()``: the value itself, or with a
    suffix for the kinds that come in many copies ("reminder:24h", "tutor_digest:2026-11-30").
    Kinds meant for the tutor start with "tutor_" (a student's chat never receives them)."""

    created = "created"  # the student's "Booked" / "Request sent"
    decision = "decision"  # the tutor confirmed or declined
    moved = "moved"
    cancelled = "cancelled"
    reminder = "reminder"  # one per offset: "reminder:24h"
    tutor_request = "tutor_request"  # confirm / decline buttons
    tutor_moved = "tutor_moved"
    tutor_cancelled = "tutor_cancelled"
    tutor_digest = "tutor_digest"  # one per local day: "tutor_digest:2026-11-30"
    tutor_webhook_disabled = "tutor_webhook_disabled"  # one per endpoint: "...:<endpoint id>"
    tutor_tentative = "tutor_tentative"  # today's tentative lessons: "tutor_tentative:<day>"
    tutor_calendar_broken = "tutor_calendar_broken"  # one per source: "...:<source id>"

    def key(self, suffix: str = "") -> str:
        """What ``notification.kind`` stores for this kind (plain text)."""
        return f"{self.value}:{suffix}" if suffix else str(self.value)

    @classmethod
    def of(cls, stored: str) -> NotificationKind:
        """The kind of a stored ``notification.kind`` ("reminder:24h" -> reminder)."""
        return cls(stored.split(":", 1)[0])

    @property
    def for_tutor(self) -> bool:
        return self.value.startswith(TUTOR_KIND_PREFIX)


TUTOR_KIND_PREFIX = "tutor_"


def reminder_key(hours: int) -> str:
    """ "reminder:24h": the reminder sent ``hours`` before the lesson."""
    return NotificationKind.reminder.key(f"{hours}h")


def reminder_hours(stored: str) -> int:
    """24 for "reminder:24h"."""
    return int(stored.split(":", 1)[1].removesuffix("h"))
