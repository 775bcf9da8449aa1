"""The Upload page as the manager of one team: what it offers to add to, what it refuses, and what it records."""

from __future__ import annotations

from typing import Any

import pandas as pd
import test_access_pages
from streamlit.testing.v1 import AppTest

from core.governance.alias import alias
from core.governance.audit import audit_log
from core.store.datasets import load_people, load_records, store_dataset
from core.store.settings import ALIAS_KEY, stored_secret

from apptest import open_page
from files import plain_csv

team_engine = test_access_pages.team_engine  # the four-account fixture: admin, Mia (one team's manager), HR, consultant
_signed_in = test_access_pages._signed_in
DEMO = 1  # the generated demo team: several teams, one of them Mia's


def _mia_and_others(engine: Any) -> tuple[str, str]:
    """Mia's manager name (as the fixture sets it) and another team's manager."""
    managers = load_people(engine=engine, dataset_id=DEMO)["manager"]
    mine = str(managers.iloc[0])
    return mine, str(next(m for m in managers if m != mine))


def _last_month_zeroed(engine: Any, manager: str) -> pd.DataFrame:
    """One manager's people in the demo team's last month with every count zero: the attack in the finding."""
    records = load_records(engine=engine, dataset_id=DEMO)
    rows = records[(records["manager"] == manager) & (records["period"] == records["period"].max())].copy()
    for column in ("calls", "leads_sent", "qualified_leads", "deals_worked", "deals_won"):
        rows[column] = rows[column].where(rows[column].isna(), 0)
    return rows


def _upload_into_demo(frame: pd.DataFrame, *, presenting: bool = False) -> AppTest:
    """Mia's Upload page with ``frame`` uploaded and the demo team chosen under "an existing dataset"."""
    at = _signed_in("mia@example.com")
    if presenting:
        at.toggle(key="auth_presenting").set_value(True).run()
    open_page(at, "upload").run()
    at.file_uploader(key="up_file").set_value(("team.csv", plain_csv(frame), "text/csv")).run()
    at.radio(key="up_target").set_value("existing").run()
    at.selectbox(key="up_into").set_value(DEMO).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_another_teams_dataset_is_not_offered(team_engine: Any) -> None:
    """Under "an existing dataset" a manager is offered the datasets holding their people, not another team's."""
    mine, theirs = _mia_and_others(team_engine)
    demo = load_records(engine=team_engine, dataset_id=DEMO)
    other = store_dataset(  # no recorded creator, as for every dataset stored before creators were recorded
        engine=team_engine,
        frame=demo[demo["manager"] == theirs],
        name="Other team",
        source_filename="o.csv",
        source_sha256="2" * 64,
    )
    at = _upload_into_demo(_last_month_zeroed(team_engine, mine))
    offered = set(at.selectbox(key="up_into").options)
    assert any("Demo team" in o for o in offered)
    assert not any("Other team" in o for o in offered), offered
    assert other != DEMO


def test_replacing_another_teams_person_is_refused_and_nothing_changes(team_engine: Any) -> None:
    """Zeroing another team's people in the shared demo team is refused in one sentence; nothing is stored."""
    _, theirs = _mia_and_others(team_engine)
    attack = _last_month_zeroed(team_engine, theirs)
    before = load_records(engine=team_engine, dataset_id=DEMO)
    at = _upload_into_demo(attack)
    first = attack.iloc[0]
    assert len(at.error) == 1
    sentence = at.error[0].value
    assert str(first["rep_id"]) in sentence and "row 2 of the file" in sentence
    assert "is not one of your people" in sentence and "cannot be added" in sentence
    assert not [b for b in at.button if b.key == "up_import"]  # no way to press Import
    pd.testing.assert_frame_equal(load_records(engine=team_engine, dataset_id=DEMO), before)
    assert audit_log(engine=team_engine, actions=["import"]).empty


def test_refusal_names_the_person_by_alias_in_presentation_mode(team_engine: Any) -> None:
    """With presentation mode on, the refusal names the person by alias, never by their real name."""
    _, theirs = _mia_and_others(team_engine)
    attack = _last_month_zeroed(team_engine, theirs)
    at = _upload_into_demo(attack, presenting=True)
    real = str(attack.iloc[0]["name"])
    shown = alias(real, stored_secret(engine=team_engine, key=ALIAS_KEY).encode("utf-8"))
    assert len(at.error) == 1 and real not in at.error[0].value and shown in at.error[0].value


def test_allowed_replace_names_the_people_before_and_in_the_audit(team_engine: Any) -> None:
    """Replacing a manager's own people lists them before the import, and the import's audit entry names them."""
    mine, _ = _mia_and_others(team_engine)
    upload = _last_month_zeroed(team_engine, mine)
    at = _upload_into_demo(upload)
    assert not at.error
    at.radio(key="up_overlap").set_value("replace").run()
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["name", "rep_id"])
    assert sorted(listed["rep_id"]) == sorted(upload["rep_id"])
    assert set(listed["name"]) == set(upload["name"])
    at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    entry = audit_log(engine=team_engine, actions=["import"]).iloc[0]
    assert entry["actor"] == "mia" and entry["dataset_id"] == DEMO
    assert entry["subject"] == ", ".join(sorted(upload["rep_id"].astype(str)))
    stored = load_records(engine=team_engine, dataset_id=DEMO)
    last = stored[stored["rep_id"].isin(upload["rep_id"]) & (stored["period"] == stored["period"].max())]
    assert (last["calls"].fillna(0) == 0).all()


def test_people_a_replace_changes_are_aliases_in_presentation_mode(team_engine: Any) -> None:
    """With presentation mode on, the list of people a replace changes shows aliases, not real names."""
    mine, _ = _mia_and_others(team_engine)
    upload = _last_month_zeroed(team_engine, mine)
    at = _upload_into_demo(upload, presenting=True)
    at.radio(key="up_overlap").set_value("replace").run()
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["name", "rep_id"])
    key = stored_secret(engine=team_engine, key=ALIAS_KEY).encode("utf-8")
    assert set(listed["name"]) == {alias(n, key) for n in upload["name"]}
    assert not set(listed["name"]) & set(upload["name"])
