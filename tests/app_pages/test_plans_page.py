"""The Coaching plans page in AppTest: find a person, edit a goal, log a check-in, prepare a ZIP."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.plans.store import checkins, plan_edits
from core.store.datasets import list_datasets
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, "plans").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_find_a_core_person_and_read_the_plan(app_env: Path) -> None:
    """Filtering to the core tier shows a coaching plan naming the person and a peer coach or manager."""
    at = _page()
    at.selectbox(key="pl_tier").set_value("core").run()
    rep = at.selectbox(key="pl_person").value
    text = " ".join(m.value for m in at.markdown)
    assert rep in text
    assert "Focus" in text or "focus" in text


def test_edit_goal_and_log_checkin(app_env: Path) -> None:
    """An edited goal is stored and kept; a check-in is logged with its note."""
    at = _page()
    at.selectbox(key="pl_tier").set_value("core").run()
    rep = str(at.selectbox(key="pl_person").value)
    goal_inputs = [t for t in at.text_input if str(t.key).startswith("pl_goal_")]
    assert goal_inputs, "a core plan has at least one focus area"
    goal_inputs[0].set_value("Reach the team median by the end of February")
    at.button(key="pl_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    stored = plan_edits(engine=engine, dataset_id=dataset_id, rep_id=rep)
    assert "Reach the team median by the end of February" in stored.values()

    at.text_input(key="pl_ci_note").set_value("Reviewed ten rejected leads together")
    at.text_input(key="pl_ci_next").set_value("Use the three qualifying questions")
    at.button(key="pl_ci_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    logged = checkins(engine=engine, dataset_id=dataset_id, rep_id=rep)
    assert [c.note for _, c in logged] == ["Reviewed ten rejected leads together"]


def test_zip_for_the_filter(app_env: Path) -> None:
    """Preparing a ZIP for the filtered people offers it for download."""
    at = _page()
    at.selectbox(key="pl_team").set_value(at.selectbox(key="pl_team").options[1]).run()
    at.radio(key="pl_zip_fmt").set_value("md").run()
    at.button(key="pl_zip_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _, fmt, rep_ids, data = at.session_state["pl_zip"]
    assert fmt == "md" and len(rep_ids) > 0 and data[:2] == b"PK"
