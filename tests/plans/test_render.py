"""Tests for core.plans.render: PDF, Word, the trend chart and the ZIP of many plans, built from hand-made plans."""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import replace
from datetime import date
from io import BytesIO

import pypdf
import pytest
from docx import Document

from core.plans.calendar import plan_calendar
from core.plans.model import CheckIn, FocusArea, Plan
from core.plans.render import font_path, plan_blocks, plans_zip, to_docx, to_pdf, trend_png

GOAL = "Qualified-lead rate from 41% to 50% (the role median) by 21 Feb 2027"
DECISION = "This brief supports a conversation; a person decides on any next step after hearing the rep."
TREND = (("2026-05", 12.0), ("2026-06", 9.0), ("2026-07", 15.0), ("2026-08", 11.0))


def focus(edited: bool = False) -> FocusArea:
    """One focus area with a measurable goal."""
    return FocusArea(
        metric="qualified_lead_rate",
        label="Qualified-lead rate",
        value_text="41.0%",
        median_text="50.0%",
        top_quartile_text="58.5%",
        percentile=22.0,
        practice=("Listen to two accepted and two rejected leads with your AE each week.", "Use the BANT checklist."),
        goal=GOAL,
        review_date=date(2027, 2, 21),
        edited=edited,
    )


def coaching_plan(**changes: object) -> Plan:
    """A core-tier coaching plan for Łukasz Wróbel."""
    plan = Plan(
        kind="coaching",
        rep_id="sdr-007",
        name="Łukasz Wróbel",
        role="SDR",
        role_name="Sales Development Rep",
        team="Team Nord",
        region="DACH",
        manager="Jörg Schäfer",
        period_label="Aug–Oct 2026",
        generated_on=date(2026, 11, 23),
        tier="core",
        tier_lines=("Percentile 38 within SDRs.", "Qualified-lead rate 41% vs role median 50%."),
        score=0.41,
        percentile=38.0,
        trend=TREND,
        focus=(focus(edited=True),),
        coach="Lea Wolf (AE)",
        coach_reason="Strong where Łukasz is weakest; same team.",
        cadence="30 minutes every two weeks",
        manager_owns=("The lead-rate target",),
        coach_owns=("Practice on qualification",),
        questions=("Which lead last month would you now qualify differently?",),
        research_note="Research (CEB): better coaching lifted core performers by up to 19%; not a promise.",
        checkins=(CheckIn(date(2026, 11, 2), "Reviewed three leads.", "Try the checklist on ten calls.", "Lea Wolf"),),
        edited_fields=("cadence",),
    )
    return replace(plan, **changes)  # type: ignore[arg-type]


def top_plan() -> Plan:
    """A top-tier plan for Zoë Brouwer."""
    return Plan(
        kind="top",
        rep_id="am-003",
        name="Zoë Brouwer",
        role="AM",
        role_name="Account Manager",
        team="Benelux",
        region="NL",
        manager="Jörg Schäfer",
        period_label="Aug–Oct 2026",
        generated_on=date(2026, 11, 23),
        tier="top",
        tier_lines=("Percentile 94 within AMs.",),
        score=0.9,
        percentile=94.0,
        trend=(("2026-09", 90.0), ("2026-10", 94.0)),
        retention=("Talk about growth paths.",),
        coaching_role=("Coaches Đorđe Petrović (AE), about 2 hours a month, credited.",),
        coach="External coach",
    )


def hr_brief() -> Plan:
    """A low-tier HR brief for Đorđe Petrović."""
    return Plan(
        kind="hr_brief",
        rep_id="ae-042",
        name="Đorđe Petrović",
        role="AE",
        role_name="Account Executive",
        team="Süd",
        region="DACH",
        manager="Jörg Schäfer",
        period_label="May–Oct 2026",
        generated_on=date(2026, 11, 23),
        tier="low",
        tier_lines=("Percentile 4 within AEs.",),
        score=0.1,
        percentile=4.0,
        trend=TREND,
        focus=(focus(),),
        hr_facts=("Close rate 8% vs role median 21%.",),
        persistence_text="In the bottom 10% in 5 of the last 6 months.",
        support_given=("Four check-ins with the manager since June.",),
        decision_note=DECISION,
    )


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(data)).pages)


def squash(text: str) -> str:
    """Whitespace removed, so text wrapped over lines can be compared."""
    return "".join(text.split())


