"""Plans in the reader's language (#16): PDFs, Markdown, the calendar and the ZIP in German and Dutch.

The golden team's AE plan, AM watch plan and HR brief are built inside ``speaking(lang)`` and rendered; the
PDF's text layer (pypdf) must hold that language's headings and none of the English ones, and its dates and
numbers in that language's format. English stays as it was (the English goldens check that byte for byte).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pypdf
import pytest
from icalendar import Calendar

from core.i18n import speaking
from core.plans.calendar import plan_calendar
from core.plans.content import file_stem
from core.plans.document import to_markdown
from core.plans.model import Plan
from core.plans.render import plans_zip, to_docx, to_pdf
from tests.plans.golden_team import plans

ENGLISH_HEADINGS = (
    "Your coaching plan",
    "Your support plan",
    "HR brief",
    "What you do well",
    "What changed in your figures",
    "Your focus for the next",
    "Behaviour goal",
    "Result goal",
    "Options to discuss",
    "Questions to explore together",
    "You choose, you commit to",
    "Who owns what",
    "Your coach and the rhythm",
    "What research says",
    "No check-ins yet",
    "Facts",
    "Support given",
    "Who decides, and by when",
    "Written on",
    "Page 1 of",
)
HEADINGS = {
    "de": {
        "coaching": ("Ihr Coaching-Plan", "Ihr Schwerpunkt für die nächsten 90 Tage", "Verhaltensziel", "Ergebnisziel",
                     "Was sich in Ihren Zahlen verändert hat", "Wer wofür verantwortlich ist", "Was die Forschung sagt",
                     "Erstellt am", "Seite 1 von"),
        "watch": ("Ihr Unterstützungsplan", "Ergebnisziel", "Ihr Coach und der Rhythmus", "Seite 1 von"),
        "hr_brief": ("HR-Briefing – vertraulich", "Fakten", "Bisherige Unterstützung", "Wer entscheidet, und bis wann",
                     "Die Sicht des Mitarbeiters", "DSGVO", "Seite 1 von"),
    },
    "nl": {
        "coaching": ("Je coachingplan", "Je aandachtspunten voor de komende 90 dagen", "Gedragsdoel", "Resultaatdoel",
                     "Wat er in je cijfers veranderd is", "Wie waarvoor verantwoordelijk is", "Wat onderzoek zegt",
                     "Opgesteld op", "Pagina 1 van"),
        "watch": ("Je ondersteuningsplan", "Resultaatdoel", "Je coach en het ritme", "Pagina 1 van"),
        "hr_brief": ("HR-notitie – vertrouwelijk", "Feiten", "Gegeven ondersteuning", "Wie beslist, en wanneer",
                     "De visie van de medewerker", "AVG", "Pagina 1 van"),
    },
}  # fmt: skip
WRITTEN_ON = {"de": "23.11.2026", "nl": "23-11-2026"}
REVIEW_ON = {"de": "22.02.2027", "nl": "22-02-2027"}
GOLDEN_PEOPLE = {"coaching": "ae_deal_size", "watch": "watch_am", "hr_brief": "hr_brief"}


def _pdf_text(data: bytes) -> str:
    """The PDF's text layer, with no-break spaces read as spaces and lines joined as a reader would."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, Plan]]:
    """The golden team's plans in German and Dutch."""
    return {lang: plans(lang) for lang in ("de", "nl")}


@pytest.mark.parametrize("lang", ["de", "nl"])
@pytest.mark.parametrize("kind", ["coaching", "watch", "hr_brief"])
def test_a_pdf_is_written_in_the_plans_language(built: dict[str, dict[str, Plan]], lang: str, kind: str) -> None:
    """The plan, the watch plan and the HR brief as PDFs: the language's headings, no English ones, its dates."""
    plan = built[lang][GOLDEN_PEOPLE[kind]]
    assert plan.kind == kind and plan.language == lang
    text = _pdf_text(to_pdf(plan))
    for heading in HEADINGS[lang][kind]:
        assert heading in text, (heading, text[:400])
    english = [h for h in ENGLISH_HEADINGS if h in text]
    assert not english, english
    assert WRITTEN_ON[lang] in text and REVIEW_ON[lang] in text
    assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d\b", text)


