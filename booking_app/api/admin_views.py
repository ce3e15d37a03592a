"""The admin's model views: every form saves or shows a field error; no secret leaves.

Why a base class instead of starlette-admin's plain `ModelView` (issue 12):

- Datetimes. Our columns (`UTCDateTime`) refuse naive datetimes, and starlette-admin's
  form parser returns naive ones (converted to the database zone, tzinfo dropped).
  `UTCDateTimeField` puts the zone back, so the model stays strict. The admin shows and
  reads every time in UTC (admin.ADMIN_TIMEZONE), marked "UTC" under the field.
- Bad input. starlette-admin turns unreadable input ("abc" for a number) into None and
  lets the database refuse it: a 500. Here every submitted value is checked against its
  column (required, length, number range, foreign key) and the model's declared type
  before anything is written; whatever the database still refuses (a unique or check
  constraint) becomes a message on the field(s) involved, or a message above the form.
- Secrets. Capabilities (booking and calendar tokens, room ids) and password hashes are
  not fields of any view, so no list, detail, form, export or import ever carries them;
  texts that embed them (outbox messages with booking links) are shown redacted.
- CSV. The only CSV exporter offered is `SafeCsvExporter` (integrations/csv_export.py:
  cells that a spreadsheet would run as formulas are neutralised; the same Excel dialect
  as every other export: UTF-8 with BOM, ";", decimal commas).
- Import is offered only where the view may both create and edit rows.
- Deletes. A row other rows still point at is not deleted: the admin reads which
  tables use it (``delete``), never a raw IntegrityError.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio
import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined
from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.contrib.sqla.converters import ModelConverter
from starlette_admin.converters import converts
from starlette_admin.exceptions import ActionFailed, FormValidationError
from starlette_admin.export.csv import CsvExporter
from starlette_admin.fields import BaseField, BooleanField, DateTimeField, JSONField
from starlette_admin.flash import flash
from starlette_admin.i18n import get_database_tzinfo

from booking_app import clock
from booking_app.integrations.csv_export import excel_csv_bytes
from booking_app.services.audit import SECRET_COLUMNS

# SECRET_COLUMNS (services/audit.py) are never a field of any view (so never listed,
# shown, edited, exported or imported).
# Written by the app itself: shown, never typed in by hand.
SYSTEM_COLUMNS = frozenset({"created_at", "updated_at"})
REDACTED = "[hidden]"
# Booking tokens and room ids are UUID4s; messages embed them in links.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_INT_LIMITS = {sa.BigInteger: 2**63, sa.SmallInteger: 2**15, sa.Integer: 2**31}
_KIND = {int: "whole number", Decimal: "number", float: "number", datetime: "date and time"}
_KIND.update({date: "date", time: "time", list: "JSON value", dict: "JSON value"})


def _sql_type(column: sa.Column) -> sa.types.TypeEngine[Any]:
    """The column's plain SQL type (SQLModel's AutoString and our UTCDateTime wrap one)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, sa.types.TypeDecorator) else kind


def redact_secrets(text: str) -> str:
    """The text with every capability in it (a UUID) replaced by `[hidden]`."""
    return _UUID.sub(REDACTED, text)


class UTCDateTimeField(DateTimeField):
    """A datetime form field that yields aware UTC datetimes (see module docstring)."""

    async def parse_form_data(self, request: Request, form_data: Any) -> datetime | None:
        value = await super().parse_form_data(request, form_data)
        if value is None:
            return None
        if value.tzinfo is None:  # starlette-admin hands back the database zone, naive
            value = value.replace(tzinfo=get_database_tzinfo())
        return value.astimezone(UTC)


class _Converter(ModelConverter):
    @converts("booking_app.models.base.UTCDateTime")
    def conv_utc_datetime(self, *args: Any, **kwargs: Any) -> BaseField:
        return UTCDateTimeField(**{**self._field_common(*args, **kwargs), "help_text": "UTC"})


class SafeCsvExporter(CsvExporter):
    """starlette-admin's CSV export in the app's Excel dialect (formula-safe cells)."""

    async def generate(self, fields: list[BaseField], rows: list[dict[str, Any]]) -> bytes:
        header = [f.label or f.name for f in fields]
        return excel_csv_bytes(header, ([row.get(f.name) for f in fields] for row in rows))


