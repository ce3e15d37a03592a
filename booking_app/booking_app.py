"""The Reflex app: registers pages and the HTTP API; nothing else lives here."""

import reflex as rx

from booking_app.api.app import api
from booking_app.api.cors import OriginCheckedApp
from booking_app.pages.booking import add_booking_page
from booking_app.pages.calendar import add_calendar_page
from booking_app.pages.classroom import add_classroom_page
from booking_app.pages.home import add_home_page
from booking_app.pages.invite import add_invite_pages
from booking_app.pages.landing import add_landing_page
from booking_app.pages.login import add_login_page
from booking_app.pages.my_bookings import add_my_bookings_page
from booking_app.pages.register import add_register_page
from booking_app.pages.tutor_availability import add_tutor_availability_page
from booking_app.pages.tutor_lessons import add_tutor_lessons_page
from booking_app.pages.tutor_profile import add_tutor_profile_page
from booking_app.pages.tutor_public import add_tutor_public_page
from booking_app.pages.tutor_requests import add_tutor_requests_page
from booking_app.pages.tutor_services import add_tutor_services_page
from booking_app.pages.tutor_students import add_tutor_students_page
from booking_app.realtime.channel import lifespan as realtime_lifespan

app = OriginCheckedApp(  # rx.App, behind the allowed-origins policy
    api_transformer=api,
    toaster=rx.toast.provider(position="top-center", close_button=True),
)
app.register_lifespan_task(realtime_lifespan)  # live updates delivered in this process
for add_page in (
    add_landing_page,
    add_login_page,
    add_register_page,
    add_home_page,
    add_tutor_services_page,
    add_tutor_availability_page,
    add_tutor_lessons_page,
    add_tutor_requests_page,
    add_tutor_profile_page,
    add_tutor_public_page,
    add_booking_page,
    add_my_bookings_page,
    add_classroom_page,
    add_invite_pages,
    add_tutor_students_page,
    add_calendar_page,
):
    add_page(app)
