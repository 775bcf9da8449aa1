"""Tier overrides: a reason is required, who and when are kept, the newest decision is in force."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.governance.retention import delete_dataset
from core.scoring.overrides import current_overrides, override_history, set_override
from core.store.datasets import sha256_bytes, store_dataset


def _dataset(engine: Engine, team: pd.DataFrame) -> int:
    return store_dataset(engine=engine, frame=team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"t"))


def test_override_needs_reason_and_valid_tier(engine: Engine, small_team: pd.DataFrame) -> None:
    """A blank reason or an unknown tier is refused with a sentence; nothing is stored."""
    dataset_id = _dataset(engine, small_team)
    with pytest.raises(ValueError, match="reason"):
        set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="  ", changed_by="m")
    with pytest.raises(ValueError, match="not a tier"):
        set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="star", reason="why", changed_by="m")
    assert override_history(engine=engine, dataset_id=dataset_id).empty


def test_newest_decision_wins_and_history_is_kept(engine: Engine, small_team: pd.DataFrame) -> None:
    """A later override replaces an earlier one; lifting it removes it from force but keeps the history."""
    dataset_id = _dataset(engine, small_team)
    set_override(
        engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="new in role", changed_by="Ann"
    )
    set_override(
        engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="top", reason="Q3 pipeline", changed_by="Bo"
    )
    set_override(
        engine=engine, dataset_id=dataset_id, rep_id="E10002", tier="low", reason="data error", changed_by="Ann"
    )
    now = current_overrides(engine=engine, dataset_id=dataset_id).set_index("rep_id")
    assert now.loc["E10001", "tier"] == "top" and now.loc["E10001", "changed_by"] == "Bo"
    set_override(
        engine=engine, dataset_id=dataset_id, rep_id="E10002", tier=None, reason="fixed data", changed_by="Ann"
    )
    assert current_overrides(engine=engine, dataset_id=dataset_id)["rep_id"].tolist() == ["E10001"]
    assert len(override_history(engine=engine, dataset_id=dataset_id)) == 4
    assert override_history(engine=engine, dataset_id=dataset_id, rep_id="E10001")["reason"].tolist() == [
        "Q3 pipeline",
        "new in role",
    ]


def test_overrides_go_with_their_dataset(engine: Engine, small_team: pd.DataFrame) -> None:
    """Deleting a dataset deletes its overrides."""
    dataset_id = _dataset(engine, small_team)
    set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="why not", changed_by="m")
    delete_dataset(engine=engine, dataset_id=dataset_id, actor="test")
    assert override_history(engine=engine, dataset_id=dataset_id).empty
