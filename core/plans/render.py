"""Turning a :class:`~core.plans.model.Plan` into documents: PDF (fpdf2), Word (python-docx) and a ZIP of many.

Both renderers walk the same list of blocks built by :func:`plan_blocks`, so a PDF and a Word file of
one plan hold the same sections in the same order. Text is real text in DejaVu Sans, the Unicode font
that ships inside matplotlib's package data, so names such as "Łukasz Wróbel" or "Đorđe Petrović"
print and can be searched and copied.

Speed matters because a manager may export a whole sales floor at once (1,000 plans in 30 seconds, #17).
fpdf2 parses a TrueType file on every ``add_font`` and subsets it again on every ``output``; with the
full DejaVu file (6,000 glyphs, OpenType layout tables fpdf2 does not use) that alone costs ~60 ms a
document. So the font is cut once per process to the scripts a European sales team writes in — a Latin
cut first, then one with Greek and Cyrillic too — and each document reuses the parsed metrics. A plan
that needs a character outside both cuts falls back to the full font, slower but complete. The cut of
a font a PDF embeds is made here once per set of glyphs and handed to fpdf2 ready-made
(:func:`_output`). Text is wrapped here (:func:`wrap_lines`), not by fpdf2's ``multi_cell``, whose line
breaker is quadratic in a line's length. The PDF draws its trend chart with its own lines and text
(:func:`chart_layout`); the Word file's chart is a PNG drawn on one reused matplotlib figure per thread.

Every renderer cleans the plan's text first (:func:`safe_plan`): Word's XML cannot hold control
characters (python-docx refuses the whole document), and the PDF font has no glyph for them.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, Literal

import matplotlib
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from fontTools import subset as ft_subset  # type: ignore[import-untyped]
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace, SubsetMap, TTFFont

from core.i18n import N_, _, ngettext, speaking
from core.plans.calendar import plan_calendar
from core.plans.document import (
    Block,
    Box,
    Bullets,
    CheckInLog,
    Facts,
    FillIn,
    Heading,
    Text,
    TrendChart,
    block_text,
    log_columns,
    plan_blocks,
    title,
)
from core.plans.document import to_markdown as _to_markdown
from core.plans.model import Audience, Plan, map_plan_text
from core.plans.words import day, month_tick
from core.text import safe_text

if TYPE_CHECKING:  # the Word file's chart only: a PDF draws its chart itself and never loads matplotlib's figures
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

__all__ = [
    "ChartLayout",
    "chart_layout",
    "font_path",
    "plan_blocks",
    "plans_zip",
    "safe_plan",
    "to_docx",
    "to_pdf",
    "trend_png",
    "wrap_lines",
]

HR_FOOTER = N_("Confidential — decision support, a person decides")
NOTES_FOOTER = N_("Confidential — manager's notes, not for the person's copy")
EDITED = N_("(edited)")
CHART_CAPTION = N_("Percentile within the role, month by month")
FONT_FAMILY = "DejaVu"
# Code points kept in the per-process cut of DejaVu Sans; anything else makes a plan use the full file.
_KEPT_RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B (ł, đ, ő, ș, ț …)
    (0x02C6, 0x02DD),  # spacing accents
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x045F),  # Cyrillic (basic)
    (0x2010, 0x2044),  # dashes, quotes, bullet, ellipsis, per mille
    (0x20AC, 0x20AC),  # euro sign
    (0x2116, 0x2122),  # numero, trade mark
    (0x2190, 0x2199),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2265),  # ≈ ≠ ≤ ≥
    (0x25A0, 0x25CF),  # squares, triangles, circles
    (0x2713, 0x2717),  # check marks
)
# A smaller cut first: the Latin a Western European team writes in, without Greek, Cyrillic and most of
# Latin Extended-B. fpdf2 parses and subsets a document's font again on every output, and that costs in
# proportion to the glyphs in the file: ~500 glyphs instead of ~1,000 halve it (#17).
_LATIN_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A (ł, đ, ő, š …)
    (0x0218, 0x021B),  # ș ț (Romanian, comma below)
    *((low, high) for low, high in _KEPT_RANGES if low >= 0x2010),  # punctuation, currency, arrows, symbols
)

# Colours (RGB) shared by both renderers.
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (43, 108, 176)
BOX_FILL = (255, 248, 225)
BOX_LINE = (204, 153, 0)
RULE = (206, 212, 218)


# ---------------------------------------------------------------------------------------------------
# Safe text


def safe_plan(plan: Plan, *, tab: str = "\t") -> Plan:
    """Return ``plan`` with every text (focus areas and check-ins included) free of control characters.

    Args:
        plan: Any plan; names and notes may come straight from an uploaded file or a form.
        tab: What a TAB becomes (the PDF font has no TAB glyph, so the PDF renderer passes spaces).

    Returns:
        A copy; line breaks in free text are kept.
    """
    return map_plan_text(plan, lambda text: safe_text(text).replace("\t", tab))


# ---------------------------------------------------------------------------------------------------
# Fonts


def font_path(bold: bool = False) -> Path:
    """Return the DejaVu Sans TrueType file that ships inside matplotlib's package data.

    Args:
        bold: the bold face instead of the regular one.

    Raises:
        RuntimeError: the file is missing (a broken or stripped matplotlib installation).
    """
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if not path.is_file():
        raise RuntimeError(
            _(
                "The font {name} was not found at {path}; coaching-plan PDFs need it. "
                "Reinstall matplotlib (it ships DejaVu Sans) and try again."
            ).format(name=name, path=path)
        )
    return path


def _kept_codepoints(latin: bool = False) -> list[int]:
    return [cp for low, high in (_LATIN_RANGES if latin else _KEPT_RANGES) for cp in range(low, high + 1)]


@functools.cache
def _cut_font(bold: bool, latin: bool = False) -> bytes:
    """DejaVu Sans reduced to the kept code points (``latin``: the smaller cut), without the tables fpdf2 ignores."""
    font = ttLib.TTFont(font_path(bold), recalcTimestamp=False)
    options = ft_subset.Options()
    options.glyph_names = True  # fpdf2 subsets by glyph name; without names fontTools rebuilds them slowly
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.layout_features = []
    options.hinting = False  # PDF viewers rasterise outlines themselves; instructions only cost time
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "FFTM", "kern", "hdmx"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=_kept_codepoints(latin))
    subsetter.subset(font)
    # One character map is enough (Windows Unicode BMP, the one fpdf2 reads); fewer to parse per document.
    font["cmap"].tables = [table for table in font["cmap"].tables if (table.platformID, table.platEncID) == (3, 1)]
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _font_template(bold: bool, latin: bool = False) -> TTFFont:
    """The parsed cut font (widths, cmap, descriptor), shared read-only by every document."""
    style = "B" if bold else ""
    # TTFFont hands its path straight to fontTools, which reads a file object just as well.
    source: Path = BytesIO(_cut_font(bold, latin))  # type: ignore[assignment]
    return TTFFont(FPDF(), source, f"{FONT_FAMILY.lower()}{style}", style)


_LAYOUT_CHARACTERS: Final = frozenset("\n\r\t")


@functools.cache
def _cut_charset(latin: bool = False) -> frozenset[str]:
    return frozenset(chr(cp) for cp in _font_template(False, latin).cmap)


def _add_cut_fonts(pdf: FPDF, latin: bool = False) -> None:
    """Register the cut fonts on ``pdf`` from the cached templates (no TTF parsing per document).

    Each document gets its own fontTools object, because fpdf2 subsets it in place on output, and its
    own glyph map; the width tables and the font descriptor are shared.
    """
    for bold in (False, True):
        template = _font_template(bold, latin)
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        data = _cut_font(bold, latin)
        font.ttfont = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[font.fontkey] = font


def _add_fonts(pdf: FPDF, text: str) -> bool | None:
    """Give ``pdf`` the DejaVu family: the smallest cut that covers ``text``, else the full files.

    Returns:
        Which cut the document uses (``True`` the Latin one, ``False`` the wider one), ``None`` for the full files.
    """
    needed = set(text) - _LAYOUT_CHARACTERS  # line breaks are layout, not glyphs
    for latin in (True, False):
        if needed <= _cut_charset(latin):
            try:
                _add_cut_fonts(pdf, latin)
                return latin
            except (AttributeError, TypeError):  # fpdf2 internals changed: the public path still works
                pdf.fonts.pop(FONT_FAMILY.lower(), None)
                pdf.fonts.pop(f"{FONT_FAMILY.lower()}B", None)
                break
    pdf.add_font(FONT_FAMILY, "", font_path(False))
    pdf.add_font(FONT_FAMILY, "B", font_path(True))
    return None


# ---------------------------------------------------------------------------------------------------
# Font programs
#
# A PDF embeds each font cut down to the glyphs the document uses. fpdf2 makes that cut with fontTools on every
# output, ~9 ms a font and two fonts a document: about half of a plan's PDF (#17). Here the cut is made once
# per set of glyphs and handed to fpdf2 ready-made (:class:`_KnownProgram`). Names make nearly every plan's
# glyphs a little different, so every cut also holds the glyphs most plans use anyway (:data:`_BASE_CODEPOINTS`):
# then a team's plans share a few dozen cuts instead of one each (943 bench PDFs: 80 cuts instead of 1,886),
# for ~9 KB more font a document (a plan's PDF ~18 → ~26 KB). A document's bytes depend on its own glyphs only,
# never on the plans rendered before it.

# ASCII, the Latin-1 letters (ä, é, ñ, ø, ß …) and the punctuation plans write; a name's rarer letters (ł, ő, š …)
# add to them.
_BASE_CODEPOINTS: Final = (
    *range(0x20, 0x7F),
    *(cp for cp in range(0xC0, 0x100) if cp not in (0xD7, 0xF7)),
    *(0xB7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x20AC, 0x2192),
)


@dataclass(frozen=True)
class _Program:
    """A cut of a font: the bytes a PDF embeds, and each glyph's id in them (by the glyph's name)."""

    data: bytes
    glyph_ids: dict[str, int]


@functools.cache
def _base_glyphs(bold: bool, latin: bool) -> frozenset[str]:
    cmap = _font_template(bold, latin).cmap
    return frozenset(cmap[cp] for cp in _BASE_CODEPOINTS if cp in cmap)


@functools.lru_cache(maxsize=256)  # ~13 KB each
def _program(bold: bool, latin: bool, glyphs: frozenset[str]) -> _Program:
    """The cut font (:func:`_cut_font`) reduced to ``glyphs`` (names), with .notdef and the other first glyphs."""
    font = ttLib.TTFont(BytesIO(_cut_font(bold, latin)), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    options = ft_subset.Options()
    options.notdef_outline = True
    options.recommended_glyphs = True
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyphs))
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return _Program(out.getvalue(), {name: gid for gid, name in enumerate(font.getGlyphOrder())})


class _KnownProgram(ttLib.TTFont):  # type: ignore[misc]
    """Stands in for a document's font at output: an empty font that knows a ready cut's glyphs and bytes.

    fpdf2 runs fontTools' subsetter on the document's font, asks it for glyph ids and saves it. Here the
    subsetter finds no table to cut (only the glyph order, which holds every glyph asked for), the ids are the
    cut's and saving writes the cut. ``test_pdf_embeds_the_cut_made_once_per_glyph_set`` fails if fpdf2 or
    fontTools stop working this way.
    """

    def __init__(self, program: _Program) -> None:
        super().__init__()
        self.setGlyphOrder(list(program.glyph_ids))
        self.program = program

    def getGlyphID(self, glyphName: str) -> int:
        return self.program.glyph_ids[glyphName]

    def save(self, file: BinaryIO, reorderTables: bool | None = True) -> None:
        file.write(self.program.data)


def _output(pdf: FPDF, latin: bool | None) -> bytes:
    """``pdf.output()``, each cut font embedded from :func:`_program` (made once per glyph set, not by fpdf2)."""
    if latin is not None:  # the full font files (rare) are left to fpdf2
        for bold in (False, True):
            font = pdf.fonts[f"{FONT_FAMILY.lower()}{'B' if bold else ''}"]
            if isinstance(font, TTFFont):
                glyphs = frozenset(font.subset.get_all_glyph_names()) | _base_glyphs(bold, latin)
                font.ttfont = _KnownProgram(_program(bold, latin, glyphs))
    return bytes(pdf.output())


# ---------------------------------------------------------------------------------------------------
# Trend chart


class _Chart(threading.local):
    """One matplotlib figure per thread, redrawn for each plan (creating axes costs more than drawing)."""

    def __init__(self) -> None:
        self.figure: Figure | None = None
        self.axes: Axes | None = None
        self.line: Line2D | None = None


_chart = _Chart()


def _chart_parts(width_in: float, height_in: float) -> tuple[Figure, Axes, Line2D]:
    fig, ax, line = _chart.figure, _chart.axes, _chart.line
    if fig is None or ax is None or line is None or tuple(fig.get_size_inches()) != (width_in, height_in):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width_in, height_in), dpi=110)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.08, 0.2, 0.89, 0.74))
        (line,) = ax.plot([], [], marker="o", markersize=3, linewidth=1.5, color="#2b6cb0")
        ax.axhline(50, color="#adb5bd", linewidth=0.6, linestyle="--")
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 50, 100])
        ax.tick_params(labelsize=6, length=2, pad=1.5, colors="#495057")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color("#adb5bd")
        ax.grid(axis="y", color="#e9ecef", linewidth=0.5)
        _chart.figure, _chart.axes, _chart.line = fig, ax, line
    return fig, ax, line


def trend_png(trend: Sequence[tuple[str, float]], *, width_in: float = 3.2, height_in: float = 1.2) -> bytes | None:
    """Draw the percentile trend as a compact line chart.

    Args:
        trend: ``(YYYY-MM, percentile 0–100)`` pairs, oldest first.
        width_in: chart width in inches.
        height_in: chart height in inches.

    Returns:
        PNG bytes, or ``None`` when there are fewer than two points (no trend to show).
    """
    if len(trend) < 2:
        return None
    fig, ax, line = _chart_parts(width_in, height_in)
    xs = list(range(len(trend)))
    line.set_data(xs, [min(100.0, max(0.0, float(v))) for _, v in trend])
    ax.set_xlim(-0.35, len(trend) - 0.65)
    step = max(1, -(-len(trend) // 8))  # at most ~8 month labels
    ticks = xs[::step]
    ax.set_xticks(ticks, [month_tick(trend[i][0]) for i in ticks])
    out = BytesIO()
    fig.savefig(out, format="png", dpi=110)
    return out.getvalue()


def _all_text(plan: Plan, blocks: Sequence[Block], audience: Audience) -> str:
    fixed = [title(plan, audience), _(HR_FOOTER), _(NOTES_FOOTER), _(EDITED), _(CHART_CAPTION), _("No check-ins yet.")]
    fixed += [_("Page {page} of {pages}").format(page="0123456789", pages=""), *log_columns()]
    return "•·_" + "".join(fixed) + block_text(blocks)


# ---------------------------------------------------------------------------------------------------
# Text lines
#
# fpdf2's ``multi_cell`` re-measures the whole line for every character it adds (its line breaker sums
# the fragment's widths again each time), so a line of n characters costs n²/2 width look-ups; that was
# ~60 % of a plan's PDF. Plain left-aligned text in one font needs none of its generality: the lines are
# broken here from the font's width table, one look-up per character, and each is written with ``cell``.


def _text_width(pdf: FPDF, text: str) -> float:
    """``text``'s width in the current font and size, in document units (no char spacing or stretching)."""
    font = pdf.current_font
    if not isinstance(font, TTFFont):  # the plans only use DejaVu; fpdf2 measures anything else
        return pdf.get_string_width(text)
    widths = font.cw
    return sum(widths[ord(c)] for c in text) * pdf.font_size_pt * 0.001 / pdf.k


