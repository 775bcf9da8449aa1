"""Every database table of Coachwise, as SQLModel classes, in one module.

Schema changes go through Alembic (``core/store/migrations``); a test proves that the
migrations produce exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class Dataset(SQLModel, table=True):
    """One imported team export (or a generated demo team).

    On SQLite ids are never reused (AUTOINCREMENT): the audit trail names datasets by id, and a deleted
    dataset's entries must not read as if they were about the next import.
    """

    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow,
        index=True,
        sa_type=DateTime(timezone=True),
    )
    source_filename: str = Field(max_length=255)
    source_sha256: str = Field(max_length=64, index=True)
    row_count: int = Field(ge=0)
    is_demo: bool = Field(default=False)
    # The account that imported it (blank: generated, or stored before creators were recorded). A manager
    # or consultant may change every row of a dataset they created, and only their people's rows elsewhere.
    created_by: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class Person(SQLModel, table=True):
    """A rep in one dataset; the same rep_id in two datasets is two rows."""

    __table_args__ = (UniqueConstraint("dataset_id", "rep_id", name="uq_person_dataset_rep"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    rep_id: str = Field(max_length=64)
    name: str = Field(max_length=200)
    role: str = Field(max_length=3)
    team: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=120)
    manager: str = Field(default="", max_length=200)
    coach_willing: bool | None = Field(default=None)
    coach_aptitude: int | None = Field(default=None)  # 1–5, NULL when not assessed
    language: str | None = Field(default=None, max_length=8)  # plan language (de, nl, en); NULL: the viewer's
    coach_trained: bool | None = Field(default=None)  # coaching training done; NULL when not said


class PeriodRecord(SQLModel, table=True):
    """Raw counts of one person for one month; fields that don't apply to the role stay NULL."""

    __tablename__ = "period_record"
    __table_args__ = (
        UniqueConstraint("person_id", "period", name="uq_period_person_period"),
        Index("ix_period_record_dataset_id", "dataset_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    person_id: int = Field(sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False))
    period: str = Field(max_length=7, description="Month as YYYY-MM")  # i18n: data (schema metadata)
    calls: int | None = None
    leads_sent: int | None = None
    qualified_leads: int | None = None
    deals_worked: int | None = None
    deals_won: int | None = None
    revenue_won: float | None = None
    quota: float | None = None
    portfolio_start: float | None = None
    portfolio_end: float | None = None


class MonthsSnapshot(SQLModel, table=True):
    """A dataset's period records once more, as one compressed Arrow file: what a page reads first (#17).

    Reading 100,000 rows back through the driver builds a Python object per cell (most of a page's first
    run); this copy is read in one piece. It is rewritten in the transaction that changes the records
    (import, added months), holds no names (person ids, months and numbers), and goes with its dataset.
    A snapshot whose row count is not the dataset's is ignored and the rows are read instead.
    """

    __tablename__ = "months_snapshot"

    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    row_count: int = Field(ge=0)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportBatch(SQLModel, table=True):
    """One file imported into a dataset: what came in, how it was read, and what was rejected.

    A dataset has one batch per file (the first creates it; later months can be added).
    """

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    source_filename: str = Field(max_length=255)
    source_sha256: str = Field(max_length=64, index=True)
    sheet: str | None = Field(default=None, max_length=120)
    rows_total: int = Field(ge=0)
    rows_imported: int = Field(ge=0)
    rows_rejected: int = Field(ge=0)
    rows_replaced: int = Field(default=0, ge=0)
    rows_kept: int = Field(default=0, ge=0)
    mapping_json: str = Field(default="{}", sa_type=Text)
    report_csv: str = Field(default="", sa_type=Text)


class SavedMapping(SQLModel, table=True):
    """A column mapping the user confirmed, remembered for the next file with the same headers."""

    __tablename__ = "saved_mapping"

    signature: str = Field(primary_key=True, max_length=64)
    mapping_json: str = Field(sa_type=Text)
    role_answers_json: str = Field(default="{}", sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class TierOverride(SQLModel, table=True):
    """A manager's decision to place a person in another tier, with the reason; history is kept.

    The newest row per (dataset, rep_id) is in force; a row with ``tier`` NULL lifts the override.
    Overrides are keyed by rep_id, so they survive recomputation with other settings.
    """

    __tablename__ = "tier_override"
    __table_args__ = (Index("ix_tier_override_dataset_rep", "dataset_id", "rep_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    rep_id: str = Field(max_length=64)
    tier: str | None = Field(default=None, max_length=8)
    reason: str = Field(sa_type=Text)
    changed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class ChainEdit(SQLModel, table=True):
    """A manager's edit to the coaching chains; the newest edit per subject is in force.

    Kinds: ``lock`` / ``unlock`` a (coach, coachee) pair, ``forbid`` a pair (a swapped-away coach),
    ``exclude`` / ``include`` a person, ``capacity`` for one coach (``value`` coachees), ``answer`` a
    coach's yes (``value`` 1) or no (0) to coaching, ``external`` an AM's external coach (``text`` the
    name; blank clears it).
    """

    __tablename__ = "chain_edit"
    __table_args__ = (Index("ix_chain_edit_dataset", "dataset_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=16)
    coach_id: str | None = Field(default=None, max_length=64)
    coachee_id: str | None = Field(default=None, max_length=64)
    rep_id: str | None = Field(default=None, max_length=64)
    value: int | None = None
    text: str | None = Field(default=None, max_length=200)
    changed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PlanEdit(SQLModel, table=True):
    """A manager's edit to one part of a coaching plan (goal, practice, focus, notes, cadence).

    The newest edit per (dataset, rep_id, key) is in force; an empty value returns the part to
    the generated text. Generated parts follow new data; edited parts are kept and marked.
    """

    __tablename__ = "plan_edit"
    __table_args__ = (Index("ix_plan_edit_dataset_rep", "dataset_id", "rep_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    rep_id: str = Field(max_length=64)
    key: str = Field(max_length=80)
    value: str = Field(sa_type=Text)
    changed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class CheckInRecord(SQLModel, table=True):
    """One logged coaching check-in: date, note, next steps, and what happened to last time's steps."""

    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_dataset_rep", "dataset_id", "rep_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    rep_id: str = Field(max_length=64)
    held_on: date
    note: str = Field(sa_type=Text)
    next_step: str = Field(default="", sa_type=Text)
    # The previous check-in's next steps and what happened to each, as JSON [{"step", "outcome"}];
    # NULL when there was nothing to carry forward, or for a check-in logged before 0011.
    previous_steps: str | None = Field(default=None, sa_type=Text)
    changed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class User(SQLModel, table=True):
    """A person who may sign in, with a role; local accounts carry an argon2 password hash.

    With OpenID Connect sign-in the ``email`` links the identity provider's account to a row here
    (the role lives in Coachwise, not at the provider). A manager sees the people whose ``manager``
    field in the data is ``manager_name``, or who are in one of ``teams`` (one team per line).
    ``credentials_version`` goes up with every password change; a browser session remembers the
    version it signed in with, and one signed in with an older version is signed out.
    """

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254, unique=True)
    role: str = Field(max_length=16)
    password_hash: str | None = Field(default=None, max_length=255)
    manager_name: str = Field(default="", max_length=200)
    teams: str = Field(default="", sa_type=Text)
    active: bool = Field(default=True)
    credentials_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    language: str | None = Field(default=None, max_length=8)  # chosen in the app; None: the browser's
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AuditEntry(SQLModel, table=True):
    """Who did what, when: sign-ins, imports, HR views, exports, overrides, deletions, user changes.

    Entries hold IDs (dataset id, rep_ids, user names, file hashes), never scores or file contents.
    ``dataset_id`` is deliberately not a foreign key: the record of a deletion outlives the dataset.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40, index=True)
    dataset_id: int | None = Field(default=None)
    subject: str = Field(default="", sa_type=Text)
    detail: str = Field(default="", sa_type=Text)


class HrCaseEntry(SQLModel, table=True):
    """One step of an HR review case for a persistent low performer: status, note, who and when.

    The newest entry per (dataset, rep_id) holds the case's status; the history is kept.
    Statuses: ``open``, ``in conversation``, ``closed``. A person decides; nothing here is automatic.
    """

    __tablename__ = "hr_case_entry"
    __table_args__ = (Index("ix_hr_case_entry_dataset_rep", "dataset_id", "rep_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False))
    rep_id: str = Field(max_length=64)
    status: str = Field(max_length=20)
    note: str = Field(default="", sa_type=Text)
    changed_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AppSetting(SQLModel, table=True):
    """An application-wide setting an admin changes in the app, e.g. the retention period in days."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(sa_type=Text)
    updated_by: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