@pytest.mark.parametrize("plan", [coaching_plan(), top_plan(), hr_brief()], ids=lambda p: p.kind)
def test_pdf_is_a4_and_names_are_real_text(plan: Plan) -> None:
    """Every kind renders to A4 pages whose text layer holds the Unicode name and manager exactly."""
    data = to_pdf(plan)
    reader = pypdf.PdfReader(BytesIO(data))
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1
        assert abs(float(page.mediabox.height) - 841.89) < 1
    text = pdf_text(data)
    assert plan.name in text
    assert "Jörg Schäfer" in text


def test_pdf_holds_goal_review_date_and_edited_marker() -> None:
    """The coaching PDF shows the goal, the review date, its title and the (edited) markers."""
    text = pdf_text(to_pdf(coaching_plan()))
    assert squash(GOAL) in squash(text)
    assert "21 Feb 2027" in text
    assert "Your coaching plan" in text
    assert text.count("(edited)") >= 2  # the focus area and the cadence
    assert "Reviewed three leads." in text


def test_hr_brief_pdf_holds_decision_note_and_confidential() -> None:
    """The HR brief carries its title, the decision note and the confidential footer."""
    text = pdf_text(to_pdf(hr_brief()))
    assert squash(DECISION) in squash(text)
    assert "HR brief — confidential" in text
    assert "Confidential — decision support, a person decides" in text
    assert "No check-ins yet" in text


def test_long_text_wraps_onto_more_pages() -> None:
    """A very long note and an unbreakable word wrap (no error) and push the plan onto further pages."""
    long_note = "Wir haben über die Qualifizierung gesprochen und Beispiele durchgesehen. " * 120
    plan = coaching_plan(
        notes=long_note + "x" * 300,
        checkins=tuple(CheckIn(date(2026, 10, d), long_note[:600], "Weiter so.", "Lea Wolf") for d in range(1, 12)),
    )
    data = to_pdf(plan, "manager")  # the notes are the manager's
    reader = pypdf.PdfReader(BytesIO(data))
    assert len(reader.pages) >= 3
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()


def test_character_outside_the_cut_font_falls_back_to_full_font() -> None:
    """A name in a script outside the fast font cut (Armenian) still prints as real text."""
    text = pdf_text(to_pdf(coaching_plan(name="Արամ Պետրոսյան")))
    assert "Արամ" in text


def test_same_plan_gives_same_pdf_bytes() -> None:
    """Rendering is deterministic, and per-document font state does not leak into the next document."""
    first = to_pdf(coaching_plan())
    to_pdf(hr_brief())
    assert to_pdf(coaching_plan()) == first


def test_docx_opens_and_holds_name_and_goal() -> None:
    """The Word file opens with python-docx and holds the name, the goal, the check-in table and the chart."""
    doc = Document(BytesIO(to_docx(coaching_plan())))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Łukasz Wróbel" in cells
    assert GOAL in body
    assert "Reviewed three leads." in cells
    assert len(doc.inline_shapes) == 0  # the percentile chart is the manager's, not the person's
    assert len(Document(BytesIO(to_docx(coaching_plan(), "manager"))).inline_shapes) == 1


def test_docx_and_pdf_follow_the_same_blocks() -> None:
    """Word headings appear in the same order as the shared block list (the decision section last but one)."""
    doc = Document(BytesIO(to_docx(hr_brief())))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    expected = [b.text for b in plan_blocks(hr_brief()) if type(b).__name__ == "Heading"]
    assert headings == expected
    assert headings[-2:] == ["Decision", "Check-ins"]


def test_trend_png_is_png_or_none() -> None:
    """Two or more points give PNG bytes; fewer give None."""
    png = trend_png(TREND)
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert trend_png([("2026-10", 40.0)]) is None
    assert trend_png([]) is None


def test_font_path_points_at_dejavu() -> None:
    """Both faces of DejaVu Sans are found inside matplotlib."""
    assert font_path().name == "DejaVuSans.ttf" and font_path().is_file()
    assert font_path(bold=True).name == "DejaVuSans-Bold.ttf"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_plans_zip_names_members_and_reports_progress(fmt: str) -> None:
    """Three plans give three files named by the stem function (with the non-HR calendars) plus a README."""
    calls: list[tuple[int, int]] = []
    data = plans_zip(
        [coaching_plan(), top_plan(), hr_brief()],
        fmt,  # type: ignore[arg-type]
        file_stem=lambda rep_id, name: f"{rep_id}_{name.split()[0]}",
        markdown=lambda plan: f"# {plan.name}\n",
        progress=lambda done, total: calls.append((done, total)),
        audience="manager",
    )
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode("utf-8")
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
        first = archive.read(names[0])
    assert names == [
        f"ae-042_Đorđe.{fmt}",
        f"am-003_Zoë.{fmt}",
        "am-003_Zoë.ics",
        f"sdr-007_Łukasz.{fmt}",
        "sdr-007_Łukasz.ics",
        "README.txt",
    ]
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert "3 documents" in readme and "CONFIDENTIAL" in readme and f"ae-042_Đorđe.{fmt}" in readme
    if fmt == "md":
        assert first == "# Đorđe Petrović\n".encode()


