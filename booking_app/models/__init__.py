"""All tables; importing this package registers them on SQLModel.metadata (alembic, Reflex)."""

from booking_app.models import calendar_sequence as calendar_sequence  # its listeners
from booking_app.models.api_support import DataVersion, IdempotencyRecord
from booking_app.models.api_token import ApiRateCounter, PersonalAccessToken, RefreshToken
from booking_app.models.audit import AuditLog
from booking_app.models.auth import SignInAttempt, UsedLoginTicket, UserSession
from booking_app.models.availability import AvailabilityOverride, AvailabilityWindow, BusyBlock
from booking_app.models.base import UTCDateTime
from booking_app.models.booking import Booking
from booking_app.models.calendar_sync import (
    CalendarKind,
    CalendarPush,
    CalendarPushedEvent,
    CalendarSource,
)
from booking_app.models.classroom import Classroom, ClassroomMembership, ClassroomSession
from booking_app.models.enums import (
    SEAT_HOLDING_STATUSES,
    BookingEvent,
    BookingKind,
    BookingSource,
    BookingStatus,
    BusySource,
    InviteKind,
    LessonMode,
    LessonStatus,
    LessonType,
    MembershipStatus,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    PaymentStatus,
    Role,
    WebhookDeliveryStatus,
)
from booking_app.models.invite import Invite, InviteRedemption
from booking_app.models.lesson import Lesson
from booking_app.models.notification import Notification, RateSlot
from booking_app.models.service import Service
from booking_app.models.tutor import Subject, TutorProfile, TutorSubject
from booking_app.models.user import User
from booking_app.models.webhook import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AuditLog",
    "ApiRateCounter",
    "PersonalAccessToken",
    "RefreshToken",
    "SEAT_HOLDING_STATUSES",
    "AvailabilityOverride",
    "AvailabilityWindow",
    "Booking",
    "BookingEvent",
    "BookingKind",
    "BookingSource",
    "BookingStatus",
    "BusyBlock",
    "BusySource",
    "CalendarKind",
    "CalendarPush",
    "CalendarPushedEvent",
    "CalendarSource",
    "Classroom",
    "ClassroomMembership",
    "ClassroomSession",
    "DataVersion",
    "IdempotencyRecord",
    "Invite",
    "InviteKind",
    "InviteRedemption",
    "Lesson",
    "LessonMode",
    "LessonStatus",
    "LessonType",
    "MembershipStatus",
    "Notification",
    "NotificationChannel",
    "NotificationKind",
    "NotificationStatus",
    "PaymentStatus",
    "RateSlot",
    "Role",
    "Service",
    "SignInAttempt",
    "Subject",
    "TutorProfile",
    "TutorSubject",
    "UTCDateTime",
    "UsedLoginTicket",
    "User",
    "UserSession",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
]
