"""Imports into an existing dataset respect scope: who may write which rows, the refusal, and the audit of a replace."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.demo import DemoSpec, generate_team
from core.governance.access import OPERATOR, Viewer
from core.governance.audit import audit_log
from core.ingest.importer import OutOfScope, import_prepared, plan_into, prepare
from core.store.datasets import get_dataset, load_records
from core.store.models import ImportBatch

from files import plain_csv

SPEC = DemoSpec(reps=30, months=3, seed=41, end="2026-03")


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """30 people in several teams over 3 months."""
    frame = generate_team(SPEC)
    assert frame["manager"].nunique() >= 2
    return frame


def _manager_of(team: pd.DataFrame, which: int = 0) -> str:
    return str(sorted(team["manager"].unique())[which])


def _viewer(role: str, username: str, manager_name: str = "") -> Viewer:
    return Viewer(username=username, role=role, source="password", manager_name=manager_name)


def _store(engine: Engine, team: pd.DataFrame, viewer: Viewer = OPERATOR) -> int:
    return import_prepared(
        engine=engine, prepared=prepare(plain_csv(team), "q1.csv"), name="Q1", viewer=viewer
    ).dataset_id


def _zeroed(team: pd.DataFrame, manager: str) -> pd.DataFrame:
    """The last month of one manager's people, with every count set to zero (the attack in the finding)."""
    rows = team[(team["manager"] == manager) & (team["period"] == team["period"].max())].copy()
    for column in ("calls", "leads_sent", "qualified_leads", "deals_worked", "deals_won"):
        rows[column] = rows[column].where(rows[column].isna(), 0)
    return rows


def _batches(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(ImportBatch)).scalar_one())


def test_manager_replacing_another_teams_people_is_refused_and_nothing_changes(
    engine: Engine, team: pd.DataFrame
) -> None:
    """A manager's replace of another team's top performers is refused in one sentence naming the first person."""
    dataset_id = _store(engine, team)
    before = load_records(engine=engine, dataset_id=dataset_id)
    mia = _viewer("manager", "mia", _manager_of(team, 0))
    attack = _zeroed(team, _manager_of(team, 1))
    prepared = prepare(plain_csv(attack), "zeros.csv")
    with pytest.raises(OutOfScope) as refused:
        import_prepared(engine=engine, prepared=prepared, into=dataset_id, overlap="replace", viewer=mia)
    first = attack.iloc[0]
    sentence = str(refused.value)
    assert sentence.count(".") <= 1 and "\n" not in sentence
    assert f"{first['name']} (rep_id {first['rep_id']}, row 2 of the file)" in sentence
    assert "cannot be added to it" in sentence and "“Q1”" in sentence
    pd.testing.assert_frame_equal(load_records(engine=engine, dataset_id=dataset_id), before)
    assert audit_log(engine=engine, actions=["import"])["actor"].tolist() == ["command line"]
    assert _batches(engine) == 1


def test_one_foreign_row_refuses_the_whole_file(engine: Engine, team: pd.DataFrame) -> None:
    """A file of the manager's own people with one row of another team's person is refused as a whole."""
    dataset_id = _store(engine, team)
    before = load_records(engine=engine, dataset_id=dataset_id)
    mine, theirs = _zeroed(team, _manager_of(team, 0)), _zeroed(team, _manager_of(team, 1))
    mixed = pd.concat([mine, theirs.tail(1)])
    mia = _viewer("manager", "mia", _manager_of(team, 0))
    with pytest.raises(OutOfScope, match=str(theirs["rep_id"].iloc[-1])):
        import_prepared(
            engine=engine, prepared=prepare(plain_csv(mixed), "m.csv"), into=dataset_id, overlap="replace", viewer=mia
        )
    pd.testing.assert_frame_equal(load_records(engine=engine, dataset_id=dataset_id), before)


def test_manager_cannot_move_a_person_out_of_another_team(engine: Engine, team: pd.DataFrame) -> None:
    """Claiming another team's person for oneself in the file (manager field rewritten) is refused too."""
    dataset_id = _store(engine, team)
    mia_name = _manager_of(team, 0)
    stolen = _zeroed(team, _manager_of(team, 1)).head(1).assign(manager=mia_name)
    mia = _viewer("manager", "mia", mia_name)
    with pytest.raises(OutOfScope):
        import_prepared(
            engine=engine, prepared=prepare(plain_csv(stolen), "s.csv"), into=dataset_id, overlap="replace", viewer=mia
        )


