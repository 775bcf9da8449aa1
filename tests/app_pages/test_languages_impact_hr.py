"""The Impact and HR review pages in German and Dutch: no English label or sentence left, numbers in the locale.

Uses the checks of ``test_languages`` (every text Coachwise put on the page, Streamlit's own widget texts
excepted) on the demo team, whose started pilot fills the Impact page and whose persistently low people
fill the HR review — with one person opened, so the facts, the brief and the case form are shown too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_languages import SAME, _page, _texts

ENGLISH: dict[str, tuple[str, ...]] = {
    "impact": (
        "Impact", "Is coaching working?", "Revenue impact", "Comparison settings", "Coachees compared",
        "Uncoached core peers", "Lift vs peers (score points)", "Coach leaderboard", "Per coachee",
        "Moderate coaching of the core (%)", "Best-quality coaching of the core (%)", "Effect on the top tier (%)",
        "Hours needed / month", "Managers' hours / month", "scenario", "people coached", "coachee role",
        "lift vs peers", "mean lift", "coach", "score before", "score after", "peers' change", "focus metric",
        "low", "high", "note", "coachee", "Months before the start", "Bootstrap re-draws", "Interval",
        "How this is estimated", "change / month", "hours / person",
    ),
    "hr-review": (
        "HR review", "Persistently low", "No case yet", "Open", "In conversation", "Closed", "Low in",
        "Monthly percentile", "Gap to the role median", "Support given", "Manager override", "Case", "Case set by",
        "Format", "Open a person's facts and brief", "Status", "Note", "Save case step", "metric", "value",
        "role median", "gap", "One person", "Trend", "Name", "Role", "Manager",
    ),
}  # fmt: skip
PHRASES: dict[str, tuple[str, ...]] = {
    "impact": (
        "Coaching is judged by its effect", "What would it be worth", "What this can and cannot prove",
        "regression to the mean", "Coaches with 3 or more coachees", "% interval", "The interval ", " months",
        "Revenue basis per month", "1 coachee: the interval cannot be estimated", "rough interval", " to +",
        " to -", "Core 60%", "same hours", "Expected revenue change",
    ),
    "hr-review": (
        "persistently", "Download ", "HR briefs (ZIP)", "Confidential", "Choose a person",
        "Low in **", "· manager ", "Open → in conversation", "No case yet",
        "The HR brief as exported", "HR brief (PDF)", "HR brief (Word)",
    ),
}  # fmt: skip


# Written the same in German or Dutch as in English.
ALSO_SAME: dict[str, set[str]] = {
    "de": {"Trend", "Name", "Format"},
    "nl": {"Per coachee", "scenario", "coach", "coachee", "Trend", "Open", "Status", "Interval"},
}


def _left(at: AppTest, page: str, lang: str) -> list[str]:
    texts = _texts(at)
    same = SAME[lang] | ALSO_SAME[lang]
    labels = [label for label in ENGLISH[page] if label not in same and label in texts]
    return labels + [phrase for phrase in PHRASES[page] if any(phrase in t for t in texts)]


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_impact_page_has_no_english_left(app_env: Path, lang: str) -> None:
    """Both tabs — the pilot's estimate with its tables and charts, and the revenue calculator — in the language."""
    at = _page("impact", lang)
    assert len(at.dataframe) >= 3  # scenarios, programme, leaderboard, per coachee
    assert not _left(at, "impact", lang)


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
    assert not _left(at, "hr-review", lang)
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


PLANS_ENGLISH = (
    "Coaching plans", "Search by name or ID", "Team", "Tier", "Role", "Document", "Download calendar (.ics)",
    "Edit", "Export many", "Focus areas (1–3)", "Cadence", "Notes", "Save changes", "Date", "What was discussed",
    "Next steps (one per line)", "Log check-in", "Format", "Documents", "The person's plan", "Manager's notes",
)  # fmt: skip
PLANS_SAME: dict[str, set[str]] = {"de": {"Team", "Format"}, "nl": {"Team", "Document"}}


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_plans_page_has_no_english_left(app_env: Path, lang: str) -> None:
    """The Coaching plans page with a person open — the plan, the edit and check-in forms, the export — in the
    session's language, the person's plan in theirs (the demo's people have none: the session's)."""
    at = _page("plans", lang)
    at.text_input(key="pl_search").input("E10056").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _texts(at) + [t.label for t in at.tabs]
    left = [label for label in PLANS_ENGLISH if label not in SAME[lang] | PLANS_SAME[lang] and label in texts]
    assert not left
    plan = " ".join(m.value for m in at.markdown)
    assert ("Ihr " in plan or "Ihre " in plan) if lang == "de" else ("Je " in plan or "je " in plan)
