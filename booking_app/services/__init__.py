"""services layer (see ARCHITECTURE.md).

Importing the package installs the webhook listener that turns lesson row changes into
deliveries in the same transaction (services/webhooks/events.py), in every process that
writes through a service (app, worker, CLI, tests).
"""

from booking_app.services.webhooks import events as _webhook_events  # noqa: F401
