"""The subject catalogue an admin keeps (marketplace search by subject, services' subject).

Names are unique case-insensitively; the slug follows the name. A subject that services
or tutors use cannot be deleted (InUse 409 with the reason), so no tutor's page loses
its subject under them; rename it instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from booking_app.db import read_scope, session_scope
from booking_app.models import Subject
from booking_app.repositories import admin as admin_repo
from booking_app.services.errors import InUse, NotFound, ValidationFailed
from booking_app.services.validation import has_control_characters

MAX_LIMIT = 100
NAME_TAKEN = "A subject with this name exists already."


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    id: int
    name: str
    slug: str


def _info(subject: Subject) -> SubjectInfo:
    return SubjectInfo(subject.id or 0, subject.name, subject.slug)


def _clean(name: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": "Enter the subject's name."})
    if len(name) > 80:
        raise ValidationFailed({"name": "At most 80 characters."})
    if has_control_characters(name):
        raise ValidationFailed({"name": "Use letters, digits and punctuation only."})
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]
    if not slug:  # a name with no Latin letters (e.g. Cyrillic): a stable slug from bytes
        slug = "s-" + name.encode().hex()[:60]
    return name, slug


def list_subjects(
    *, q: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[SubjectInfo]]:
    limit, offset = min(max(1, int(limit)), MAX_LIMIT), max(0, int(offset))
    with read_scope() as session:
        total, rows = admin_repo.subjects_page(
            session=session, q=(q or "").strip()[:100], limit=limit, offset=offset
        )
        return total, [_info(row) for row in rows]


def _save(subject_id: int | None, name: str) -> SubjectInfo:
    name, slug = _clean(name)
    try:
        with session_scope(write=True) as session:
            same = admin_repo.subject_named(session=session, name=name, slug=slug)
            if same is not None and same.id != subject_id:
                raise ValidationFailed({"name": NAME_TAKEN})
            if subject_id is None:
                row = admin_repo.add_subject(session=session, subject=Subject(name=name, slug=slug))
            else:
                row = admin_repo.get_subject(session=session, subject_id=subject_id)
                if row is None:
                    raise NotFound("No such subject.")
                row.name, row.slug = name, slug
                session.flush()
            return _info(row)
    except IntegrityError:  # a concurrent save took the name first
        raise ValidationFailed({"name": NAME_TAKEN}) from None


def create_subject(name: str) -> SubjectInfo:
    return _save(None, name)


def rename_subject(subject_id: int, name: str) -> SubjectInfo:
    return _save(subject_id, name)


def delete_subject(subject_id: int) -> None:
    with session_scope(write=True) as session:
        if admin_repo.get_subject(session=session, subject_id=subject_id) is None:
            raise NotFound("No such subject.")
        refs = admin_repo.subject_references(session=session, subject_id=subject_id)
        if refs["services"]:
            raise InUse(
                "services", f"{refs['services']} service(s) use this subject; rename it instead."
            )
        if refs["tutors"]:
            raise InUse(
                "tutors", f"{refs['tutors']} tutor(s) teach this subject; rename it instead."
            )
        admin_repo.delete_subject(session=session, subject_id=subject_id)
