"""The Overview, navigation and sidebar in German and Dutch: no English label left; English unchanged.

The session's language is set the way the app keeps it (``st.session_state``), as the browser's locale
or the sidebar's picker would; Streamlit's own widget texts are not Coachwise's and are not checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import LANGUAGE, PICKER

from conftest import ROOT

APP = str(ROOT / "app.py")

# Every English text of the Overview page, its sidebar and the navigation. Words that German or Dutch
# write the same ("Team", "Teams", "Coaching", "HR", SDR/AE/AM) are left out: they are correct there.
ENGLISH_LABELS = (
    "Overview", "Upload", "Segmentation", "Coaching chains", "Coaching plans", "Impact", "HR review", "Users",
    "Audit trail", "Data retention", "People", "Months", "Rows", "Total", "Role", "Admin", "Language",
    "Presentation mode", "Sales Development Rep", "Account Executive", "Account Manager",
)  # fmt: skip
ENGLISH_PHRASES = (
    "This is a generated demo team", "Upload your own team", "Upload a team export", "People per team and role",
    "Headcount table", "Willing to coach", "not asked yet", "Next:", "Tiers within each role", "imported",
    "From ", " to ", "single local admin", "Local admin", "names are aliases", "Sign out", "Active dataset",
    "(no team)", " people",
)  # fmt: skip


def _texts(at: AppTest) -> list[str]:
    """Every text Coachwise put on the page, in the sidebar, in the navigation, the chart and the table."""
    texts: list[str] = [str(info["page_name"]) for info in at._registered_pages.values()]
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [m.help for m in at.metric if m.help]
    for widget in (*at.toggle, *at.selectbox, *at.button):
        texts += [widget.label] + ([widget.help] if widget.help else [])
    texts += [str(opt) for s in at.selectbox if s.key == "ov_dataset" for opt in s.options]
    texts += [link.proto.label for link in at.get("page_link")]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        for channel in spec["encoding"].values():
            items = channel if isinstance(channel, list) else [channel]
            texts += [str(item["title"]) for item in items if item.get("title")]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns] + [str(frame.value.index.name)]
    return texts


def _english_left(at: AppTest) -> list[str]:
    texts = _texts(at)
    exact = [label for label in ENGLISH_LABELS if label in texts]
    inside = [phrase for phrase in ENGLISH_PHRASES if any(phrase in text for text in texts)]
    return exact + inside


def _overview(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[LANGUAGE] = lang
    return at.run()


@pytest.mark.parametrize(("lang", "title"), [("de", "Übersicht"), ("nl", "Overzicht")])
def test_overview_has_no_english_left(app_env: Path, lang: str, title: str) -> None:
    """German and Dutch sessions see the Overview, navigation and sidebar without one English label."""
    at = _overview(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert not _english_left(at)


def test_german_numbers_and_dates_on_the_overview(app_env: Path) -> None:
    """The import date is dd.mm.yyyy, the month range has German month names, counts German marks."""
    at = _overview("de")
    caption = at.caption[0].value
    assert "importiert am" in caption
    assert caption.split("importiert am ")[1][2] == "." and caption.split("importiert am ")[1][5] == "."
    metrics = {m.label: m for m in at.metric}
    assert metrics["Personen"].value == "120"
    assert " bis " in metrics["Monate"].help


def test_dutch_dates_on_the_overview(app_env: Path) -> None:
    """Dutch writes the import date dd-mm-yyyy."""
    at = _overview("nl")
    when = at.caption[0].value.split("geïmporteerd op ")[1]
    assert when[2] == "-" and when[5] == "-"


def test_english_overview_is_unchanged(app_env: Path) -> None:
    """An English session reads the labels it always did (the list above is what the page says in English)."""
    at = _overview("en")
    assert not at.exception
    texts = _texts(at)
    assert {"Overview", "People", "Months", "Rows", "Sales Development Rep", "Presentation mode"} <= set(texts)
    assert any("Willing to coach" in t for t in texts)


def test_the_picker_switches_this_session_only(app_env: Path) -> None:
    """Choosing Dutch in the sidebar turns this session Dutch; another session stays German."""
    german, other = _overview("de"), _overview("de")
    assert german.selectbox(key=PICKER).label == "Sprache"
    german.selectbox(key=PICKER).select("nl").run()
    assert not german.exception
    assert german.title[0].value == "Overzicht" and german.session_state[LANGUAGE] == "nl"
    assert not _english_left(german)
    other.run()
    assert other.title[0].value == "Übersicht"


def test_a_session_starts_in_english_without_a_browser_locale(app_env: Path) -> None:
    """No browser locale (AppTest has none): English, and the picker says so."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state[LANGUAGE] == "en"
    assert at.selectbox(key=PICKER).value == "en"
