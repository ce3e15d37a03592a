"""Webhooks: tutors' and admins' HTTPS endpoints receive signed booking and lesson events.

- `events`: the write side (delivery rows in the transaction of the change);
- `delivery`: the send side (scan, claim, record; tasks/webhooks.py sends);
- `manage`: endpoints and the delivery log for the page and the API;
- `signing`: secrets (encrypted at rest) and the HMAC signature;
- `targets`: which URLs we call (the SSRF guard).
"""

from booking_app.services.webhooks import delivery, events, manage, signing, targets
from booking_app.services.webhooks.events import EVENT_TYPES

__all__ = ["EVENT_TYPES", "delivery", "events", "manage", "signing", "targets"]
