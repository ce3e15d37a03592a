"""Every enumerated value of the domain, as `str` enums so they compare equal to their text."""

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
    no_show = "no_show"


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
