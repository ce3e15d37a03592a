"""The Reflex app: registers pages and the HTTP API; nothing else lives here.

Importing a page module registers its page (the decorators of `state/page.py`); this is
the one module that imports pages.
"""

import reflex as rx

from booking_app import gc_tuning
from booking_app.api.app import api
from booking_app.api.cors import OriginCheckedApp
from booking_app.pages import (  # noqa: F401  (each module registers its page)
    booking,
    calendar,
    classroom,
    home,
    invite,
    landing,
    login,
    my_bookings,
    register,
    reports,
    tutor_availability,
    tutor_bookings,
    tutor_calendars,
    tutor_lessons,
    tutor_profile,
    tutor_public,
    tutor_requests,
    tutor_services,
    tutor_students,
    webhooks,
)
from booking_app.realtime.channel import lifespan as realtime_lifespan
from booking_app.state import closed_tabs, off_loop
from booking_app.state.page import add_pages
from booking_app.state.viewer_timezone import tz_cookie_script

app = OriginCheckedApp(  # rx.App, behind the allowed-origins policy
    api_transformer=api,
    toaster=rx.toast.provider(position="top-center", close_button=True),
    # The theme (accent colour) is in rxconfig.py (RadixThemesPlugin). assets/a11y.*:
    # 44 px touch targets on phones, focus back to where it was after a dialog closes;
    # assets/unsaved.js: "leave without saving?" while a page shows data-unsaved.
    # tz_cookie_script: the browser's zone in a cookie before the websocket opens, so
    # guest pages compute once.
    stylesheets=["/a11y.css"],
    head_components=[
        tz_cookie_script(),
        rx.script(src="/a11y.js"),
        rx.script(src="/unsaved.js"),
    ],
    html_lang="en",
)
app.register_lifespan_task(realtime_lifespan)  # live updates delivered in this process
app.register_lifespan_task(gc_tuning.lifespan)  # no multi-second full collections
app.register_lifespan_task(closed_tabs.lifespan)  # closed tabs' states go after a minute
add_pages(app)
off_loop.install()  # our synchronous handlers run in a worker thread, off the event loop
closed_tabs.install()
