"""Manager edits to the chains: stored with who and when, folded into constraints, newest decision wins."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.coaching.edits import (
    add_edit,
    edit_history,
    edits_in_force,
    start_pairs,
    started_pairs,
    stop_pairs,
    swap_coach,
)
from core.store.datasets import sha256_bytes, store_dataset


@pytest.fixture
def dataset_id(engine: Engine, small_team: pd.DataFrame) -> int:
    """A stored dataset to edit."""
    return store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"x")
    )


def test_swap_forbids_old_and_locks_new(engine: Engine, dataset_id: int) -> None:
    """Swapping a coach forbids the old pair and locks the new one."""
    swap_coach(
        engine=engine,
        dataset_id=dataset_id,
        coachee_id="S1",
        old_coach_id="A1",
        new_coach_id="A2",
        changed_by="Ann",
        scope=None,
    )
    edits = edits_in_force(engine=engine, dataset_id=dataset_id)
    assert edits.constraints.locked == (("A2", "S1"),)
    assert edits.constraints.forbidden == (("A1", "S1"),)
    assert set(edit_history(engine=engine, dataset_id=dataset_id)["changed_by"]) == {"Ann"}


def test_newest_lock_per_coachee_wins(engine: Engine, dataset_id: int) -> None:
    """Two locks for one coachee: the newer holds; re-locking the first makes it newest again."""
    for coach in ("A1", "A2", "A1"):
        add_edit(
            engine=engine,
            dataset_id=dataset_id,
            kind="lock",
            coach_id=coach,
            coachee_id="S1",
            changed_by="m",
            scope=None,
        )
    assert edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked == (("A1", "S1"),)
    add_edit(
        engine=engine, dataset_id=dataset_id, kind="unlock", coach_id="A1", coachee_id="S1", changed_by="m", scope=None
    )
    assert edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked == (("A2", "S1"),)


def test_exclude_include_and_capacity(engine: Engine, dataset_id: int) -> None:
    """Exclusion can be undone; the latest capacity per coach is in force."""
    add_edit(engine=engine, dataset_id=dataset_id, kind="exclude", rep_id="S9", changed_by="m", scope=None)
    add_edit(engine=engine, dataset_id=dataset_id, kind="exclude", rep_id="S8", changed_by="m", scope=None)
    add_edit(engine=engine, dataset_id=dataset_id, kind="include", rep_id="S8", changed_by="m", scope=None)
    add_edit(engine=engine, dataset_id=dataset_id, kind="capacity", rep_id="A1", value=5, changed_by="m", scope=None)
    add_edit(engine=engine, dataset_id=dataset_id, kind="capacity", rep_id="A1", value=1, changed_by="m", scope=None)
    edits = edits_in_force(engine=engine, dataset_id=dataset_id)
    assert edits.constraints.excluded == frozenset({"S9"})
    assert edits.capacity_overrides == {"A1": 1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "promote", "rep_id": "x"}, "not a chain edit"),
        ({"kind": "lock", "coach_id": "A1"}, "coach and a coachee"),
        ({"kind": "exclude"}, "needs a person"),
        ({"kind": "capacity", "rep_id": "A1", "value": -1}, "0 to 20"),
    ],
)
def test_bad_edits_refused(engine: Engine, dataset_id: int, kwargs: dict[str, object], message: str) -> None:
    """A malformed edit is a clear sentence and stores nothing."""
    with pytest.raises(ValueError, match=message):
        add_edit(engine=engine, dataset_id=dataset_id, changed_by="m", scope=None, **kwargs)  # type: ignore[arg-type]
    assert edit_history(engine=engine, dataset_id=dataset_id).empty


def test_start_records_month_and_locks(engine: Engine, dataset_id: int) -> None:
    """Starting pairs stores the month per pair and locks them, so a re-match keeps them."""
    from core.coaching.edits import start_pairs, started_pairs

    start_pairs(
        engine=engine,
        dataset_id=dataset_id,
        pairs=[("A1", "S1"), ("A2", "S2")],
        month="2026-04",
        changed_by="Ann",
        scope=None,
    )
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    assert started[["coach_id", "coachee_id", "start"]].values.tolist() == [
        ["A1", "S1", "2026-04"],
        ["A2", "S2", "2026-04"],
    ]
    assert set(edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked) == {("A1", "S1"), ("A2", "S2")}


def test_stop_swap_and_restart_fold(engine: Engine, dataset_id: int) -> None:
    """Stop ends a pair, a swap away ends it, and a newer start for the coachee replaces the older coach."""
    from core.coaching.edits import start_pairs, started_pairs, stop_pairs

    start_pairs(
        engine=engine,
        dataset_id=dataset_id,
        pairs=[("A1", "S1"), ("A2", "S2"), ("A3", "S3")],
        month="2026-03",
        changed_by="Ann",
        scope=None,
    )
    stop_pairs(engine=engine, dataset_id=dataset_id, pairs=[("A1", "S1")], changed_by="Ann", scope=None)
    swap_coach(
        engine=engine,
        dataset_id=dataset_id,
        coachee_id="S2",
        old_coach_id="A2",
        new_coach_id="A9",
        changed_by="Ann",
        scope=None,
    )
    start_pairs(
        engine=engine, dataset_id=dataset_id, pairs=[("A4", "S3")], month="2026-05", changed_by="Bo", scope=None
    )
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    assert started[["coach_id", "coachee_id", "start"]].values.tolist() == [["A4", "S3", "2026-05"]]
    assert ("A1", "S1") not in edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked


@pytest.mark.parametrize("month", ["2026-13", "April", ""])
def test_start_needs_a_month(engine: Engine, dataset_id: int, month: str) -> None:
    """A start without a valid YYYY-MM month is refused in one sentence."""
    from core.coaching.edits import start_pairs

    with pytest.raises(ValueError, match="month"):
        start_pairs(
            engine=engine, dataset_id=dataset_id, pairs=[("A1", "S1")], month=month, changed_by="Ann", scope=None
        )


MINE = frozenset({"A1", "S1", "S2"})
"""A manager's people in the scope tests: A9 and S9 are another team's."""


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"kind": "exclude", "rep_id": "A9"}, "A9 is not one of your people"),
        ({"kind": "include", "rep_id": "A9"}, "A9 is not one of your people"),
        ({"kind": "capacity", "rep_id": "A9", "value": 0}, "A9 is not one of your people"),
        ({"kind": "lock", "coach_id": "A1", "coachee_id": "S9"}, "S9 is not one of your people"),
        ({"kind": "unlock", "coach_id": "A9", "coachee_id": "S9"}, "S9 is not one of your people"),
    ],
)
def test_edit_outside_scope_refused(engine: Engine, dataset_id: int, call: dict[str, object], message: str) -> None:
    """An edit about another team's person, or their coachee's pair, is one sentence; nothing is stored."""
    from core.governance.audit import audit_log

    with pytest.raises(ValueError, match=message) as refused:
        add_edit(engine=engine, dataset_id=dataset_id, changed_by="mia", scope=MINE, **call)  # type: ignore[arg-type]
    assert str(refused.value).count(".") == 1 and "nothing was saved" in str(refused.value)
    assert edit_history(engine=engine, dataset_id=dataset_id).empty
    assert audit_log(engine=engine, actions=["chain_edit"]).empty


def test_swap_start_and_stop_outside_scope_refused(engine: Engine, dataset_id: int) -> None:
    """Swapping, starting or stopping the coaching of another team's coachee is refused, even within a batch."""
    from core.coaching.edits import start_pairs, stop_pairs

    with pytest.raises(ValueError, match="S9 is not one of your people"):
        swap_coach(
            engine=engine,
            dataset_id=dataset_id,
            coachee_id="S9",
            old_coach_id="A9",
            new_coach_id="A1",
            changed_by="mia",
            scope=MINE,
        )
    pairs = [("A1", "S1"), ("A9", "S9")]
    with pytest.raises(ValueError, match="S9"):
        start_pairs(engine=engine, dataset_id=dataset_id, pairs=pairs, month="2026-04", changed_by="mia", scope=MINE)
    with pytest.raises(ValueError, match="S9"):
        stop_pairs(engine=engine, dataset_id=dataset_id, pairs=pairs, changed_by="mia", scope=MINE)
    assert edit_history(engine=engine, dataset_id=dataset_id).empty


