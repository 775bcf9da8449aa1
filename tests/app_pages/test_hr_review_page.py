"""The HR review page in AppTest: the list, one audit entry per view, case steps, overrides, the empty case."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.governance.audit import audit_log
from core.plans.hr_review import case_history
from core.scoring.overrides import set_override
from core.store.datasets import list_datasets, sha256_bytes, store_dataset
from core.store.db import make_engine
from ui.state import ACTIVE_DATASET

from apptest import open_page
from conftest import ROOT

PAGE = "hr-review"


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _engine(db: Path) -> Engine:
    return make_engine(f"sqlite:///{db}")


def test_lists_the_persistent_low_and_records_the_view_once(app_env: Path) -> None:
    """The demo team's persistent low performers are listed; reruns and clicks add no second view entry."""
    at = _page()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Persistently low"]) > 0
    assert any("never recommends an employment decision" in i.value for i in at.info)
    at.radio(key="hr_zip_fmt").set_value("docx").run()
    at.run()
    engine = _engine(app_env)
    views = audit_log(engine=engine, actions=["hr_review_viewed"])
    assert len(views) == 1
    assert views["dataset_id"].tolist() == [list_datasets(engine=engine)[0].id]
    assert audit_log(engine=engine, actions=["hr_brief_viewed"]).empty  # nobody opened yet


def test_opening_a_person_is_recorded_once_per_person(app_env: Path) -> None:
    """Opening a person writes one brief-view entry; reruns and reopening do not add more."""
    at = _page()
    options = at.selectbox(key="hr_person").options
    assert len(options) >= 2
    first, second = options[0], options[1]
    at.selectbox(key="hr_person").set_value(_rep(first)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("HR brief" in m.value for m in at.markdown)
    at.run()
    at.selectbox(key="hr_person").set_value(_rep(second)).run()
    at.selectbox(key="hr_person").set_value(_rep(first)).run()
    log = audit_log(engine=_engine(app_env), actions=["hr_brief_viewed"])
    assert sorted(log["subject"]) == sorted([_rep(first), _rep(second)])
    assert len(audit_log(engine=_engine(app_env), actions=["hr_review_viewed"])) == 1


def _rep(label: str) -> str:
    """The rep_id behind a person's label (``name · rep_id · …``)."""
    return label.split(" · ")[1]


def test_case_status_change_is_stored(app_env: Path) -> None:
    """A case step from the form is stored with its note and shows in the table; closing needs a note."""
    at = _page()
    rep = _rep(at.selectbox(key="hr_person").options[0])
    at.selectbox(key="hr_person").set_value(rep).run()
    at.selectbox(key="hr_status").set_value("in conversation")  # inside a form: sent with the submit
    at.text_area(key="hr_note").set_value("First conversation with the manager")
    at.button(key="hr_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    engine = _engine(app_env)
    dataset_id = list_datasets(engine=engine)[0].id
    steps = case_history(engine=engine, dataset_id=dataset_id, rep_id=rep)
    assert steps[["status", "note"]].values.tolist() == [["in conversation", "First conversation with the manager"]]
    assert {m.label: m.value for m in at.metric}["In conversation"] == "1"

    at.selectbox(key="hr_status").set_value("closed")
    at.button(key="hr_save").click().run()
    assert any("how the case was closed" in e.value for e in at.error)
    assert len(case_history(engine=engine, dataset_id=dataset_id, rep_id=rep)) == 1
    assert len(audit_log(engine=engine, actions=["hr_case"])) == 1


def test_override_out_of_low_is_shown(app_env: Path) -> None:
    """A person a manager moved out of the low tier stays listed, with the override and without a brief."""
    at = _page()
    rep = _rep(at.selectbox(key="hr_person").options[0])
    engine = _engine(app_env)
    dataset_id = list_datasets(engine=engine)[0].id
    set_override(engine=engine, dataset_id=dataset_id, rep_id=rep, tier="core", reason="new territory", changed_by="m")
    at.run()
    at.selectbox(key="hr_person").set_value(rep).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Tier set to core by m" in w.value and "new territory" in w.value for w in at.warning)
    assert not any(m.value.startswith("# HR brief") for m in at.markdown)
    assert any("moved out of the low tier" in c.value for c in at.caption)


def test_no_one_persistent_is_good_news(app_env: Path) -> None:
    """With one month of data nobody can be persistently low: the page says so, stops, records no view."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()  # loads the demo team first
    engine = _engine(app_env)
    at.session_state[ACTIVE_DATASET] = store_dataset(
        engine=engine,
        frame=generate_team(DemoSpec(reps=30, months=1, seed=2, end="2026-05")),
        name="One month",
        source_filename="m.csv",
        source_sha256=sha256_bytes(b"one"),
    )
    open_page(at, PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("good news" in s.value and "one bad period is not a pattern" in s.value for s in at.success)
    assert not at.metric
    assert audit_log(engine=engine, actions=["hr_review_viewed"]).empty