def wrap_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` in ``pdf``'s current font, as ``multi_cell`` would.

    Line breaks in ``text`` are kept; lines break at spaces (the space at a break is dropped), and a word
    wider than a whole line is cut between characters.

    Args:
        pdf: The document; its current font and size measure the text.
        text: Any text.
        width: The room for text on a line, in document units.

    Returns:
        At least one line (an empty text is one empty line).
    """
    space = _text_width(pdf, " ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            size = _text_width(pdf, word)
            if line and used + space + size <= width:
                line.append(word)
                used += space + size
                continue
            if line:
                lines.append(" ".join(line))
            while size > width and len(word) > 1:  # a word longer than a line: cut it between characters
                cut, room = 1, width
                for index, character in enumerate(word):
                    room -= _text_width(pdf, character)
                    if room < 0:
                        cut = max(1, index)
                        break
                lines.append(word[:cut])
                word = word[cut:]
                size = _text_width(pdf, word)
            line, used = [word], size
        lines.append(" ".join(line))
    return lines


def _lines(pdf: FPDF, height: float, text: str) -> None:
    """Write ``text`` from the current x to the right margin, wrapped, each line ``height`` high.

    The drop-in for ``multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")``:
    every line starts at the same x, a page break falls between lines, and the cursor ends at the left
    margin below the text. Each line is placed with ``text()`` where ``cell()`` would put it (after the
    cell's margin, on its baseline): a cell costs ~2.5 times as much (fragments, widths, graphics state)
    for nothing a plain line needs, and plans write ~70 lines each (#17).
    """
    x = pdf.get_x()
    width = pdf.w - pdf.r_margin - x
    for line in wrap_lines(pdf, text, width - 2 * pdf.c_margin):
        if pdf.will_page_break(height):
            pdf.add_page(same=True)
        if line:
            pdf.text(x + pdf.c_margin, pdf.y + 0.5 * height + 0.3 * pdf.font_size, line)
        pdf.set_y(pdf.y + height)


# ---------------------------------------------------------------------------------------------------
# PDF

MARGIN_MM = 18.0
LINE_MM = 5.0


class _PlanPDF(FPDF):
    """A4 document with a footer: page numbers, and the confidentiality line for HR briefs."""

    def __init__(self, footer_note: str, page_label: str = "Page {page} of {pages}") -> None:  # i18n: data
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_note = footer_note
        self.page_label = page_label  # "Page {page} of {pages}" in the document's language

    def footer(self) -> None:
        """Draw the footer on every page."""
        self.set_y(-12)
        self.set_font(FONT_FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        width = self.w - self.l_margin - self.r_margin
        page = self.page_label.format(page=self.page_no(), pages="{nb}")
        if self.footer_note:
            self.cell(width * 0.75, 5, self.footer_note, align="L")
            self.cell(width * 0.25, 5, page, align="R")
        else:
            self.cell(width, 5, page, align="R")


def _pdf_heading(pdf: FPDF, block: Heading) -> None:
    size = 12.5 if block.level == 1 else 10.5
    needed = 24 if block.level == 1 else 16  # keep a heading with what follows it
    if pdf.will_page_break(needed):
        pdf.add_page()
    pdf.ln(3.5 if block.level == 1 else 1.5)
    pdf.set_font(FONT_FAMILY, "B", size)
    pdf.set_text_color(*(ACCENT if block.level == 1 else INK))
    height = size * 0.5
    available = pdf.w - pdf.l_margin - pdf.r_margin
    if block.edited and pdf.get_string_width(block.text) < available - 20:
        pdf.cell(pdf.get_string_width(block.text) + 1, height, block.text)
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, height, _(EDITED), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    else:
        text = f"{block.text} {_(EDITED)}" if block.edited else block.text
        _lines(pdf, height, text)
    pdf.ln(0.5)
    if block.level == 1:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)


def _pdf_text(pdf: FPDF, block: Text) -> None:
    if block.style == "muted":
        pdf.set_font(FONT_FAMILY, "", 8.5)
        pdf.set_text_color(*MUTED)
    else:
        pdf.set_font(FONT_FAMILY, "B" if block.style == "strong" else "", 9.5)
        pdf.set_text_color(*INK)
    _lines(pdf, LINE_MM if block.style != "muted" else 4.4, block.text)
    pdf.ln(0.6)


def _pdf_bullets(pdf: FPDF, block: Bullets) -> None:
    pdf.set_font(FONT_FAMILY, "", 9.5)
    pdf.set_text_color(*INK)
    for item in block.items:
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(4, LINE_MM, "•")
        _lines(pdf, LINE_MM, item)
    pdf.ln(0.6)


def _pdf_facts(pdf: FPDF, block: Facts) -> None:
    label_w = 28.0
    for label, value in block.pairs:
        pdf.set_font(FONT_FAMILY, "", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_w, LINE_MM, label)
        pdf.set_font(FONT_FAMILY, "B" if label == _("Name") else "", 9.5)
        pdf.set_text_color(*INK)
        _lines(pdf, LINE_MM, value or "—")


CHART_W_MM = 3.2 * 25.4  # the size the Word file's chart has, so both read alike
CHART_H_MM = 1.2 * 25.4
_CHART_LINE = (43, 108, 176)  # the trend (#2b6cb0)
_CHART_AXIS = (173, 181, 189)  # axes and the 50 line (#adb5bd)
_CHART_GRID = (233, 236, 239)  # grid lines (#e9ecef)
_CHART_LABEL = (73, 80, 87)  # tick labels (#495057)
_PT = 25.4 / 72  # one point in millimetres


@dataclass(frozen=True)
class ChartLayout:
    """Where the trend chart's parts go on the page, in millimetres (y grows downwards, as on a PDF page).

    Attributes:
        left, top, right, bottom: The plot area (the axes' box).
        points: One (x, y) per month of the trend, oldest first; y is the percentile clamped to 0–100.
        y_ticks: (y, label) for 0, 50 and 100.
        x_ticks: (x, label) for at most about eight months.
    """

    left: float
    top: float
    right: float
    bottom: float
    points: tuple[tuple[float, float], ...]
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]


def chart_layout(
    trend: Sequence[tuple[str, float]], x: float, y: float, width: float = CHART_W_MM, height: float = CHART_H_MM
) -> ChartLayout:
    """Lay out the percentile trend as the Word file's matplotlib chart does, for a PDF to draw as vectors.

    One point per month given, evenly spaced in the given order (as the Word chart; months without a score
    are not in the trend), the y axis 0–100 with ticks at 0, 50 and 100, and at most about eight month labels.

    Args:
        trend: ``(YYYY-MM, percentile 0–100)`` pairs, oldest first (one is enough for a point).
        x, y: The chart's top-left corner on the page, in mm.
        width, height: The chart's size, in mm.
    """
    left, right = x + 0.08 * width, x + 0.97 * width  # the Word chart's axes: (0.08, 0.2, 0.89, 0.74)
    top, bottom = y + 0.06 * height, y + 0.80 * height
    count = len(trend)
    low, high = -0.35, max(count - 0.65, 0.35)  # a little room either side of the first and last month

    def at(index: int) -> float:
        return left + (index - low) / (high - low) * (right - left)

    def level(percentile: float) -> float:
        clamped = min(100.0, max(0.0, percentile)) if math.isfinite(percentile) else 0.0
        return bottom - clamped / 100 * (bottom - top)

    step = max(1, -(-count // 8))
    return ChartLayout(
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=tuple((at(i), level(float(v))) for i, (_month, v) in enumerate(trend)),
        y_ticks=tuple((level(t), str(t)) for t in (0, 50, 100)),
        x_ticks=tuple((at(i), month_tick(trend[i][0])) for i in range(0, count, step)),
    )


def _draw_chart(pdf: FPDF, layout: ChartLayout) -> None:
    """Draw the trend chart with the PDF's own lines, circles and text (no picture to render or embed)."""
    grid_pt, line_pt = 0.5 * _PT, 1.5 * _PT
    pdf.set_line_width(grid_pt)
    pdf.set_draw_color(*_CHART_GRID)
    for level, _label in layout.y_ticks:
        pdf.line(layout.left, level, layout.right, level)
    middle = layout.y_ticks[1][0]
    pdf.set_draw_color(*_CHART_AXIS)
    pdf.set_line_width(0.6 * _PT)
    pdf.set_dash_pattern(dash=3.7 * 0.6 * _PT, gap=1.6 * 0.6 * _PT)  # matplotlib's "--" at this width
    pdf.line(layout.left, middle, layout.right, middle)
    pdf.set_dash_pattern()
    pdf.set_line_width(0.8 * _PT)
    pdf.line(layout.left, layout.top, layout.left, layout.bottom)  # the left and bottom spines
    pdf.line(layout.left, layout.bottom, layout.right, layout.bottom)
    tick = 2 * _PT
    pdf.set_font(FONT_FAMILY, "", 6)
    pdf.set_text_color(*_CHART_LABEL)
    ascent = 6 * _PT * 0.36  # half a digit's height: labels centred on their tick
    for level, label in layout.y_ticks:
        pdf.line(layout.left - tick, level, layout.left, level)
        pdf.text(layout.left - tick - 0.5 - pdf.get_string_width(label), level + ascent, label)
    for position, label in layout.x_ticks:
        pdf.line(position, layout.bottom, position, layout.bottom + tick)
        pdf.text(position - pdf.get_string_width(label) / 2, layout.bottom + tick + 0.5 + 6 * _PT * 0.75, label)
    pdf.set_draw_color(*_CHART_LINE)
    pdf.set_fill_color(*_CHART_LINE)
    pdf.set_line_width(line_pt)
    if len(layout.points) > 1:
        pdf.polyline(list(layout.points), style="D")
    for px, py in layout.points:
        pdf.circle(px, py, 2 * _PT, style="F")  # matplotlib's 3 pt marker and its 1 pt edge


def _pdf_chart(pdf: FPDF, block: TrendChart) -> None:
    if len(block.trend) < 2:  # one month is no trend (the Word file shows none either)
        return
    if pdf.will_page_break(CHART_H_MM + 6):
        pdf.add_page()
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 4, _(CHART_CAPTION), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    with pdf.local_context():
        _draw_chart(pdf, chart_layout(block.trend, pdf.l_margin, pdf.get_y()))
    pdf.set_y(pdf.get_y() + CHART_H_MM + 1.5)


def _pdf_box(pdf: FPDF, block: Box) -> None:
    pdf.set_font(FONT_FAMILY, "", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*BOX_FILL)
    pdf.set_draw_color(*BOX_LINE)
    pdf.set_line_width(0.4)
    pdf.multi_cell(
        0, LINE_MM, block.text, border=1, fill=True, padding=3, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    pdf.ln(1)


def _pdf_fill_in(pdf: FPDF, block: FillIn) -> None:
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    labels = (*block.labels, _("Date")) if block.signature else block.labels
    for label in labels:
        if pdf.will_page_break(13):
            pdf.add_page()
        pdf.set_font(FONT_FAMILY, "", 9.5)
        _lines(pdf, LINE_MM, label)
        y = pdf.get_y() + 6
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2.5)
    pdf.ln(0.6)


def _pdf_checkins(pdf: FPDF, block: CheckInLog) -> None:
    pdf.set_text_color(*INK)
    if not block.rows:
        pdf.set_font(FONT_FAMILY, "", 9.5)
        pdf.set_text_color(*MUTED)
        _lines(pdf, LINE_MM, _("No check-ins yet."))
        return
    pdf.set_font(FONT_FAMILY, "", 8.5)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    heading_style = FontFace(emphasis="BOLD", color=INK, fill_color=(241, 243, 245))
    with pdf.table(
        col_widths=(20, 24, 44, 50, 36),
        headings_style=heading_style,
        line_height=4.4,
        padding=1.2,
        text_align="LEFT",
        v_align="TOP",
        first_row_as_headings=True,
    ) as table:
        row = table.row()
        for heading in log_columns():
            row.cell(heading)
        for checkin, carried in block.lines():  # oldest first
            row = table.row()
            row.cell(day(checkin.when))
            row.cell(checkin.by or "—")
            row.cell("\n".join(carried) or "—")
            row.cell(checkin.note or "—")
            row.cell("\n".join(checkin.steps) or "—")


def _footer(plan: Plan, audience: Audience) -> str:
    if plan.kind == "hr_brief":
        return _(HR_FOOTER)
    return _(NOTES_FOOTER) if audience == "manager" else ""


def to_pdf(plan: Plan, audience: Audience = "person") -> bytes:
    """Render one document of ``plan`` as an A4 PDF with embedded DejaVu Sans (real, searchable text).

    Args:
        plan: the plan or HR brief to render; ``plan.kind`` picks the title and sections.
        audience: ``"person"`` for the person's own plan, ``"manager"`` for the manager's notes.

    Returns:
        The PDF file as bytes.
    """
    with speaking(plan.language):
        return _to_pdf(plan, audience)


def _to_pdf(plan: Plan, audience: Audience) -> bytes:
    plan = safe_plan(plan, tab="    ")
    blocks = plan_blocks(plan, audience)
    heading = title(plan, audience)
    pdf = _PlanPDF(_footer(plan, audience), _("Page {page} of {pages}"))
    cut = _add_fonts(pdf, _all_text(plan, blocks, audience))
    created = datetime(plan.generated_on.year, plan.generated_on.month, plan.generated_on.day, tzinfo=UTC)
    pdf.set_creation_date(created)  # same plan, same bytes
    pdf.set_title(f"{heading}: {plan.name}")
    pdf.set_author("Coachwise")
    pdf.set_creator("Coachwise")
    pdf.set_lang(plan.language)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.add_page()

    pdf.set_font(FONT_FAMILY, "B", 18)
    pdf.set_text_color(*INK)
    _lines(pdf, 9, heading)
    pdf.ln(1.5)
    for block in blocks:
        if isinstance(block, Heading):
            _pdf_heading(pdf, block)
        elif isinstance(block, Text):
            _pdf_text(pdf, block)
        elif isinstance(block, Bullets):
            _pdf_bullets(pdf, block)
        elif isinstance(block, Facts):
            _pdf_facts(pdf, block)
        elif isinstance(block, TrendChart):
            _pdf_chart(pdf, block)
        elif isinstance(block, Box):
            _pdf_box(pdf, block)
        elif isinstance(block, FillIn):
            _pdf_fill_in(pdf, block)
        else:
            _pdf_checkins(pdf, block)
    return _output(pdf, cut)


# ---------------------------------------------------------------------------------------------------
# Word


def _docx_rgb(colour: tuple[int, int, int]) -> RGBColor:
    return RGBColor(*colour)


def _docx_page_field(paragraph: Paragraph) -> None:
    """Append a PAGE field (Word fills in the page number)."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = "PAGE"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def to_docx(plan: Plan, audience: Audience = "person") -> bytes:
    """Render one document of ``plan`` as a Word file with the same sections, in the same order, as the PDF.

    Args:
        plan: the plan or HR brief to render.
        audience: ``"person"`` for the person's own plan, ``"manager"`` for the manager's notes.

    Returns:
        The .docx file as bytes.
    """
    with speaking(plan.language):
        return _to_docx(plan, audience)


def _to_docx(plan: Plan, audience: Audience) -> bytes:
    plan = safe_plan(plan)
    heading_text = title(plan, audience)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)
    doc.core_properties.title = f"{heading_text}: {plan.name}"
    doc.core_properties.author = "Coachwise"

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note = _footer(plan, audience)
    page = _("Page")
    footer_run = footer.add_run(f"{note} · {page} " if note else f"{page} ")
    footer_run.font.size = Pt(8)
    _docx_page_field(footer)

    doc.add_heading(heading_text, level=0)
    for block in plan_blocks(plan, audience):
        if isinstance(block, Heading):
            heading = doc.add_heading(block.text, level=block.level)
            if block.edited:
                marker = heading.add_run(f"  {_(EDITED)}")
                marker.font.size = Pt(8)
                marker.font.color.rgb = _docx_rgb(MUTED)
        elif isinstance(block, Text):
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(block.text)
            run.bold = block.style == "strong"
            if block.style == "muted":
                run.font.size = Pt(9)
                run.font.color.rgb = _docx_rgb(MUTED)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Facts):
            facts = doc.add_table(rows=0, cols=2)
            for label, value in block.pairs:
                cells = facts.add_row().cells
                cells[0].width, cells[1].width = Mm(35), Mm(139)
                label_run = cells[0].paragraphs[0].add_run(label)
                label_run.font.color.rgb = _docx_rgb(MUTED)
                value_run = cells[1].paragraphs[0].add_run(value or "—")
                value_run.bold = label == _("Name")
        elif isinstance(block, TrendChart):
            png = trend_png(block.trend)
            if png is not None:
                caption = doc.add_paragraph().add_run(_(CHART_CAPTION))
                caption.font.size = Pt(8)
                caption.font.color.rgb = _docx_rgb(MUTED)
                doc.add_picture(BytesIO(png), width=Inches(3.2))
        elif isinstance(block, Box):
            box = doc.add_table(rows=1, cols=1)
            box.style = "Table Grid"
            box.cell(0, 0).text = block.text
        elif isinstance(block, FillIn):
            for label in (*block.labels, _("Date")) if block.signature else block.labels:
                doc.add_paragraph(f"{label}: " + "_" * 40)
        elif not block.rows:
            doc.add_paragraph(_("No check-ins yet."))
        else:
            columns = log_columns()
            log = doc.add_table(rows=1, cols=len(columns))
            log.style = "Table Grid"
            for cell, column_title in zip(log.rows[0].cells, columns, strict=True):
                cell.paragraphs[0].add_run(column_title).bold = True
            for checkin, carried in block.lines():  # oldest first
                cells = log.add_row().cells
                cells[0].text = day(checkin.when)
                cells[1].text = checkin.by
                cells[2].text = "\n".join(carried)
                cells[3].text = checkin.note
                cells[4].text = "\n".join(checkin.steps)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# ZIP


def _readme(
    plans: Sequence[Plan], fmt: str, names: dict[str, str], audience: Audience, left_out: int, calendars: int
) -> str:
    """The ZIP's README.txt, in the language spoken now (the one exporting; each document is in its own)."""
    hr = [p for p in plans if p.kind == "hr_brief"]
    counts = {kind: sum(p.kind == kind for p in plans) for kind in ("coaching", "top", "watch", "hr_brief")}
    what = _("each person's own plan") if audience == "person" else _("the manager's notes (confidential)")
    lines = [
        _("Coachwise — coaching plans"),
        "",
        ngettext(
            "{count} document as .{fmt} files, one per person: {what}.",
            "{count} documents as .{fmt} files, one per person: {what}.",
            len(plans),
        ).format(count=len(plans), fmt=fmt, what=what),
        "  " + _("coaching plans: {count}").format(count=counts["coaching"]),
        "  " + _("development plans (top performers): {count}").format(count=counts["top"]),
        "  " + _("support plans (low now, not persistently): {count}").format(count=counts["watch"]),
        "  " + _("HR briefs: {count}").format(count=counts["hr_brief"]),
        "",
        _("Plans are decision support: options to discuss, reviewed by a person."),
    ]
    if audience == "person":
        lines += [_("The person's plans hold no tier, percentile or rank: hand them over unchanged.")]
        spoken = sorted({p.language for p in plans})
        if spoken != ["en"] and len(plans):
            lines += [_("Each plan is written in its person's language.")]
    if calendars:
        lines += [
            "",
            ngettext(
                "{count} calendar file (.ics), named like the document next to it: the plan's rhythm — the "
                "check-ins, the reviews and the 30/60/90-day dates — to import into any calendar. They hold names "
                "and dates, no figures.",
                "{count} calendar files (.ics), named like the document next to it: the plan's rhythm — the "
                "check-ins, the reviews and the 30/60/90-day dates — to import into any calendar. They hold names "
                "and dates, no figures.",
                calendars,
            ).format(count=calendars),
        ]
    if left_out:
        lines += [
            "",
            ngettext(
                "Not included: {count} HR brief — an HR brief is not a person's plan; export the manager's "
                "documents to get them.",
                "Not included: {count} HR briefs — an HR brief is not a person's plan; export the manager's "
                "documents to get them.",
                left_out,
            ).format(count=left_out),
        ]
    if hr:
        lines += [
            "",
            _("CONFIDENTIAL — HR briefs (share only with HR and the responsible manager; a person decides):"),
        ]
        lines += [f"  {names[p.rep_id]}" for p in hr]
    return "\n".join(lines) + "\n"


def plans_zip(
    plans: Sequence[Plan],
    fmt: Literal["pdf", "docx", "md"],
    *,
    file_stem: Callable[[str, str], str],
    markdown: Callable[[Plan], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    audience: Audience = "person",
    calendars: Callable[[Plan], bytes | None] | None = plan_calendar,
) -> bytes:
    """Pack one document per plan into a ZIP, ordered by ``rep_id``, with a README.txt.

    Args:
        plans: the plans to export.
        fmt: the document format of every member.
        file_stem: ``(rep_id, name) -> stem``; members are named ``f"{stem}.{fmt}"``.
        markdown: renders a plan as Markdown (used when ``fmt == "md"``; default: the audience's Markdown).
        progress: called as ``progress(done, total)`` after each plan.
        audience: ``"person"`` — each person's own plan, HR briefs left out (the README counts them);
            ``"manager"`` — the manager's notes, and the HR briefs.
        calendars: ``plan -> .ics bytes or None``; each plan's cadence is added as ``f"{stem}.ics"`` next
            to its document (default :func:`core.plans.calendar.plan_calendar`: none for an HR brief);
            ``None`` leaves calendars out.

    Returns:
        The ZIP file as bytes (deflated; same plans, same bytes).
    """
    cleaned = sorted((safe_plan(p) for p in plans), key=lambda p: p.rep_id)
    ordered = [p for p in cleaned if audience == "manager" or p.kind != "hr_brief"]
    left_out = len(cleaned) - len(ordered)
    total = len(ordered)
    stamp = max((p.generated_on for p in ordered), default=date(2000, 1, 1))
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    names: dict[str, str] = {}
    used: set[str] = set()
    made = 0
    out = BytesIO()

    def member(name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, plan in enumerate(ordered, start=1):
            stem = file_stem(plan.rep_id, plan.name)
            name, n = f"{stem}.{fmt}", 2
            while name in used or name == "README.txt":
                stem_n = f"{stem}-{n}"
                name, n = f"{stem_n}.{fmt}", n + 1
            used.add(name)
            names[plan.rep_id] = name
            if fmt == "pdf":
                data = to_pdf(plan, audience)
            elif fmt == "docx":
                data = to_docx(plan, audience)
            else:
                data = (markdown(plan) if markdown is not None else _to_markdown(plan, audience)).encode("utf-8")
            member(name, data)
            ics = calendars(plan) if calendars is not None else None
            if ics is not None:
                member(name.rsplit(".", 1)[0] + ".ics", ics)
                made += 1
            if progress is not None:
                progress(done, total)
        member("README.txt", _readme(ordered, fmt, names, audience, left_out, made).encode("utf-8"))
    return out.getvalue()