def test_every_edit_kind_is_one_audit_entry(engine: Engine, dataset_id: int) -> None:
    """Lock, unlock, exclude, include, capacity, swap, start and stop each write one entry naming who and whom.

    The coachee decides: a manager may lock their SDR to another team's coach (A9).
    """
    from core.coaching.edits import start_pairs, stop_pairs
    from core.governance.audit import audit_log

    kw = {"engine": engine, "dataset_id": dataset_id, "changed_by": "mia", "scope": MINE}
    add_edit(kind="lock", coach_id="A9", coachee_id="S1", **kw)  # type: ignore[arg-type]
    add_edit(kind="unlock", coach_id="A9", coachee_id="S1", **kw)  # type: ignore[arg-type]
    add_edit(kind="exclude", rep_id="A1", **kw)  # type: ignore[arg-type]
    add_edit(kind="include", rep_id="A1", **kw)  # type: ignore[arg-type]
    add_edit(kind="capacity", rep_id="A1", value=2, **kw)  # type: ignore[arg-type]
    swap_coach(coachee_id="S2", old_coach_id="A9", new_coach_id="A1", **kw)  # type: ignore[arg-type]
    start_pairs(pairs=[("A1", "S2")], month="2026-04", **kw)  # type: ignore[arg-type]
    stop_pairs(pairs=[("A1", "S2")], **kw)  # type: ignore[arg-type]
    log = audit_log(engine=engine, actions=["chain_edit"]).iloc[::-1]
    assert log["detail"].tolist() == [
        "lock A9 → S1",
        "unlock A9 → S1",
        "exclude A1",
        "include A1",
        "capacity A1 = 2",
        "forbid A9 → S2; lock A1 → S2",
        "start A1 → S2 from 2026-04; lock A1 → S2",
        "stop A1 → S2; unlock A1 → S2",
    ]
    assert set(log["actor"]) == {"mia"} and set(log["dataset_id"]) == {dataset_id}
    assert log["subject"].tolist()[:3] == ["A9, S1", "A9, S1", "A1"]
    assert len(edit_history(engine=engine, dataset_id=dataset_id)) == 11