def test_fifty_pdfs_render_quickly() -> None:
    """Fifty PDFs with charts render in well under 30 seconds."""
    plans = [coaching_plan(rep_id=f"sdr-{i:03d}") if i % 3 else hr_brief() for i in range(50)]
    start = time.perf_counter()
    data = plans_zip(plans, "pdf", file_stem=lambda rep_id, _name: rep_id, markdown=lambda _p: "", audience="manager")
    assert time.perf_counter() - start < 30
    # hr briefs share one rep_id: stems get -2, -3; each coaching plan has its calendar
    assert len(zipfile.ZipFile(BytesIO(data)).namelist()) == 51 + sum(1 for i in range(50) if i % 3)


def hostile_plan() -> Plan:
    """A coaching plan whose name, team, coach, notes and check-in carry BEL, ESC colour codes, VT and C1."""
    return coaching_plan(
        name="\x1b[31mŁukasz\x07 Wróbel\x1b[0m",
        team="Team\x0bNord",
        coach="Lea\x9b2J Wolf (AE)",
        notes="First line\nsecond\tline\x07",
        checkins=(CheckIn(date(2026, 11, 2), "Reviewed\x1b]0;owned\x07 three leads.", "Next\x00 step", "Lea"),),
    )


UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_docx_with_control_characters_is_written_without_them() -> None:
    """A plan with control characters in names and notes still gives a Word file, with the characters dropped."""
    doc = Document(BytesIO(to_docx(hostile_plan(), "manager")))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Łukasz Wróbel" in cells and "Team Nord" in cells and "Reviewed three leads." in cells
    assert "First line\nsecond\tline" in body  # line breaks and TABs in free text are kept
    assert doc.core_properties.title == "Manager's notes — confidential: Łukasz Wróbel"
    assert not UNSAFE.search(body + cells)


def test_pdf_with_control_characters_has_no_missing_glyphs(caplog: pytest.LogCaptureFixture) -> None:
    """The PDF of a plan with control characters holds the clean text and asks the font for no missing glyph."""
    data = to_pdf(hostile_plan(), "manager")
    text = pdf_text(data)
    assert "Łukasz Wróbel" in text and "Reviewed three leads." in text and "Lea Wolf (AE)" in text
    assert not UNSAFE.search(text)
    assert "missing the following glyphs" not in caplog.text
    assert pypdf.PdfReader(BytesIO(data)).metadata.title == "Manager's notes — confidential: Łukasz Wróbel"


def test_plans_zip_cleans_names_for_markdown_and_readme() -> None:
    """Markdown members and the README get the cleaned name, whatever the caller's renderer does."""
    brief = replace(hr_brief(), name="\x1b[1mŁukasz\x07")
    data = plans_zip(
        [brief], "md", file_stem=lambda rep_id, name: name, markdown=lambda plan: f"# {plan.name}\n", audience="manager"
    )
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert archive.namelist() == ["Łukasz.md", "README.txt"]
        assert archive.read("Łukasz.md").decode("utf-8") == "# Łukasz\n"
        assert not UNSAFE.search(archive.read("README.txt").decode("utf-8"))


def test_person_zip_leaves_hr_briefs_out_and_says_so() -> None:
    """The person's ZIP holds the person's plans only; the README counts the HR briefs left out."""
    data = plans_zip([coaching_plan(), top_plan(), hr_brief()], "md", file_stem=lambda rep_id, _n: rep_id)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert archive.namelist() == ["am-003.md", "am-003.ics", "sdr-007.md", "sdr-007.ics", "README.txt"]
        readme = archive.read("README.txt").decode("utf-8")
        person = archive.read("sdr-007.md").decode("utf-8")
    assert "Not included: 1 HR brief" in readme and "hand them over unchanged" in readme
    assert person.startswith("# Your coaching plan: Łukasz Wróbel") and "percentile" not in person.lower()


