"""Dated support for the HR brief: plan changes and started peer coaching, read from what is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.coaching.edits import start_pairs
from core.plans.store import set_plan_edit
from core.plans.support import support_items
from core.store.datasets import sha256_bytes, store_dataset


@pytest.fixture
def dataset_id(engine: Engine, small_team: pd.DataFrame) -> int:
    return store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"s")
    )


def test_plan_changes_and_started_coaching_are_dated_support(
    engine: Engine, dataset_id: int, small_team: pd.DataFrame
) -> None:
    people = small_team.drop_duplicates("rep_id")
    coachee = str(people.loc[people["role"] == "SDR", "rep_id"].iloc[0])
    coach = str(people.loc[people["role"] == "AE", "rep_id"].iloc[0])
    names = dict(zip(people["rep_id"].astype(str), people["name"].astype(str), strict=True))
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id=coachee, key="focus:lead_rate:goal", value="20 a month",
                  changed_by="Mara")  # fmt: skip
    set_plan_edit(
        engine=engine, dataset_id=dataset_id, rep_id=coachee, key="cadence", value="Weekly", changed_by="Mara"
    )
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id=coachee, key="notes", value="private", changed_by="Mara")
    start_pairs(engine=engine, dataset_id=dataset_id, pairs=[(coach, coachee)], month="2026-09", changed_by="Mara",
                scope=None)  # fmt: skip
    items = support_items(engine=engine, dataset_id=dataset_id, names=names)[coachee]
    today = datetime.now(UTC).date()
    assert items[0] == (datetime(2026, 9, 1).date(), f"Peer coaching with {names[coach]} started in Sep 2026.")
    assert items[1] == (today, "Plan changed by Mara: the lead rate goal, the cadence.")
    assert len(items) == 2  # the private notes are not support, and are never shown in the brief


def test_a_reset_part_and_nobody_else_add_nothing(engine: Engine, dataset_id: int) -> None:
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key="cadence", value="", changed_by="Mara")
    assert support_items(engine=engine, dataset_id=dataset_id, names={}) == {}
