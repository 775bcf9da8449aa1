"""The Upload page in AppTest: upload, mapping, report, unknown roles, import, refusal of broken files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.ingest.importer import role_key
from core.store.datasets import list_datasets, load_records
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT
from files import binary_junk, german_csv, plain_csv

TEAM = DemoSpec(reps=25, months=3, seed=31, end="2026-03")


def _upload_page(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    open_page(at, "upload").run()
    at.file_uploader(key="up_file").set_value((name, data, "application/octet-stream")).run()
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_upload_map_report_import(app_env: Path) -> None:
    """A German export shows the full mapping and counts, a bad cell in the report, and imports its valid rows."""
    team = generate_team(TEAM)
    team["calls"] = team["calls"].astype(object)
    bad_row = team.index[team["role"] == "SDR"][0]
    team.loc[bad_row, "calls"] = "viele"
    at = _upload_page("export.csv", german_csv(team))
    assert not at.exception, [e.value for e in at.exception]
    assert any("20 of 20 fields" in e.label for e in at.expander)  # with the optional coach and language fields
    assert _metric(at, "Rows in the file") == f"{len(team):,}"
    assert _metric(at, "Will be imported") == f"{len(team) - 1:,}"
    assert _metric(at, "Will be skipped") == "1"
    report = at.dataframe[-2].value if len(at.dataframe) > 2 else None
    assert report is not None and "viele" in report["value"].astype(str).tolist()

    at.text_input(key="up_name").set_value("DACH Q1").run()
    at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Imported" in s.value for s in at.success)
    engine = make_engine(f"sqlite:///{app_env}")
    stored = [d for d in list_datasets(engine=engine) if d.name == "DACH Q1"]
    assert len(stored) == 1 and stored[0].row_count == len(team) - 1
    assert at.session_state["active_dataset_id"] == stored[0].id


def test_mapping_choice_changes_the_import(app_env: Path) -> None:
    """Choosing another column in the mapping is applied: mapping calls away rejects every SDR row."""
    team = generate_team(TEAM)
    at = _upload_page("team.csv", plain_csv(team))
    assert _metric(at, "Will be skipped") == "0"
    at.selectbox(key="up_map_calls").set_value("— not in the file —").run()
    assert not at.exception
    sdr_rows = int((team["role"] == "SDR").sum())
    assert _metric(at, "Will be skipped") == f"{sdr_rows:,}"


def test_unknown_role_is_asked_once(app_env: Path) -> None:
    """An unknown role value gets a question; answering it brings its rows in."""
    team = generate_team(TEAM)
    team.loc[team["role"] == "AM", "role"] = "Sales Ninja"
    at = _upload_page("team.csv", plain_csv(team))
    ninjas = int((team["role"] == "Sales Ninja").sum())
    assert _metric(at, "Will be skipped") == f"{ninjas:,}"
    at.selectbox(key=f"up_role_{role_key('Sales Ninja')}").set_value("AM").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Will be skipped") == "0"


@pytest.mark.parametrize(
    ("name", "data"),
    [("junk.csv", None), ("empty.csv", b""), ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)],
)
def test_broken_file_is_refused_with_a_sentence(app_env: Path, name: str, data: bytes | None) -> None:
    """An unusable file shows one error sentence naming it, and no exception."""
    at = _upload_page(name, data if data is not None else binary_junk())
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    assert name in at.error[0].value


def test_reupload_says_when(app_env: Path) -> None:
    """Uploading a file that was already imported says so, with the dataset's name."""
    data = plain_csv(generate_team(TEAM))
    at = _upload_page("team.csv", data)
    at.text_input(key="up_name").set_value("First").run()
    at.button(key="up_import").click().run()
    again = _upload_page("team.csv", data)
    assert any("already imported" in w.value and "First" in w.value for w in again.warning)


def test_add_month_needs_overlap_decision(app_env: Path) -> None:
    """Adding to an existing dataset with overlapping months asks replace-or-keep before importing."""
    full = generate_team(DemoSpec(reps=12, months=3, seed=5, end="2026-03"))
    at = _upload_page("early.csv", plain_csv(full[full["period"] <= "2026-02"]))
    at.text_input(key="up_name").set_value("Early").run()
    at.button(key="up_import").click().run()
    engine = make_engine(f"sqlite:///{app_env}")
    early_id = next(d.id for d in list_datasets(engine=engine) if d.name == "Early")

    at = _upload_page("late.csv", plain_csv(full[full["period"] >= "2026-02"]))
    at.radio(key="up_target").set_value("existing").run()
    at.selectbox(key="up_into").set_value(early_id).run()
    assert at.button(key="up_import").disabled
    at.radio(key="up_overlap").set_value("keep").run()
    assert not at.button(key="up_import").disabled
    at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = load_records(engine=engine, dataset_id=early_id)
    assert len(stored) == len(full)
    assert isinstance(stored, pd.DataFrame)


def test_a_file_is_read_once_however_often_the_page_reruns(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV in Coachwise's own layout is read only by the fast path (never by the general reader), any other file
    once for its first look, which the report is then made from; choosing a mapping reads nothing again (#17:
    every rerun used to read a 46 MB file twice)."""
    from core.ingest import reader

    reads: list[str] = []
    real = reader._read
    monkeypatch.setattr(reader, "_read", lambda data, name, *a: reads.append(name) or real(data, name, *a))
    team = generate_team(TEAM)
    own = _upload_page("team.csv", team.to_csv(index=False).encode("utf-8"))
    assert not own.exception and _metric(own, "Will be imported") == f"{len(team):,}"
    assert reads == [], reads
    own.selectbox(key="up_map_team").set_value("— not in the file —").run()
    assert not own.exception and reads == [], reads
    german = _upload_page("export.csv", german_csv(team))
    assert not german.exception and _metric(german, "Will be imported") == f"{len(team):,}"
    assert reads == ["export.csv"], reads  # its kind, headers and report from one read
    german.selectbox(key="up_map_calls").set_value("— not in the file —").run()
    assert not german.exception and reads == ["export.csv"], reads
    assert _metric(german, "Will be skipped") == f"{int((team['role'] == 'SDR').sum()):,}"