@pytest.mark.parametrize(("lang", "amount", "share"), [("de", "32.000", "26 %"), ("nl", "32.000", "26%")])
def test_numbers_in_a_plan_follow_the_language(
    built: dict[str, dict[str, Plan]], lang: str, amount: str, share: str
) -> None:
    """Grouping with a dot, a decimal comma, and the language's percent sign (German with a space)."""
    text = _pdf_text(to_pdf(built[lang]["ae_deal_size"]))
    assert amount in text and share in text
    assert "32,000" not in text and not re.search(r"\d\.\d %|\d\.\d%", text)  # no English decimal point
    assert re.search(r"\d+,\d", text)  # a decimal comma, e.g. 26,3


@pytest.mark.parametrize(("lang", "research"), [("de", "6–8 %"), ("nl", "6–8%")])
def test_the_research_figures_stay_exact(built: dict[str, dict[str, Plan]], lang: str, research: str) -> None:
    """6–8% and up to 19% are the research's figures in every language, written the language's way."""
    note = built[lang]["ae_deal_size"].research_note.replace("\u00a0", " ")
    assert research in note and ("19 %" if lang == "de" else "19%") in note


def test_the_persons_copy_speaks_to_the_reader() -> None:
    """German says Sie, Dutch says je; neither names a tier, percentile or rank in the person's copy."""
    german, dutch = to_markdown(plans("de")["ae_deal_size"]), to_markdown(plans("nl")["ae_deal_size"])
    assert " Sie " in german and " Ihr" in german and " du " not in german.lower()
    assert " je " in dutch and " u " not in dutch
    tiers = ((german, r"untere gruppe|spitzengruppe|\bgruppe\b|perzentil|\brang\b"),
             (dutch, r"ondergroep|topgroep|\bgroep\b|percentiel|\brang\b"))  # fmt: skip
    for text, words in tiers:  # the research note's "Kernteam"/"kerngroep" is research, as "core performers" is
        assert not re.search(words, text.lower())


def test_a_plan_keeps_its_language_wherever_it_is_rendered() -> None:
    """A plan built in German renders in German even where the surrounding code speaks Dutch (the page's viewer)."""
    plan = plans("de")["ae_deal_size"]
    with speaking("nl"):
        text = to_markdown(plan)
        docx = to_docx(plan)
    assert "Ihr Coaching-Plan" in text and "Je coachingplan" not in text
    assert b"word/document.xml" in docx


def test_the_calendar_is_written_in_german() -> None:
    """The .ics events of a German plan: German summaries and descriptions, German dates."""
    plan = plans("de")["ae_deal_size"]
    calendar = Calendar.from_ical(plan_calendar(plan) or b"")
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    summaries = " ".join(str(e["summary"]) for e in events)
    descriptions = " ".join(str(e["description"]) for e in events)
    assert "Coaching-Check-in" in summaries and "Review nach 90 Tagen" in summaries
    assert "Zwischenstand nach 30 Tagen" in summaries and "Monatsgespräch" in summaries
    assert "Aus dem Plan von" in descriptions and "23.11.2026" in descriptions
    assert "check-in:" not in summaries.lower().replace("coaching-check-in:", "")
    assert "From the plan" not in descriptions and "Move it to a time" not in descriptions


def test_one_zip_holds_two_people_in_two_languages() -> None:
    """Each person's copy is in their own language inside one ZIP; the README is the exporter's."""
    german = plans("de")["ae_deal_size"]
    dutch = plans("nl")["watch_am"]
    data = plans_zip([german, dutch], "md", file_stem=file_stem)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    by_person = {name.split("_")[0]: text for name, text in texts.items() if name.endswith(".md")}
    assert by_person[german.rep_id].startswith("# Ihr Coaching-Plan")
    assert by_person[dutch.rep_id].startswith("# Je ondersteuningsplan")
    assert "Each plan is written in its person's language." in texts["README.txt"]
    calendars = {name.split("_")[0]: text for name, text in texts.items() if name.endswith(".ics")}
    assert "Coaching-Check-in" in calendars[german.rep_id] and "Gesprek" in calendars[dutch.rep_id]