def test_answers_and_external_coaches_are_folded_and_audited(engine: Engine, dataset_id: int) -> None:
    """The newest answer per coach is in force; an external coach's name is kept, a blank clears it; all audited."""
    from core.governance.audit import audit_log

    for rep, value in (("A1", 1), ("A2", 1), ("A2", 0)):
        add_edit(
            engine=engine, dataset_id=dataset_id, kind="answer", rep_id=rep, value=value, changed_by="m", scope=None
        )
    for rep, text in (("M1", "  Dr.   Ines Hall "), ("M2", "Tom Berg"), ("M2", "")):
        add_edit(
            engine=engine, dataset_id=dataset_id, kind="external", rep_id=rep, text=text, changed_by="m", scope=None
        )
    edits = edits_in_force(engine=engine, dataset_id=dataset_id)
    assert edits.constraints.answers == (("A1", "yes"), ("A2", "no"))
    assert edits.external_coaches == {"M1": "Dr. Ines Hall"}
    details = audit_log(engine=engine, actions=["chain_edit"])["detail"].tolist()
    assert "answer A2 = no" in details and "external coach for M1 set" in details
    assert not any("Ines" in d for d in details)
    with pytest.raises(ValueError, match="yes or no"):
        add_edit(engine=engine, dataset_id=dataset_id, kind="answer", rep_id="A1", value=2, changed_by="m", scope=None)
    with pytest.raises(ValueError, match="not one of your people"):
        add_edit(
            engine=engine, dataset_id=dataset_id, kind="answer", rep_id="A1", value=1, changed_by="m", scope=frozenset()
        )


def _people_by_role(team: pd.DataFrame) -> dict[str, list[str]]:
    people = team.drop_duplicates("rep_id")
    return {role: sorted(people.loc[people["role"] == role, "rep_id"]) for role in ("SDR", "AE", "AM")}