def test_manager_replaces_own_team_and_the_audit_names_the_people(engine: Engine, team: pd.DataFrame) -> None:
    """A manager's replace of their own people goes through; the import entry lists exactly the changed rep_ids."""
    dataset_id = _store(engine, team)
    mia_name = _manager_of(team, 0)
    mine = _zeroed(team, mia_name)
    changed = mine.head(2)  # two people's last month changes; the rest of the file equals what is stored
    unchanged_latest = team[(team["manager"] == mia_name) & (team["period"] == team["period"].max())].iloc[2:]
    upload = pd.concat([changed, unchanged_latest])
    mia = _viewer("manager", "mia", mia_name)
    prepared = prepare(plain_csv(upload), "mine.csv")
    plan = plan_into(engine=engine, prepared=prepared, into=dataset_id, viewer=mia)
    assert plan.refusal is None and plan.clash == len(upload)
    outcome = import_prepared(engine=engine, prepared=prepared, into=dataset_id, overlap="replace", viewer=mia)
    assert outcome.replaced == len(upload)
    entry = audit_log(engine=engine, actions=["import"], limit=1).iloc[0]
    # Every overlapping month is overwritten, so everyone in the file is named; nobody outside it.
    assert entry["actor"] == "mia"
    assert entry["subject"] == ", ".join(sorted(upload["rep_id"].astype(str)))
    assert f"of {len(upload)} people" in entry["detail"]
    stored = load_records(engine=engine, dataset_id=dataset_id)
    last = stored[(stored["rep_id"].isin(changed["rep_id"])) & (stored["period"] == team["period"].max())]
    assert (last["calls"].fillna(0) == 0).all()


def test_replace_names_only_the_people_it_changes(engine: Engine, team: pd.DataFrame) -> None:
    """Adding a new month names nobody; a replace names those whose months it overwrites or details it alters."""
    early = team[team["period"] < team["period"].max()]
    dataset_id = _store(engine, early)
    late = team[team["period"] == team["period"].max()].copy()
    renamed = str(late["rep_id"].iloc[0])
    late.loc[late["rep_id"] == renamed, "team"] = "Renamed team"
    overwritten = early[early["period"] == early["period"].max()].head(1)
    prepared = prepare(plain_csv(pd.concat([late, overwritten])), "late.csv")
    plan = plan_into(engine=engine, prepared=prepared, into=dataset_id, viewer=OPERATOR)
    expected = {renamed, str(overwritten["rep_id"].iloc[0])}
    assert set(plan.changed["rep_id"]) == expected and plan.clash == 1
    import_prepared(engine=engine, prepared=prepared, into=dataset_id, overlap="replace", viewer=OPERATOR)
    assert audit_log(engine=engine, actions=["import"], limit=1)["subject"].iloc[0] == ", ".join(sorted(expected))
    keep = prepare(plain_csv(team[team["period"] == team["period"].max()]), "again.csv")
    import_prepared(engine=engine, prepared=keep, into=dataset_id, overlap="keep", viewer=OPERATOR)
    assert audit_log(engine=engine, actions=["import"], limit=1)["subject"].iloc[0] == ""


def test_a_dataset_the_manager_created_is_theirs_to_replace(engine: Engine, team: pd.DataFrame) -> None:
    """The creator is recorded at import; in their own dataset a manager may replace anyone's rows."""
    mia = _viewer("manager", "mia", _manager_of(team, 0))
    dataset_id = _store(engine, team, mia)
    info = get_dataset(engine=engine, dataset_id=dataset_id)
    assert info is not None and info.created_by == "mia"
    other = _zeroed(team, _manager_of(team, 1))
    outcome = import_prepared(
        engine=engine, prepared=prepare(plain_csv(other), "o.csv"), into=dataset_id, overlap="replace", viewer=mia
    )
    assert outcome.replaced == len(other)
    otto = _viewer("manager", "otto", _manager_of(team, 0))  # same scope, another account: not the creator
    with pytest.raises(OutOfScope):
        import_prepared(
            engine=engine, prepared=prepare(plain_csv(other), "o.csv"), into=dataset_id, overlap="replace", viewer=otto
        )


def test_consultant_writes_only_into_datasets_they_created(engine: Engine, team: pd.DataFrame) -> None:
    """A consultant may not add to someone else's dataset (one sentence saying so), but may to their own."""
    cory = _viewer("consultant", "cory")
    theirs = _store(engine, team)
    prepared = prepare(plain_csv(_zeroed(team, _manager_of(team, 0))), "z.csv")
    with pytest.raises(OutOfScope, match="You may add only to datasets you created or that hold people of yours"):
        import_prepared(engine=engine, prepared=prepared, into=theirs, overlap="replace", viewer=cory)
    own = _store(engine, team, cory)
    assert import_prepared(engine=engine, prepared=prepared, into=own, overlap="replace", viewer=cory).replaced


def test_admin_replaces_anything(engine: Engine, team: pd.DataFrame) -> None:
    """An admin (and the command line) may replace any team's rows in any dataset."""
    mia = _viewer("manager", "mia", _manager_of(team, 0))
    dataset_id = _store(engine, team, mia)
    root = _viewer("admin", "root")
    prepared = prepare(plain_csv(_zeroed(team, _manager_of(team, 1))), "z.csv")
    assert plan_into(engine=engine, prepared=prepared, into=dataset_id, viewer=root).refusal is None
    assert import_prepared(engine=engine, prepared=prepared, into=dataset_id, overlap="replace", viewer=root).replaced