class AdminModelView(ModelView):
    """Base of every admin view (see module docstring)."""

    exporters: Sequence[Any] = [SafeCsvExporter(), "json"]
    redacted_fields: Collection[str] = ()
    # Search as you type (debounced 400 ms by starlette-admin's list.js), not on Enter only;
    # admin_static/admin-a11y.js keeps the caret in the box across the reload.
    search_auto_submit = True

    def __init__(self, model: type, **kwargs: Any) -> None:
        self._table: sa.Table = model.__table__  # type: ignore[attr-defined]
        columns = [c.name for c in self._table.columns]
        if not self.fields:
            self.fields = [name for name in columns if name not in SECRET_COLUMNS]
        system = [name for name in columns if name in SYSTEM_COLUMNS]
        self.exclude_fields_from_create = [*self.exclude_fields_from_create, *system]
        self.exclude_fields_from_edit = [*self.exclude_fields_from_edit, *system]
        super().__init__(model, converter=_Converter(), **kwargs)
        self._types: dict[str, TypeAdapter[Any]] = {}
        for field in self.fields:
            column = self._table.c.get(field.name)
            info = self.model.model_fields.get(field.name)  # type: ignore[attr-defined]
            if column is None or info is None:
                continue
            # SQLModel keeps defaults on the model, not the column: starlette-admin can't see them.
            has_default = info.default is not PydanticUndefined and info.default is not None
            if has_default and field.default is None:
                field.default = info.default  # pre-filled on the create form
            field.required = self._required(column, field, has_default=has_default)

    @staticmethod
    def _required(column: sa.Column, field: BaseField, *, has_default: bool) -> bool:
        """NOT NULL, and empty isn't a value ("" is one for text with a default, [] for JSON).
        The browser asks for required fields; validate_fields re-checks on the server."""
        if column.nullable or column.primary_key or isinstance(field, BooleanField | JSONField):
            return False
        return not (isinstance(_sql_type(column), sa.String) and has_default)

    # ---- permissions ------------------------------------------------------------------

    def can_import(self, request: Request) -> bool:
        """An import creates and updates rows: only where both are allowed."""
        return self.can_create(request) and self.can_edit(request)

    # ---- output -----------------------------------------------------------------------

    async def serialize_field_value(self, value: Any, field: BaseField, request: Request) -> Any:
        if field.name in self.redacted_fields and isinstance(value, str):
            value = redact_secrets(value)
        return await super().serialize_field_value(value, field, request)

    # ---- input ------------------------------------------------------------------------

    async def validate_fields(
        self, request: Request, data: dict[str, Any], exclude: Collection[str] = ()
    ) -> None:
        """starlette-admin's own checks, then each value against its column and type."""
        errors: dict[str | int, Any] = {}
        try:
            await super().validate_fields(request, data, exclude)
        except FormValidationError as exc:
            errors.update(exc.errors)
        form = await request.form()
        for field in self.get_fields_list(request):
            name = field.name
            if name in exclude or field.read_only or name not in data:
                continue
            raw = form.get(field.id)
            problem = self._problem(field, data[name], raw if isinstance(raw, str) else None)
            if problem:  # more precise than "required" when the input was unreadable
                errors[name] = problem
        if errors:
            raise FormValidationError(errors)

    def _problem(self, field: BaseField, value: Any, raw: str | None) -> str | None:
        column = self._table.c.get(field.name)
        if column is None:
            return None
        if value is None:
            if raw and raw.strip() and not isinstance(field, BooleanField):
                kind = _KIND.get(self._python_type(column), "value")
                return f"“{raw.strip()[:60]}” is not a valid {kind}."
            if not column.nullable and not column.primary_key:
                return "This field is required."
            return None
        return self._column_problem(column, value) or self._type_problem(field.name, value)

    @staticmethod
    def _python_type(column: sa.Column) -> type | None:
        try:
            return _sql_type(column).python_type
        except NotImplementedError:
            return None

    @staticmethod
    def _column_problem(column: sa.Column, value: Any) -> str | None:
        """What the database would refuse, asked before writing (SQLite enforces no lengths)."""
        kind = _sql_type(column)
        if isinstance(kind, sa.String) and not isinstance(kind, sa.Enum) and kind.length:
            if isinstance(value, str) and len(value) > kind.length:
                return f"At most {kind.length} characters (this is {len(value)})."
        if isinstance(kind, sa.Numeric) and isinstance(value, Decimal) and kind.precision:
            scale = kind.scale or 0
            if abs(value) >= Decimal(10) ** (kind.precision - scale):
                return f"Must be less than {Decimal(10) ** (kind.precision - scale):,}."
            try:
                if value != value.quantize(Decimal(1).scaleb(-scale)):
                    return f"At most {scale} decimal places."
            except InvalidOperation:
                return "Not a valid number."
        if isinstance(value, int) and not isinstance(value, bool):
            limit = next((n for t, n in _INT_LIMITS.items() if isinstance(kind, t)), None)
            if limit is not None and not -limit <= value < limit:
                return "This number is too large."
        return None

    def _type_problem(self, name: str, value: Any) -> str | None:
        """The model's declared type (an enum value, `list[int]`, ...) accepts the value."""
        info = self.model.model_fields.get(name)  # type: ignore[attr-defined]
        if info is None:
            return None
        if name not in self._types:
            self._types[name] = TypeAdapter(info.annotation)
        try:
            self._types[name].validate_python(value)
        except ValidationError as exc:
            return exc.errors()[0]["msg"] + "."
        return None

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await super().create(request, self._nulls(data))

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        return await super().edit(request, pk, self._nulls(data))

    def _nulls(self, data: dict[str, Any]) -> dict[str, Any]:
        """An empty text box means "none" where the column allows it: NULL, not ""."""
        nullable = {c.name for c in self._table.columns if c.nullable}
        return {k: None if v == "" and k in nullable else v for k, v in data.items()}

    async def validate(self, request: Request, data: dict[str, Any]) -> None:
        """Foreign keys point at existing rows (SQLite's refusal names no column)."""
        session = request.state.session
        errors: dict[str | int, Any] = {}
        for fk in self._table.foreign_keys:
            name, target = fk.parent.name, fk.column
            if data.get(name) is None:
                continue
            query = sa.select(sa.literal(1)).select_from(target.table).where(target == data[name])
            found = await anyio.to_thread.run_sync(lambda q=query: session.execute(q).first())
            if found is None:
                errors[name] = f"There is no {target.table.name} with {target.name} {data[name]}."
        if errors:
            raise FormValidationError(errors)

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        """Refuse, with the reason, a delete that would orphan rows (a user with bookings,
        a service with lessons): never the database's raw IntegrityError."""
        session = request.state.session
        for pk in pks:
            users = await anyio.to_thread.run_sync(lambda p=pk: self._referrers(session, p))
            if users:
                where = ", ".join(f"{n} {t.replace('_', ' ')} row(s)" for t, n in users.items())
                raise ActionFailed(
                    f"Not deleted: #{pk} is still used by {where}. Deactivate it or remove "
                    "those first."
                )
        try:
            return await super().delete(request, pks)
        except sa_exc.IntegrityError as exc:
            await anyio.to_thread.run_sync(session.rollback)
            raise ActionFailed("Not deleted: other rows still refer to it.") from exc

    def _referrers(self, session: Any, pk: Any) -> dict[str, int]:
        """{table: count} of rows whose foreign key points at this row (counted in SQL)."""
        found: dict[str, int] = {}
        for table in self._table.metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table is not self._table:
                    continue
                query = sa.select(sa.func.count()).select_from(table).where(fk.parent == pk)
                count = int(session.execute(query).scalar_one())
                if count:
                    found[table.name] = found.get(table.name, 0) + count
        return found

    async def before_edit(self, request: Request, data: dict[str, Any], obj: Any) -> None:
        if "updated_at" in self._table.c:
            obj.updated_at = clock.now()

    async def handle_exception(self, request: Request, exc: Exception) -> None:
        """A refusal of the database becomes a form error instead of a 500."""
        if isinstance(exc, sa_exc.SQLAlchemyError | ValueError | TypeError | LookupError):
            errors = self._database_errors(exc)
            if not errors:
                first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                flash(request, f"Not saved: {first[:300]}", "error")
            raise FormValidationError(errors) from exc
        await super().handle_exception(request, exc)

    def _database_errors(self, exc: Exception) -> dict[str | int, Any]:
        """Field errors for a constraint the database named (PostgreSQL or SQLite)."""
        orig = getattr(exc, "orig", None)
        text = str(orig or exc)
        diag = getattr(orig, "diag", None)
        constraint = getattr(diag, "constraint_name", None)
        columns: list[str] = []
        if column := getattr(diag, "column_name", None):
            columns = [column]
        elif match := re.search(r"(?:UNIQUE|NOT NULL) constraint failed: (.+)", text):
            columns = [part.strip().rsplit(".", 1)[-1] for part in match.group(1).split(",")]
        elif match := re.search(r"CHECK constraint failed: (\w+)", text):
            constraint = match.group(1)
        if constraint:
            columns = self._constraint_columns(constraint)
        if "NOT NULL" in text or "null value" in text:
            message = "This field is required."
        elif "UNIQUE" in text or "unique" in text:
            message = "Another row already has this value."
        else:
            rule = self._constraint_rule(constraint) if constraint else None
            message = f"Not allowed by the rule: {rule}." if rule else "Not allowed here."
        fields = {f.name for f in self.fields if not f.read_only}
        return {name: message for name in columns if name in fields}

    def _constraint_columns(self, name: str) -> list[str]:
        for item in [*self._table.constraints, *self._table.indexes]:
            if item.name != name:
                continue
            if isinstance(item, sa.CheckConstraint):
                words = set(re.findall(r"\w+", str(item.sqltext)))
                return [c.name for c in self._table.columns if c.name in words]
            return [c.name for c in item.columns]
        return []

    def _constraint_rule(self, name: str) -> str | None:
        for item in self._table.constraints:
            if item.name == name and isinstance(item, sa.CheckConstraint):
                return str(item.sqltext)
        return None
