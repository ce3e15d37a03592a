"""The Reflex app: registers pages and the HTTP API; nothing else lives here."""

import reflex as rx

from booking_app.api.app import api
from booking_app.pages.home import add_home_page
from booking_app.pages.landing import add_landing_page
from booking_app.pages.login import add_login_page
from booking_app.pages.register import add_register_page

app = rx.App(
    api_transformer=api,
    toaster=rx.toast.provider(position="top-center", close_button=True),
)
for add_page in (add_landing_page, add_login_page, add_register_page, add_home_page):
    add_page(app)
