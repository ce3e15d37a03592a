"""services layer (see ARCHITECTURE.md).

Importing the package installs the row listeners, in every process that writes through a
service (app, worker, CLI, tests): lesson row changes become webhook deliveries in the same
transaction (services/webhooks/events.py), and the people of every changed lesson,
booking, room or service get their data version bumped (services/data_versions.py).
"""

from booking_app.services import data_versions as _data_versions  # noqa: F401
from booking_app.services.webhooks import events as _webhook_events  # noqa: F401