@pytest.mark.parametrize("audience", ["person", "manager"])
def test_zip_has_one_calendar_per_plan_and_none_for_hr_briefs(audience: str) -> None:
    """Both audiences: an .ics next to each plan that is not an HR brief, the plan's own; the README says so."""
    plans = [coaching_plan(), top_plan(), hr_brief()]
    data = plans_zip(plans, "md", file_stem=lambda rep_id, _n: rep_id, audience=audience)  # type: ignore[arg-type]
    with zipfile.ZipFile(BytesIO(data)) as archive:
        calendars = {n: archive.read(n) for n in archive.namelist() if n.endswith(".ics")}
        readme = archive.read("README.txt").decode("utf-8")
    assert calendars == {f"{p.rep_id}.ics": plan_calendar(p) for p in plans if p.kind != "hr_brief"}
    assert "2 calendar files (.ics)" in readme
    bare = plans_zip(plans, "md", file_stem=lambda rep_id, _n: rep_id, calendars=None)
    assert not any(n.endswith(".ics") for n in zipfile.ZipFile(BytesIO(bare)).namelist())


def test_manager_notes_pdf_is_confidential_and_holds_the_tier() -> None:
    """The manager's notes say confidential in the title and footer, and hold the tier and percentile."""
    text = pdf_text(to_pdf(coaching_plan(), "manager"))
    assert "Manager's notes — confidential" in text and "Confidential — manager's notes" in text
    assert "percentile 38" in text


def test_plans_with_line_breaks_keep_the_fast_cut_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """A multi-line check-in or goal must not push every document onto the slow full-font path (#17)."""
    from fpdf import FPDF

    def parse_full_font(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full font file was parsed for a text the cut font covers")

    monkeypatch.setattr(FPDF, "add_font", parse_full_font)
    plan = replace(coaching_plan(), notes="First line\nsecond line\twith a tab")
    for audience in ("person", "manager"):
        assert to_pdf(plan, audience).startswith(b"%PDF")


WRAPPED = [
    "",
    "One short line.",
    "Options to discuss: larger or strategic deals, a team-lead track, or owning a practice area such as the "
    "qualification criteria or onboarding. " * 3,
    "First line\nsecond line\n\nafter a blank line",
    "Łukasz Wróbel — Đorđe Petrović, Σωκράτης, Дмитрий: names in every script the cut font holds.",
    "A word longer than a line: " + "Donaudampfschifffahrtsgesellschaftskapitän" * 4 + " and after it.",
    "Two  spaces,   three spaces, and a trailing space ",
]


@pytest.mark.parametrize("text", WRAPPED)
@pytest.mark.parametrize(("style", "size", "indent"), [("", 9.5, 0.0), ("B", 12.5, 0.0), ("", 9.5, 6.0)])
def test_wrapped_lines_break_where_fpdf2_multi_cell_breaks(text: str, style: str, size: float, indent: float) -> None:
    """The PDF writes its own lines (fpdf2's multi_cell is quadratic in a line's length, #17): same breaks as it."""
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue

    from core.plans.render import FONT_FAMILY, MARGIN_MM, _add_fonts, wrap_lines

    pdf = FPDF(unit="mm", format="A4")
    _add_fonts(pdf, text)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, style, size)
    pdf.set_x(pdf.l_margin + indent)
    width = pdf.w - pdf.r_margin - pdf.get_x()
    expected = pdf.multi_cell(0, 5, text, dry_run=True, output=MethodReturnValue.LINES)
    wrapped = wrap_lines(pdf, text, width - 2 * pdf.c_margin)
    # a trailing space is invisible
    assert [line.rstrip(" ") for line in wrapped] == [line.rstrip(" ") for line in expected]


def test_a_long_text_writes_every_word_once_across_pages() -> None:
    """Wrapped text keeps every word in order, and page breaks fall between lines with the footer intact."""
    notes = " ".join(f"word{i}" for i in range(3000))
    data = to_pdf(replace(coaching_plan(), notes=notes), "manager")
    text = pdf_text(data)
    words = re.findall(r"word\d+", text)
    assert words == [f"word{i}" for i in range(3000)]
    pages = len(pypdf.PdfReader(BytesIO(data)).pages)
    assert pages > 2 and f"Page {pages} of {pages}" in text


