"""How a refusal of a service reaches the user, and the form state every page shares.

`refusal(exc, fields)` is the one place a DomainError becomes UI text. It reads only the
error's `field_errors` (ValidationFailed: a message per form field) and its `detail` (a
sentence for anything else, e.g. the booking engine's reason "The tutor needs at least
15 minutes free between lessons."), so every page says the same thing the same way:

- the messages of the form's own fields go next to those fields;
- everything else (messages of fields the form doesn't show, or the `detail` of any other
  error) becomes one readable message: a toast, or a callout at the foot of the form.

`FormErrors` is the mixin of a form's state: one `errors` dict (field name -> message,
`FORM` -> the form's own message) instead of an `*_error` var per field.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app.services.errors import DomainError

FORM = "form"  # the `errors` key of a message that belongs to no field of the form


@dataclass(frozen=True)
class Refusal:
    fields: dict[str, str]  # field name -> the message shown next to it
    message: str  # the rest, one text ("" when every message sits next to its field)


def refusal(exc: DomainError, fields: Collection[str] = ()) -> Refusal:
    """What the user reads when a service refuses (see the module docstring)."""
    field_errors: dict[str, str] = dict(getattr(exc, "field_errors", None) or {})
    if not field_errors:
        return Refusal({}, exc.detail)
    own = {name: text for name, text in field_errors.items() if name in fields}
    rest = [text for name, text in field_errors.items() if name not in fields]
    return Refusal(own, " ".join(rest))


def error_text(exc: DomainError) -> str:
    """The refusal as one text (for a toast or a message of its own)."""
    return refusal(exc).message


def error_toast(exc: DomainError) -> rx.event.EventSpec:
    return rx.toast.error(error_text(exc))


def first_value(value: str | list[str]) -> str:
    """Radio groups/segmented controls may hand a list; take its first item."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def text_of(form_data: dict[str, Any], key: str) -> str:
    """A submitted field as trimmed text (missing or None: "")."""
    return str(form_data.get(key, "") or "").strip()


class FormErrors(rx.State, mixin=True):
    """One `errors` dict per form (see the module docstring). Components read a field's
    message as `S.errors.get(name, "")` (components/forms.py: `error_of`)."""

    errors: dict[str, str] = {}

    def _clear_errors(self, *names: str) -> None:
        """Forget the messages of `names` (all of them when none is named)."""
        self.errors = {k: v for k, v in self.errors.items() if names and k not in names}

    def _show_refusal(
        self,
        exc: DomainError,
        fields: Collection[str] = (),
        *,
        focus_prefix: str | None = None,
        toast: bool = False,
    ) -> list[rx.event.EventSpec]:
        """Put `exc` on the form: messages next to `fields`, the rest under FORM (and in a
        toast when `toast`); focus the first field in error (`focus_prefix` + name)."""
        shown = refusal(exc, fields)
        self.errors = {**shown.fields, **({FORM: shown.message} if shown.message else {})}
        events: list[rx.event.EventSpec] = []
        if focus_prefix is not None and shown.fields:
            events.append(rx.set_focus(f"{focus_prefix}{next(iter(shown.fields))}"))
        if toast and shown.message:
            events.append(rx.toast.error(shown.message))
        return events
