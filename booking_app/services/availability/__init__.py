"""A tutor's availability, one module per editor of the availability page: weekly hours
and date overrides (hours), busy blocks (busy), booking rules (rules), and what the page
shows (views). What students are offered from all of it is ``services.tutor_public``
(``week_slots``).

Every function validates all input first (every field error at once), then writes in one
transaction; another tutor's rows are NotFound.
"""

from booking_app.services.availability.busy import (
    add_busy_block,
    move_busy_block,
    move_busy_block_to,
    remove_busy_block,
)
from booking_app.services.availability.hours import (
    remove_override,
    save_weekly_windows,
    set_override,
)
from booking_app.services.availability.rules import SLOT_STEPS, save_rules
from booking_app.services.availability.views import (
    AvailabilityView,
    BusyBlockView,
    OverrideView,
    RulesView,
    WindowView,
    get_availability,
)

__all__ = [
    "SLOT_STEPS",
    "AvailabilityView",
    "BusyBlockView",
    "OverrideView",
    "RulesView",
    "WindowView",
    "add_busy_block",
    "get_availability",
    "move_busy_block",
    "move_busy_block_to",
    "remove_busy_block",
    "remove_override",
    "save_rules",
    "save_weekly_windows",
    "set_override",
]
