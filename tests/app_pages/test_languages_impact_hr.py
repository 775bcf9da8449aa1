"""The Impact, HR review and Coaching plans pages in German and Dutch: no English left, numbers in the locale.

Uses the English lists and checks of ``test_languages`` (every text Coachwise put on the page, Streamlit's own
widget texts excepted) on the demo team, whose started pilot fills the Impact page and whose persistently low
people fill the HR review — with one person opened, so the facts, the brief and the case form are shown too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_languages import _english_left, _page


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_impact_page_has_no_english_left(app_env: Path, lang: str) -> None:
    """Both tabs — the pilot's estimate with its tables and charts, and the revenue calculator — in the language."""
    at = _page("impact", lang)
    assert len(at.dataframe) >= 3  # scenarios, programme, leaderboard, per coachee
    assert not _english_left(at, "impact", lang)


def test_impact_numbers_in_german(app_env: Path) -> None:
    """The interval reads "+1,2 bis +3,4" and the calculator's money has German grouping."""
    at = _page("impact", "de")
    metrics = {m.label: m.value for m in at.metric}
    interval = next(value for label, value in metrics.items() if label.endswith("-Intervall"))
    assert " bis " in interval or interval == "kein Intervall"
    assert "," in interval or interval == "kein Intervall"
    hours = metrics["Benötigte Stunden / Monat"]
    assert "," not in hours  # 1.080, not 1,080
    board = next(df.value for df in at.dataframe if "lift" in df.value.columns)
    notes = set(board["note"]) - {""}
    assert notes and all("Coachee" in note for note in notes)


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_hr_review_has_no_english_left(app_env: Path, lang: str) -> None:
    """The list, the counts, the ZIP button, one person's facts, gaps and case form in the language."""
    at = _page("hr-review", lang)
    assert at.dataframe, "the demo team has persistently low people"
    picker = next(s for s in at.selectbox if s.key and s.key.startswith("hr_person"))
    picker.select(picker.options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _english_left(at, "hr-review", lang)
    statuses = next(s for s in at.selectbox if s.key == "hr_status").options
    assert statuses == (
        ["offen", "im Gespräch", "abgeschlossen"] if lang == "de" else ["open", "in gesprek", "gesloten"]
    )


def test_hr_case_status_is_stored_in_english_whatever_the_language(app_env: Path) -> None:
    """A Dutch session saves "in conversation": the stored value does not depend on who typed it."""
    at = _page("hr-review", "nl")
    picker = next(s for s in at.selectbox if s.key and s.key.startswith("hr_person"))
    picker.select(picker.options[0]).run()
    at.selectbox(key="hr_status").select_index(1)  # "in gesprek", sent with the form
    at.text_area(key="hr_note").input("eerste gesprek")
    at.button(key="hr_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert "in gesprek" in set(table["case_status"])


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_plans_page_has_no_english_left(app_env: Path, lang: str) -> None:
    """The Coaching plans page with a person open — the plan, the edit and check-in forms, the export — in the
    session's language, the person's plan in theirs (the demo's people have none: the session's)."""
    at = _page("plans", lang)
    at.text_input(key="pl_search").input("E10056").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _english_left(at, "plans", lang)
    plan = " ".join(m.value for m in at.markdown)
    assert ("Ihr " in plan or "Ihre " in plan) if lang == "de" else ("Je " in plan or "je " in plan)
