"""Plan edits and check-ins: stored with who and when, newest edit in force, empty value resets."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.governance.retention import delete_dataset
from core.plans.model import StepOutcome
from core.plans.store import add_checkin, all_plan_edits, carry_forward, checkins, plan_edits, set_plan_edit
from core.store.datasets import sha256_bytes, store_dataset


@pytest.fixture
def dataset_id(engine: Engine, small_team: pd.DataFrame) -> int:
    """A stored dataset."""
    return store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"p")
    )


def test_newest_edit_wins_and_empty_resets(engine: Engine, dataset_id: int) -> None:
    """The latest value per part is in force; an empty value returns the part to the generated text."""
    key = "focus:close_rate:goal"
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key=key, value="25% by March", changed_by="m")
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key=key, value="28% by March", changed_by="m")
    set_plan_edit(
        engine=engine, dataset_id=dataset_id, rep_id="E1", key="notes", value="Prefers mornings", changed_by="m"
    )
    assert plan_edits(engine=engine, dataset_id=dataset_id, rep_id="E1") == {
        key: "28% by March",
        "notes": "Prefers mornings",
    }
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key="notes", value="", changed_by="m")
    assert plan_edits(engine=engine, dataset_id=dataset_id, rep_id="E1") == {key: "28% by March"}
    assert all_plan_edits(engine=engine, dataset_id=dataset_id) == {"E1": {key: "28% by March"}}


@pytest.mark.parametrize("key", ["salary", "focus:close_rate:bonus", "focus::goal"])
def test_unknown_part_refused(engine: Engine, dataset_id: int, key: str) -> None:
    """Only the plan's editable parts can be edited."""
    with pytest.raises(ValueError, match="not an editable part"):
        set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key=key, value="x", changed_by="m")


def test_checkins_logged_in_date_order(engine: Engine, dataset_id: int) -> None:
    """Check-ins come back oldest first with note, next step and who logged them."""
    today = date.today()
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id="E1",
        held_on=today,
        note="Reviewed 5 leads",
        next_step="Try the new opener",
        changed_by="Lea",
    )
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id="E1",
        held_on=today - timedelta(days=7),
        note="Kick-off",
        next_step="",
        changed_by="Lea",
    )
    logged = checkins(engine=engine, dataset_id=dataset_id, rep_id="E1")
    assert [c.note for _, c in logged] == ["Kick-off", "Reviewed 5 leads"]
    assert logged[1][1].next_step == "Try the new opener" and logged[1][1].by == "Lea"


def test_checkin_needs_note_and_past_date(engine: Engine, dataset_id: int) -> None:
    """A blank note or a future date is refused with a sentence."""
    with pytest.raises(ValueError, match="note"):
        add_checkin(
            engine=engine,
            dataset_id=dataset_id,
            rep_id="E1",
            held_on=date.today(),
            note=" ",
            next_step="",
            changed_by="m",
        )
    with pytest.raises(ValueError, match="future"):
        add_checkin(
            engine=engine,
            dataset_id=dataset_id,
            rep_id="E1",
            held_on=date.today() + timedelta(days=1),
            note="x",
            next_step="",
            changed_by="m",
        )


def test_deleted_with_dataset(engine: Engine, dataset_id: int) -> None:
    """Deleting the dataset deletes its plan edits and check-ins."""
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id="E1", key="notes", value="x", changed_by="m")
    add_checkin(
        engine=engine, dataset_id=dataset_id, rep_id="E1", held_on=date.today(), note="x", next_step="", changed_by="m"
    )
    delete_dataset(engine=engine, dataset_id=dataset_id, actor="test")
    assert all_plan_edits(engine=engine, dataset_id=dataset_id) == {}
    assert checkins(engine=engine, dataset_id=dataset_id) == []


def _log(engine: Engine, dataset_id: int, held_on: date, next_step: str, **outcomes: str) -> None:
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id="E1",
        held_on=held_on,
        note="Talked it through",
        next_step=next_step,
        changed_by="Lea",
        outcomes={k.replace("_", " "): v for k, v in outcomes.items()},
    )


def test_a_checkin_carries_the_previous_steps_with_their_outcomes(engine: Engine, dataset_id: int) -> None:
    """Each line of last time's next step comes back as a step with its outcome, in order."""
    today = date.today()
    _log(engine, dataset_id, today - timedelta(days=14), "Use the card\n- Call Anna\n\nShadow Ben")
    _log(engine, dataset_id, today - timedelta(days=7), "Ask for budget", Use_the_card="done", Call_Anna="dropped",
         Shadow_Ben="in_progress")  # fmt: skip
    _log(engine, dataset_id, today, "", Ask_for_budget="done")
    logged = [c for _, c in checkins(engine=engine, dataset_id=dataset_id, rep_id="E1")]
    assert logged[0].carried == () and logged[0].steps == ("Use the card", "Call Anna", "Shadow Ben")
    assert logged[1].carried == (
        StepOutcome("Use the card", "done"),
        StepOutcome("Call Anna", "dropped"),
        StepOutcome("Shadow Ben", "in_progress"),
    )
    assert logged[2].carried == (StepOutcome("Ask for budget", "done"),)


def test_a_missing_or_unknown_outcome_is_refused(engine: Engine, dataset_id: int) -> None:
    """A step of the previous check-in without an outcome, or an outcome not among the three, is refused."""
    today = date.today()
    _log(engine, dataset_id, today - timedelta(days=7), "Use the card\nCall Anna")
    with pytest.raises(ValueError, match='step "Call Anna": done, in progress or dropped'):
        _log(engine, dataset_id, today, "", Use_the_card="done")
    with pytest.raises(ValueError, match='"finished" is not what can happen to a step'):
        _log(engine, dataset_id, today, "", Use_the_card="done", Call_Anna="finished")
    assert len(checkins(engine=engine, dataset_id=dataset_id)) == 1  # nothing stored by a refusal
    _log(engine, dataset_id, today - timedelta(days=30), "")  # before the first: nothing to carry forward
    assert len(checkins(engine=engine, dataset_id=dataset_id)) == 2


@pytest.mark.parametrize(
    ("previous", "outcomes", "expected"),
    [
        ("", {}, ()),
        ("  \n ", {}, ()),
        ("One", {"One": "done"}, (StepOutcome("One", "done"),)),
        ("• One\n* Two", {"One": "dropped", "Two": "in_progress", "Old": "done"},
         (StepOutcome("One", "dropped"), StepOutcome("Two", "in_progress"))),
    ],
)  # fmt: skip
def test_carry_forward(previous: str, outcomes: dict[str, str], expected: tuple[StepOutcome, ...]) -> None:
    """Steps are the non-blank lines without bullet marks; each gets its outcome; others are ignored."""
    assert carry_forward(previous, outcomes) == expected


@pytest.mark.parametrize(("previous", "outcomes"), [("One", {}), ("One", {"One": "Done"}), ("", {"x": ""})])
def test_carry_forward_refuses(previous: str, outcomes: dict[str, str]) -> None:
    """A missing outcome, a wrongly spelt one and an empty one are each refused with a sentence."""
    with pytest.raises(ValueError, match="done, in progress or dropped"):
        carry_forward(previous, outcomes)