def test_locks_are_one_per_coachee_and_level(engine: Engine, dataset_id: int, small_team: pd.DataFrame) -> None:
    """An AE locked to an AM (AM → AE) and to a top AE (AE → AE) keeps both; a newer lock replaces only its level's."""
    ids = _people_by_role(small_team)
    am, ae_coach, ae_coach2, coachee = ids["AM"][0], ids["AE"][0], ids["AE"][1], ids["AE"][2]
    for coach in (am, ae_coach):
        add_edit(engine=engine, dataset_id=dataset_id, kind="lock", coach_id=coach, coachee_id=coachee,
                 changed_by="m", scope=None)  # fmt: skip
    locked = edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked
    assert set(locked) == {(am, coachee), (ae_coach, coachee)}
    add_edit(engine=engine, dataset_id=dataset_id, kind="lock", coach_id=ae_coach2, coachee_id=coachee,
             changed_by="m", scope=None)  # fmt: skip
    locked = edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked
    assert set(locked) == {(am, coachee), (ae_coach2, coachee)}
    history = edit_history(engine=engine, dataset_id=dataset_id)
    assert (history["kind"] == "lock").sum() == 3


def test_started_pairs_are_one_per_coachee_and_level(engine: Engine, dataset_id: int, small_team: pd.DataFrame) -> None:
    """Starting the AM → AE and the AE → AE pair of one AE keeps both started; stopping one leaves the other."""
    ids = _people_by_role(small_team)
    am, ae_coach, coachee = ids["AM"][0], ids["AE"][0], ids["AE"][2]
    start_pairs(engine=engine, dataset_id=dataset_id, pairs=[(am, coachee)], month="2026-03", changed_by="m",
                scope=None)  # fmt: skip
    start_pairs(engine=engine, dataset_id=dataset_id, pairs=[(ae_coach, coachee)], month="2026-04", changed_by="m",
                scope=None)  # fmt: skip
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    assert set(zip(started["coach_id"], started["coachee_id"], started["start"], strict=True)) == {
        (am, coachee, "2026-03"),
        (ae_coach, coachee, "2026-04"),
    }
    assert set(edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked) == {
        (am, coachee),
        (ae_coach, coachee),
    }
    stop_pairs(engine=engine, dataset_id=dataset_id, pairs=[(am, coachee)], changed_by="m", scope=None)
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    assert list(zip(started["coach_id"], started["coachee_id"], strict=True)) == [(ae_coach, coachee)]
    assert edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked == ((ae_coach, coachee),)


def test_a_newer_start_at_the_same_level_replaces_the_older(
    engine: Engine, dataset_id: int, small_team: pd.DataFrame
) -> None:
    """One started coach per coachee and level: a second AE → AE start for the same AE replaces the first."""
    ids = _people_by_role(small_team)
    first, second, coachee = ids["AE"][0], ids["AE"][1], ids["AE"][2]
    for coach in (first, second):
        start_pairs(engine=engine, dataset_id=dataset_id, pairs=[(coach, coachee)], month="2026-04",
                    changed_by="m", scope=None)  # fmt: skip
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    assert list(zip(started["coach_id"], started["coachee_id"], strict=True)) == [(second, coachee)]


def test_levels_are_kept_per_dataset_newest_first_and_audited(engine: Engine, dataset_id: int) -> None:
    """The levels chosen for a dataset are stored, folded (newest wins, none is a choice) and audited."""
    from core.coaching.edits import set_levels
    from core.governance.audit import audit_log

    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels is None
    set_levels(engine=engine, dataset_id=dataset_id, levels=["ae-ae", "ae-sdr"], changed_by="Ann", scope=None)
    edits = edits_in_force(engine=engine, dataset_id=dataset_id)
    assert edits.levels == ("ae-sdr", "ae-ae")  # in matching order
    assert edits.settings().levels == ("ae-sdr", "ae-ae")
    set_levels(engine=engine, dataset_id=dataset_id, levels=[], changed_by="Ann", scope=None)
    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels == ()
    details = set(audit_log(engine=engine, actions=["chain_edit"])["detail"])
    assert {"levels = ae-sdr,ae-ae", "levels = none"} <= details


def test_levels_refused_for_a_scoped_editor_or_an_unknown_level(engine: Engine, dataset_id: int) -> None:
    """A manager who sees only some teams cannot change every team's levels; an unknown level is one sentence."""
    from core.coaching.edits import set_levels

    with pytest.raises(ValueError, match="whole dataset"):
        set_levels(engine=engine, dataset_id=dataset_id, levels=["ae-ae"], changed_by="m", scope=frozenset({"x"}))
    with pytest.raises(ValueError, match="not a coaching level"):
        set_levels(engine=engine, dataset_id=dataset_id, levels=["ae-am"], changed_by="m", scope=None)
    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels is None
