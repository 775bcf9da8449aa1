"""The Upload page with several CRM exports at once: what each file is, questions, the derived table, the import."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.store.datasets import list_datasets, load_records
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT

TEAM = DemoSpec(reps=14, months=3, seed=12, end="2026-03")


def _upload(files: dict[str, bytes]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    open_page(at, "upload").run()
    at.file_uploader(key="up_file").set_value([(n, d, "text/csv") for n, d in files.items()]).run()
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_several_exports_derive_preview_and_import(app_env: Path) -> None:
    """Deals, calls, leads, snapshots and a people list: a sentence per file, the derived table, one import."""
    team = generate_team(TEAM)
    files = explode(team, CrmSpec(vendor="Pipedrive", language="de", seed=12))
    at = _upload(files)
    assert not at.exception, [e.value for e in at.exception]
    labels = [e.label for e in at.expander]
    assert any("deals export (Pipedrive-style):" in label for label in labels), labels
    assert any("people list: 14 people" in label for label in labels), labels
    assert _metric(at, "Person-months derived") == f"{len(team):,}"
    assert _metric(at, "Will be skipped") == "0"
    assert any("derived monthly table" in c.value for c in at.caption)

    at.text_input(key="up_name").set_value("From the CRM").run()
    at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Imported" in s.value for s in at.success)
    engine = make_engine(f"sqlite:///{app_env}")
    stored = next(d for d in list_datasets(engine=engine) if d.name == "From the CRM")
    assert stored.row_count == len(team)
    stored_ids = load_records(engine=engine, dataset_id=stored.id)["rep_id"].unique()
    assert sorted(stored_ids) == sorted(team["rep_id"].unique())


def test_a_stage_is_asked_and_the_answer_counts(app_env: Path) -> None:
    """An unknown stage holds the import back until it is answered on the page; then the deal counts."""
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn Lee,Signed,100,2026-03-14\n"
    deals += b"Ann Lee,Closed Won,50,2026-03-20\n"
    calls = b"Assigned,Task Subtype,Date\nBo Ek,Call,2026-03-14\nBo Ek,Call,2026-03-15\n"
    at = _upload({"deals.csv": deals, "calls.csv": calls})
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 question before the table is complete" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "up_import"]
    box = next(s for s in at.selectbox if s.label == "“Signed”")
    box.set_value("won").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("question" in w.value for w in at.warning)
    preview = next(d.value for d in at.dataframe if "deals_won" in d.value.columns)
    assert preview.set_index("name").loc["Ann Lee", "deals_won"] == "2"


def test_a_file_that_fits_no_kind_gets_a_kind_chosen(app_env: Path) -> None:
    """A file with unknown headers is one sentence; choosing its kind and columns on the page reads it."""
    odd = b"Who,What,Value,When\nAnn Lee,Closed Won,10,2026-03-14\nAnn Lee,Closed Lost,5,2026-03-15\n"
    calls = b"Assigned,Task Subtype,Date\nBo Ek,Call,2026-03-14\nBo Ek,Call,2026-03-15\n"
    at = _upload({"odd.csv": odd, "calls.csv": calls})
    assert any("'odd.csv' was not recognised" in e.value for e in at.error)
    kind = next(s for s in at.selectbox if s.label == "What this file is" and "recognise" in str(s.value))
    kind.set_value("deals").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("'odd.csv' has no column for" in e.value for e in at.error)
    for field, header in (("owner", "Who"), ("stage", "What"), ("amount", "Value"), ("close_date", "When")):
        next(s for s in at.selectbox if s.label == field and s.key.startswith("upc_map_")).set_value(header)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert _metric(at, "Person-months derived") == "2"
