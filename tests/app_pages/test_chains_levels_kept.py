"""The levels chosen on the Coaching chains page are kept per dataset: the next visit and the plans use them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.coaching.edits import edits_in_force, set_levels
from core.store.datasets import list_datasets
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_levels_switched_on_the_page_are_kept_for_the_next_visit(app_env: Path) -> None:
    """Switching AE → AE on stores the levels (audited edit); a new session opens with them, not the default."""
    at = _open("chains")
    assert at.multiselect(key="ch_levels").value == ["ae-sdr", "am-ae", "am-am"]
    at.multiselect(key="ch_levels").set_value(["ae-sdr", "ae-ae"]).run()
    assert not at.exception, [e.value for e in at.exception]
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels == ("ae-sdr", "ae-ae")

    again = _open("chains")  # a new session: the next visit
    assert again.multiselect(key="ch_levels").value == ["ae-sdr", "ae-ae"]
    assert {m.label for m in again.metric} >= {"AE → SDR pairs", "AE → AE pairs"}
    assert "AM → AE pairs" not in {m.label for m in again.metric}


def test_levels_changed_elsewhere_replace_the_page_choice(app_env: Path) -> None:
    """Levels stored by another session show on this page's next run, instead of it saving its own over them."""
    at = _open("chains")
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    set_levels(engine=engine, dataset_id=dataset_id, levels=["am-am"], changed_by="other", scope=None)
    at.run()
    assert at.multiselect(key="ch_levels").value == ["am-am"]
    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels == ("am-am",)


def test_plans_use_the_stored_levels(app_env: Path) -> None:
    """With only AM → AM kept, a core SDR's plan names no AE peer coach; the manager's notes say the level is off."""
    engine = make_engine(f"sqlite:///{app_env}")
    at = _open("plans")  # the first run creates the demo dataset
    dataset_id = list_datasets(engine=engine)[0].id
    at.selectbox(key="pl_tier").set_value("core").run()
    at.selectbox(key="pl_role").set_value("SDR").run()
    sdr = at.selectbox(key="pl_person").value
    before = " ".join(m.value for m in at.markdown).split("## Coach", 1)[1].split("\n\n", 2)[1]
    assert "(AE" in before  # by default AEs coach SDRs

    set_levels(engine=engine, dataset_id=dataset_id, levels=["am-am"], changed_by="m", scope=None)
    at = _open("plans")
    at.selectbox(key="pl_tier").set_value("core").run()
    at.selectbox(key="pl_role").set_value("SDR").run()
    at.selectbox(key="pl_person").set_value(sdr).run()
    after = " ".join(m.value for m in at.markdown)
    coach = after.split("## Your coach and the rhythm", 1)[1].split("\n## ", 1)[0]
    assert "(AE" not in coach and "until a peer coach is free" in coach
    person, notes = after.split("## Tier and why", 1)
    assert "level is off" not in person  # the person's plan keeps the chain's workings out
    assert "AE → SDR level is off" in notes.split("## Coach", 1)[1]  # the manager's notes say why


def test_the_chains_page_shows_aptitude_and_training_from_an_imported_file(app_env: Path) -> None:
    """File → import → chains page: the coach's aptitude and training from the file are in the pair's reason."""
    from core.governance.access import OPERATOR
    from core.ingest.importer import import_prepared, prepare
    from ui.state import ACTIVE_DATASET

    lines = ["rep_id,name,role,team,region,manager,period,deals_worked,deals_won,revenue_won,coach_willing,"
             "Coach-Eignung,Coaching-Schulung absolviert"]  # fmt: skip
    for i in range(1, 10):
        for month in ("2026-08", "2026-09", "2026-10"):
            extra = "5,ja" if i == 1 else ","
            lines.append(f"A{i},AE {i},AE,T,R,M,{month},20,{12 - i},{(12 - i) * 1000},yes,{extra}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    engine = make_engine(f"sqlite:///{app_env}")
    prepared = prepare(("\n".join(lines) + "\n").encode("utf-8"), "aes.csv")
    at.session_state[ACTIVE_DATASET] = import_prepared(
        engine=engine, prepared=prepared, name="AEs", viewer=OPERATOR
    ).dataset_id
    open_page(at, "chains").run()
    assert not at.exception, [e.value for e in at.exception]
    pairs = next(df.value for df in at.dataframe if "coach_name" in df.value.columns)
    mine = pairs[pairs["coach_name"] == "AE 1"]
    assert len(mine) and mine["reason"].str.contains("coaching aptitude 5/5 · coaching training done").all()


def test_leaving_the_page_and_coming_back_keeps_the_levels(app_env: Path) -> None:
    """Another page in between (Streamlit then forgets the widget's value) neither blanks the levels on the way back
    nor stores "none" for the dataset: merely navigating changes nobody's chains."""
    at = _open("chains")
    default = at.multiselect(key="ch_levels").value
    open_page(at, "overview").run()
    open_page(at, "chains").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="ch_levels").value == default
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    assert edits_in_force(engine=engine, dataset_id=dataset_id).levels is None