def test_chart_layout_has_one_point_per_month_inside_the_axes() -> None:
    """The PDF's vector chart: one point per month, oldest left, higher percentile higher up (#17)."""
    from core.plans.render import chart_layout

    trend = [("2025-11", 16.0), ("2025-12", 99.0), ("2026-01", 45.0), ("2026-03", 72.0), ("2026-04", 120.0)]
    layout = chart_layout(trend, 18, 100)  # a month without a score (Feb) is simply not in the trend
    xs = [x for x, _y in layout.points]
    assert len(layout.points) == len(trend) and xs == sorted(xs) and len(set(xs)) == len(xs)
    assert all(layout.left < x < layout.right and layout.top <= y <= layout.bottom for x, y in layout.points)
    assert layout.points[1][1] < layout.points[2][1] < layout.points[0][1]  # 99 above 45 above 16
    assert layout.points[4][1] == layout.top  # clamped to 100
    assert [label for _y, label in layout.y_ticks] == ["0", "50", "100"]
    assert [label for _x, label in layout.x_ticks] == ["Nov 25", "Dec 25", "Jan 26", "Mar 26", "Apr 26"]


@pytest.mark.parametrize(
    "trend",
    [
        [("2026-10", 40.0)],
        [("2026-09", 50.0), ("2026-10", 50.0), ("2026-11", 50.0)],
        [(f"{2025 + m // 12}-{m % 12 + 1:02d}", float(m * 4)) for m in range(24)],
    ],
    ids=["one month", "all equal", "two years"],
)
def test_chart_layout_handles_one_month_equal_values_and_long_trends(trend: list[tuple[str, float]]) -> None:
    from core.plans.render import chart_layout

    layout = chart_layout(trend, 18, 100)
    assert len(layout.points) == len(trend)
    assert all(layout.left < x < layout.right for x, _y in layout.points)
    assert len({y for _x, y in layout.points}) == len({v for _m, v in trend})
    assert 1 <= len(layout.x_ticks) <= 8


def test_pdf_chart_is_drawn_not_a_picture_and_needs_no_matplotlib_figure() -> None:
    """The manager's PDF draws its trend itself: no image in the file, matplotlib's figures never loaded."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "from tests.plans.test_render import coaching_plan\n"
        "from core.plans.render import to_pdf\n"
        "data = to_pdf(coaching_plan(), 'manager')\n"
        "assert b'/Subtype /Image' not in data, 'an image in the PDF'\n"
        "assert 'matplotlib.figure' not in sys.modules, 'matplotlib figures loaded'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Percentile within the role, month by month" in pdf_text(to_pdf(coaching_plan(), "manager"))


def test_pdf_embeds_the_cut_made_once_per_glyph_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each font is cut once per glyph set and fpdf2 embeds that cut as it is (#17); fails if fpdf2 or fontTools
    change how a document's font is cut and saved, which the ready cut stands in for."""
    from core.plans import render

    made: list[bytes] = []
    program = render._program

    def recording(bold: bool, latin: bool, glyphs: frozenset[str]) -> render._Program:
        cut = program(bold, latin, glyphs)
        made.append(cut.data)
        return cut

    monkeypatch.setattr(render, "_program", recording)
    program.cache_clear()
    plan = coaching_plan()  # Łukasz Wróbel: a letter outside the base glyphs, so a glyph set of its own
    first = to_pdf(plan)
    assert program.cache_info().misses == 2  # the regular and the bold font
    assert to_pdf(plan) == first
    assert program.cache_info().hits == 2
    embedded = {
        font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]["/FontFile2"].get_data()
        for page in pypdf.PdfReader(BytesIO(first)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert embedded == set(made) and len(embedded) == 2
    assert "Łukasz Wróbel" in pdf_text(first)


def test_cleaning_a_clean_plan_keeps_it_and_an_unclean_one_is_copied() -> None:
    """Cleaning leaves a plan with nothing to clean as it is (no rebuilt copy, #17) and cleans others in a copy."""
    from core.plans.render import safe_plan

    clean = coaching_plan()
    assert safe_plan(clean) is clean
    noisy = replace(clean, checkins=(*clean.checkins, CheckIn(date(2026, 10, 9), "ok\x07", "Next\x1b[31m", "Lea")))
    cleaned = safe_plan(noisy, tab="  ")
    assert cleaned.checkins[-1].note == "ok" and "\x1b" not in cleaned.checkins[-1].next_step
    assert cleaned.focus is noisy.focus and cleaned.focus  # untouched parts are shared, not copied
    assert noisy.checkins[-1].note == "ok\x07"
