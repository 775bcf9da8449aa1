"""The Coaching plans page in AppTest: find a person, edit a goal, log a check-in, prepare a ZIP."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from core.plans.model import Plan
from core.plans.store import checkins, plan_edits
from core.scoring.segmentation import SegmentSettings, segment
from core.store.datasets import list_datasets, load_records, store_dataset
from core.store.db import make_engine
from ui.i18n import LANGUAGE
from ui.state import ACTIVE_DATASET

from apptest import open_page
from conftest import ROOT


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, "plans").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_find_a_core_person_and_read_the_plan(app_env: Path) -> None:
    """Filtering to the core tier shows a coaching plan naming the person and a peer coach or manager, and
    offers the plan's calendar."""
    at = _page()
    at.selectbox(key="pl_tier").set_value("core").run()
    rep = at.selectbox(key="pl_person").value
    text = " ".join(m.value for m in at.markdown)
    assert "# Your coaching plan: " in text and "# Manager's notes — confidential: " in text
    assert "Focus" in text or "focus" in text
    assert f"({rep})" not in text.split("# Manager's notes")[0]  # the person's copy: no ID, tier or percentile
    assert "percentile" not in text.split("# Manager's notes")[0].lower()
    assert at.radio(key="pl_for").value == "The person's plan"
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Download calendar (.ics)" in labels  # the plan's check-ins and reviews, for any calendar


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
    at.text_area(key="pl_ci_next").set_value("Use the three qualifying questions")
    at.button(key="pl_ci_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    logged = checkins(engine=engine, dataset_id=dataset_id, rep_id=rep)
    assert [c.note for _, c in logged] == ["Reviewed ten rejected leads together"]


def test_a_checkin_opens_with_last_times_steps(app_env: Path) -> None:
    """A second check-in asks what happened to each of the first one's steps, refuses none, and logs them."""
    at = _page()
    at.selectbox(key="pl_tier").set_value("core").run()
    rep = str(at.selectbox(key="pl_person").value)
    assert not [r for r in at.radio if str(r.key).startswith("pl_ci_out_")]  # nothing to carry forward yet
    at.text_input(key="pl_ci_note").set_value("Kick-off")
    at.text_area(key="pl_ci_next").set_value("Call two lost customers\nShadow Lea on a demo")
    at.button(key="pl_ci_save").click().run()
    asked = [r for r in at.radio if str(r.key).startswith("pl_ci_out_")]
    assert [r.label for r in asked] == ["Call two lost customers", "Shadow Lea on a demo"]

    at.text_input(key="pl_ci_note").set_value("Both customers called back")
    at.radio(key=str(asked[0].key)).set_value("done")
    at.button(key="pl_ci_save").click().run()  # the second step has no outcome yet: refused, note kept
    assert [e.value for e in at.error] == [
        'Say what happened to last time\'s step "Shadow Lea on a demo": done, in progress or dropped.'
    ]
    assert at.text_input(key="pl_ci_note").value == "Both customers called back"
    at.radio(key=str(asked[1].key)).set_value("dropped")
    at.button(key="pl_ci_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    engine = make_engine(f"sqlite:///{app_env}")
    logged = checkins(engine=engine, dataset_id=list_datasets(engine=engine)[0].id, rep_id=rep)
    assert [(s.step, s.outcome) for s in logged[-1][1].carried] == [
        ("Call two lost customers", "done"),
        ("Shadow Lea on a demo", "dropped"),
    ]
    text = " ".join(m.value for m in at.markdown)
    assert "Call two lost customers — done; Shadow Lea on a demo — dropped" in text  # the plan's log
    table = at.dataframe[0].value
    assert table["last time's steps"].iloc[0] == "Call two lost customers — done; Shadow Lea on a demo — dropped"


def test_zip_for_the_filter(app_env: Path) -> None:
    """Preparing a ZIP for the filtered people offers it for download."""
    at = _page()
    at.selectbox(key="pl_team").set_value(at.selectbox(key="pl_team").options[1]).run()
    at.radio(key="pl_zip_fmt").set_value("md").run()
    at.button(key="pl_zip_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _, fmt, rep_ids, data = at.session_state["pl_zip"]
    assert fmt == "md" and len(rep_ids) > 0 and data[:2] == b"PK"
    at.radio(key="pl_zip_for").set_value("Manager's notes").run()
    at.button(key="pl_zip_go").click().run()
    _, _, manager_ids, notes = at.session_state["pl_zip"]
    assert len(manager_ids) >= len(rep_ids) and notes != data


def test_zip_progress_covers_working_out_the_plans(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ZIP's progress bar moves while the plans are worked out, not only while the files are written (#17)."""
    page = importlib.import_module("app_pages.plans")  # the package's ``plans`` is the page function

    shown: list[tuple[float, str]] = []
    progress = DeltaGenerator.progress

    def recording(self: DeltaGenerator, value: float, text: str | None = None) -> DeltaGenerator:
        shown.append((float(value), str(text)))
        return progress(self, value, text)

    built_after: list[int] = []  # how many bar updates there had been when the plans were worked out
    build_plans = page.build_plans

    def building(*args: Any, **kwargs: Any) -> list[Plan]:
        made = build_plans(*args, **kwargs)
        built_after.append(len(shown))
        return made

    monkeypatch.setattr(DeltaGenerator, "progress", recording)
    monkeypatch.setattr(page, "build_plans", building)
    at = _page()
    at.selectbox(key="pl_team").set_value(at.selectbox(key="pl_team").options[1]).run()
    at.radio(key="pl_zip_fmt").set_value("pdf").run()
    at.button(key="pl_zip_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _, _, rep_ids, _ = at.session_state["pl_zip"]
    while_building = shown[: built_after[0]]
    assert len(while_building) > len(rep_ids) // 2  # the bar moves (one update a plan), not stuck at 0
    assert 0 < while_building[-1][0] < 1 and "Working out the plans" in while_building[-1][1]
    values = [value for value, _text in shown]
    assert values == sorted(values) and values[-1] == 1.0
    assert "Writing the files" in shown[-1][1]


def test_a_name_with_markdown_shows_as_text(app_env: Path) -> None:
    """A name with LaTeX, a colour directive and a link reaches the plan view escaped: shown, not rendered."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()  # loads the demo team
    engine = make_engine()
    team = load_records(engine=engine, dataset_id=1)
    hostile = "$x^2$ :red[Ann] [site](https://example.com)"
    first = team["rep_id"].iloc[0]
    team.loc[team["rep_id"] == first, "name"] = hostile
    at.session_state[ACTIVE_DATASET] = store_dataset(
        engine=engine, frame=team, name="Hostile names", source_filename="h.csv", source_sha256="3" * 64
    )
    open_page(at, "plans").run()
    at.text_input(key="pl_search").input(first).run()
    assert not at.exception and at.selectbox(key="pl_person").value == first
    plan = next(m.value for m in at.markdown if "plan:" in m.value or "brief:" in m.value or "notes" in m.value)
    assert r"\$x^2\$ \:red\[Ann\] \[site\](https\://example.com)" in plan


def _team_with_languages() -> tuple[AppTest, str, str]:
    """The demo team stored again with a people-list language for two core people: German and Dutch."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()  # loads the demo team
    engine = make_engine()
    team = load_records(engine=engine, dataset_id=1)
    tiers = segment(team, SegmentSettings())
    german, dutch = sorted(tiers.loc[tiers["tier"] == "core", "rep_id"].astype(str))[:2]
    team.loc[team["rep_id"] == german, "language"] = "de"
    team.loc[team["rep_id"] == dutch, "language"] = "nl"
    at.session_state[ACTIVE_DATASET] = store_dataset(
        engine=engine, frame=team, name="Languages", source_filename="l.csv", source_sha256="4" * 64
    )
    return at, german, dutch


def test_a_person_reads_their_plan_in_their_language(app_env: Path) -> None:
    """An English viewer sees a German person's own plan in German, and the manager's notes in English."""
    at, german, _dutch = _team_with_languages()
    open_page(at, "plans").run()
    at.text_input(key="pl_search").input(german).run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "# Ihr Coaching-Plan: " in text and "# Manager's notes — confidential: " in text
    assert any("Deutsch" in c.value for c in at.caption)


def test_a_german_session_reads_the_page_in_german(app_env: Path) -> None:
    """In a German session the page's own labels are German, and a Dutch person's plan stays Dutch."""
    at, _german, dutch = _team_with_languages()
    at.session_state[LANGUAGE] = "de"
    open_page(at, "plans").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Coaching-Pläne"
    at.text_input(key="pl_search").input(dutch).run()
    text = " ".join(m.value for m in at.markdown)
    assert "# Je coachingplan: " in text and "# Notizen für die Führungskraft – vertraulich: " in text
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Kalender herunterladen (.ics)" in labels
    assert at.tabs[0].label == "Plan der Person"
