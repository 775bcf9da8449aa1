"""The check-in log shows what happened to every agreed step: done, in progress, dropped — or not recorded (#15)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from test_render import coaching_plan, pdf_text

from core.plans.content import to_markdown
from core.plans.model import CheckIn, StepOutcome
from core.plans.render import to_docx, to_pdf

LOG = (
    CheckIn(date(2026, 10, 5), "Kick-off", "Use the card\nCall Anna", "Lea Wolf"),
    CheckIn(
        date(2026, 10, 12),
        "Card works; Anna was away",
        "Shadow Ben",
        "Lea Wolf",
        carried=(StepOutcome("Use the card", "done"), StepOutcome("Call Anna", "in_progress")),
    ),
    CheckIn(
        date(2026, 10, 19),
        "Ben was busy",
        "Book two demos",
        "Lea Wolf",
        carried=(StepOutcome("Shadow Ben", "dropped"),),
    ),
    CheckIn(date(2026, 10, 26), "Logged before outcomes were asked", "", "Lea Wolf"),
)


@pytest.mark.parametrize("audience", ["person", "manager"])
def test_the_log_shows_each_steps_outcome_for_the_last_three(audience: str) -> None:
    """The plan and the manager's notes: the last three check-ins, each with last time's steps and outcomes."""
    text = to_markdown(replace(coaching_plan(), checkins=LOG[::-1]), audience)  # type: ignore[arg-type]
    log = text.split("## Check-ins", 1)[1]
    assert "The last 3 of 4 check-ins." in log and "Kick-off" not in log
    assert "| Date | By | Last time's steps | What was discussed | Next steps |" in log
    assert (
        "| 12 Oct 2026 | Lea Wolf | Use the card — done; Call Anna — in progress | Card works; Anna was away |" in log
    )
    assert "Shadow Ben — dropped" in log
    assert "| 26 Oct 2026 | Lea Wolf | Book two demos — not recorded |" in log  # never an invented outcome


def test_pdf_and_word_show_the_outcomes() -> None:
    """PDF and Word hold the same log: each step with its outcome, one per line."""
    plan = replace(coaching_plan(), checkins=LOG)
    pdf = " ".join(pdf_text(to_pdf(plan, "manager")).split())
    for said in ("Use the card — done", "Call Anna — in progress", "Shadow Ben — dropped", "Last time's steps"):
        assert said in pdf
    doc = Document(BytesIO(to_docx(plan)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Use the card — done\nCall Anna — in progress" in cells and "Book two demos — not recorded" in cells


def test_the_hr_brief_names_what_happened_to_each_step() -> None:
    """The support given, in an HR brief, says what happened to last time's steps."""
    from core.plans.content import _support

    lines = _support(LOG)
    assert lines[1].startswith(
        "12 Oct 2026: Check-in with Lea Wolf: Last time's steps: Use the card — done; Call Anna — in progress."
    )
    assert lines[0].endswith("Next step: Use the card; Call Anna.")
    assert "Book two demos — not recorded" in lines[3]
