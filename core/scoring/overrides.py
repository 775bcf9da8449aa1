"""Manager overrides of a tier: a person decides, with a reason; who and when are kept.

Overrides are stored per dataset and rep_id, never per computation, so they survive new
settings and recomputation, and they show wherever the tier shows.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.governance.audit import add_entry
from core.i18n import _
from core.store.db import retry_when_busy
from core.store.models import Dataset, TierOverride

TIER_CHOICES = ("low", "core", "top")


@retry_when_busy
def set_override(
    *, engine: Engine, dataset_id: int, rep_id: str, tier: str | None, reason: str, changed_by: str
) -> None:
    """Place a person in ``tier`` (or lift the override with ``None``), with a required reason.

    Raises:
        ValueError: Unknown tier, a blank reason, or a dataset that does not exist.
    """
    if tier is not None and tier not in TIER_CHOICES:
        raise ValueError(_("'{tier}' is not a tier; use low, core or top.").format(tier=tier))
    clean = " ".join(reason.split())
    if len(clean) < 3:
        raise ValueError(_("Give a reason for the override (a few words a colleague can understand)."))
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(_("Dataset {dataset_id} does not exist (any more).").format(dataset_id=dataset_id))
        session.add(
            TierOverride(
                dataset_id=dataset_id,
                rep_id=rep_id,
                tier=tier,
                reason=clean[:2000],
                changed_by=changed_by[:200] or "unknown",
            )
        )
        add_entry(
            session,
            actor=changed_by,
            action="tier_override",
            dataset_id=dataset_id,
            subject=rep_id,
            detail=f"to {tier}" if tier else "override lifted",
        )


def override_history(*, engine: Engine, dataset_id: int, rep_id: str | None = None) -> pd.DataFrame:
    """Every override decision, newest first: rep_id, tier (None = lifted), reason, changed_by, created_at."""
    query = select(
        col(TierOverride.rep_id),
        col(TierOverride.tier),
        col(TierOverride.reason),
        col(TierOverride.changed_by),
        col(TierOverride.created_at),
        col(TierOverride.id),
    ).where(col(TierOverride.dataset_id) == dataset_id)
    if rep_id is not None:
        query = query.where(col(TierOverride.rep_id) == rep_id)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(col(TierOverride.id).desc())).all()
    return pd.DataFrame(rows, columns=["rep_id", "tier", "reason", "changed_by", "created_at", "id"]).drop(columns="id")


def current_overrides(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """The overrides in force: the newest decision per rep_id, unless it lifted the override."""
    history = override_history(engine=engine, dataset_id=dataset_id)
    latest = history.drop_duplicates("rep_id", keep="first")
    return latest[latest["tier"].notna()].reset_index(drop=True)
