"""The audit trail: who did what, when — sign-ins, imports, HR views, exports, overrides, deletions.

Entries hold identifiers (dataset id, rep_ids, user names, a file's SHA-256 and row count), never
scores or file contents. Anything a user typed is stripped of CR/LF and control characters first
(:func:`core.text.clean`), so one entry is one line wherever it is read. Writers that change data add
their entry in the same transaction (:func:`add_entry`), so the change and its record land together
or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.export import export_bytes
from core.i18n import N_, _
from core.store.db import retry_when_busy
from core.store.models import AuditEntry
from core.text import clean

ACTIONS: dict[str, str] = {
    "sign_in": N_("signed in"),
    "sign_in_failed": N_("sign-in refused"),
    "sign_out": N_("signed out"),
    "import": N_("imported a file"),
    "hr_review_viewed": N_("viewed the HR review"),
    "hr_brief_viewed": N_("viewed an HR brief"),
    "hr_case": N_("changed an HR case"),
    "export": N_("exported plans or briefs"),
    "tier_override": N_("overrode a tier"),
    "chain_edit": N_("changed the coaching chains"),
    "dataset_deleted": N_("deleted a dataset"),
    "user_changed": N_("changed a user"),
    "retention_changed": N_("changed the retention period"),
    "audit_exported": N_("exported the audit trail"),
}
"""Each audited action in words (English, marked for the catalogue; the Audit trail page shows the reader's)."""

COLUMNS = ["id", "at", "actor", "action", "dataset_id", "subject", "detail"]


def subject_ids(ids: Iterable[object]) -> str:
    """Join identifiers (e.g. rep_ids) into one subject field, sorted and without duplicates."""
    return ", ".join(sorted({clean(i, limit=64) for i in ids} - {""}))


def add_entry(
    session: Session,
    *,
    actor: str,
    action: str,
    dataset_id: int | None = None,
    subject: str = "",
    detail: str = "",
) -> None:
    """Add one entry to an open session (the caller's transaction decides whether it lands).

    Raises:
        ValueError: An action that is not in :data:`ACTIONS`.
    """
    if action not in ACTIONS:
        raise ValueError(_("'{action}' is not an audited action.").format(action=action))
    session.add(
        AuditEntry(
            actor=clean(actor, limit=200) or "unknown",
            action=action,
            dataset_id=dataset_id,
            subject=clean(subject, limit=200_000),
            detail=clean(detail),
        )
    )


@retry_when_busy
def record(
    *,
    engine: Engine,
    actor: str,
    action: str,
    dataset_id: int | None = None,
    subject: str = "",
    detail: str = "",
) -> None:
    """Store one entry in its own transaction (for events that change nothing else: views, exports)."""
    with Session(engine) as session, session.begin():
        add_entry(session, actor=actor, action=action, dataset_id=dataset_id, subject=subject, detail=detail)


def audit_log(
    *,
    engine: Engine,
    actions: Iterable[str] = (),
    actor: str = "",
    dataset_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The entries matching every filter given, newest first.

    Args:
        engine: The database.
        actions: Keep only these actions (empty: all).
        actor: Keep only entries whose actor contains this text (case-insensitive).
        dataset_id: Keep only entries about this dataset.
        since: Keep entries at or after this time.
        until: Keep entries before this time.
        limit: At most this many entries.

    Returns:
        A DataFrame with :data:`COLUMNS`.
    """
    query = select(*(col(getattr(AuditEntry, c)) for c in COLUMNS))
    wanted = list(actions)
    if wanted:
        query = query.where(col(AuditEntry.action).in_(wanted))
    if actor.strip():
        query = query.where(col(AuditEntry.actor).ilike(f"%{actor.strip()}%"))
    if dataset_id is not None:
        query = query.where(col(AuditEntry.dataset_id) == dataset_id)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.at) < until)
    query = query.order_by(col(AuditEntry.id).desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["dataset_id"] = frame["dataset_id"].astype("Int64")  # whole numbers, blank where none
    return frame


def dataset_filter(text: str) -> int | None:
    """The dataset id typed into a filter, or None when the field is blank (any dataset).

    Raises:
        ValueError: The text is not a whole number, in a sentence saying where to find the id.
    """
    typed = text.strip()
    if not typed:
        return None
    if not typed.isdigit():
        raise ValueError(
            _("'{typed}' is not a dataset id: give the number shown on the Upload page.").format(typed=typed)
        )
    return int(typed)


def day_span(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC times :func:`audit_log` takes for the whole days from ``start`` to ``end``, both included."""
    return datetime.combine(start, time.min, tzinfo=UTC), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=UTC
    )


def export_log(*, engine: Engine, log: pd.DataFrame, actor: str, start: date, end: date) -> bytes:
    """The entries as CSV; making the file records an ``audit_exported`` entry (how many, which days).

    Args:
        engine: The database.
        log: The entries to export, as :func:`audit_log` returns them.
        actor: Who exports.
        start: The first day the entries were filtered on.
        end: The last day the entries were filtered on.
    """
    data = export_bytes(log, "csv", sheet="Audit")
    record(
        engine=engine,
        actor=actor,
        action="audit_exported",
        subject=f"{len(log)} entries",
        detail=f"{start:%Y-%m-%d} to {end:%Y-%m-%d}",
    )
    return data
