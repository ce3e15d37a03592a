"""What a tutor has set up so far, counted in SQL (the onboarding checklist and publishing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from booking_app.models import AvailabilityOverride, AvailabilityWindow, Service


@dataclass(frozen=True)
class SetupCounts:
    active_services: int
    weekly_windows: int
    open_overrides: int  # override windows on or after `today` that open time


def setup_counts(*, session: Session, tutor_id: int, today: date) -> SetupCounts:
    """Three counts in one statement: active services, weekly windows, future open overrides."""
    services = (
        sa.select(sa.func.count())
        .select_from(Service)
        .where(Service.tutor_id == tutor_id, Service.is_active.is_(True))  # type: ignore[attr-defined]
        .scalar_subquery()
    )
    weekly = (
        sa.select(sa.func.count())
        .select_from(AvailabilityWindow)
        .where(AvailabilityWindow.tutor_id == tutor_id)
        .scalar_subquery()
    )
    overrides = (
        sa.select(sa.func.count())
        .select_from(AvailabilityOverride)
        .where(
            AvailabilityOverride.tutor_id == tutor_id,
            AvailabilityOverride.day >= today,
            AvailabilityOverride.start_time.is_not(None),  # type: ignore[union-attr]
        )
        .scalar_subquery()
    )
    row = session.execute(sa.select(services, weekly, overrides)).one()
    return SetupCounts(int(row[0]), int(row[1]), int(row[2]))
