"""A small hand-built team for the golden documents: each person's twelve months written out as a rule.

No random generator: every figure follows from the person's line below, so a golden file changes only
when the plan's words or the scoring change — and then a person reads the new file before it is stored.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Final

import pandas as pd

from core.i18n import speaking
from core.months import add_months
from core.plans.content import plans_from_records
from core.plans.model import Plan

MONTHS = tuple(add_months("2025-11", i) for i in range(12))  # Nov 2025 – Oct 2026
TODAY = date(2026, 11, 23)


def _wobble(person: int, month: int) -> int:
    """A small, fixed month-to-month variation (−2 … +2), different per person."""
    return (person * 7 + month * 3) % 5 - 2


def _ae(i: int, name: str, won: list[int], deal: list[float], worked: int = 12) -> list[dict[str, object]]:
    return [
        {
            "rep_id": f"AE{i:02d}", "name": name, "role": "AE", "team": "Benelux Enterprise", "region": "Benelux",
            "manager": "Sanne de Vries", "period": p, "deals_worked": worked + _wobble(i, m) % 2,
            "deals_won": won[m], "revenue_won": won[m] * (deal[m] + 500 * _wobble(i, m)),
            "coach_willing": "yes" if i % 2 else "",
        }
        for m, p in enumerate(MONTHS)
    ]  # fmt: skip


def _am(i: int, name: str, start: float, growth: list[float]) -> list[dict[str, object]]:
    rows, value = [], start
    for m, p in enumerate(MONTHS):
        end = value + growth[m] + 1000 * _wobble(i, m)
        rows.append(
            {
                "rep_id": f"AM{i:02d}", "name": name, "role": "AM", "team": "Benelux Accounts", "region": "Benelux",
                "manager": "Pieter Jansen", "period": p, "portfolio_start": value, "portfolio_end": end,
                "coach_willing": "yes",
            }
        )  # fmt: skip
        value = end
    return rows


def team() -> pd.DataFrame:
    """Ten AEs and six AMs; the people the goldens are about are named in :data:`GOLDEN`."""
    steady = [3 + (m % 3 == 0) for m in range(12)]
    rows: list[dict[str, object]] = []
    rows += _ae(1, "Femke Visser", [6 + (m % 2) for m in range(12)], [30_000.0] * 12)  # top AE
    rows += _ae(2, "Daan Bakker", [5] * 12, [26_000.0] * 12)
    rows += _ae(3, "Noor Peeters", [4 + (m % 2) for m in range(12)], [24_000.0] * 12)
    rows += _ae(4, "Bram Maes", steady, [32_000.0] * 9 + [12_000.0] * 3)  # core: deal size fell
    rows += _ae(5, "Lotte Claes", [4] * 12, [21_000.0] * 12)
    rows += _ae(6, "Ruben Smits", [4] * 12, [20_000.0] * 12)
    rows += _ae(7, "Emma Jacobs", [4 - (m % 2) for m in range(12)], [22_000.0] * 12)
    rows += _ae(8, "Sem Mertens", [3 + (m % 2) for m in range(12)], [19_000.0] * 12)
    rows += _ae(9, "Julia Wouters", [4] * 9 + [1, 1, 2], [21_000.0] * 9 + [15_000.0] * 3)  # slid late
    rows += _ae(10, "Thijs Hermans", [1 + (m % 4 == 0) for m in range(12)], [14_000.0] * 12)  # persistently low
    rows += _am(1, "Anouk Dubois", 900_000.0, [12_000.0] * 12)
    rows += _am(2, "Lars Lambert", 800_000.0, [9_000.0] * 12)
    rows += _am(3, "Mila Janssens", 850_000.0, [6_000.0] * 9 + [4_000.0, -60_000.0, 3_000.0])  # low now only: watch
    rows += _am(4, "Jens Willems", 700_000.0, [9_000.0] * 10 + [-21_000.0, 9_000.0])  # core: one month fell
    rows += _am(5, "Sara Goossens", 750_000.0, [5_000.0] * 12)
    rows += _am(6, "Wout Leclercq", 650_000.0, [-4_000.0] * 12)
    frame = pd.DataFrame(rows)
    for column in ("calls", "leads_sent", "qualified_leads", "quota"):
        frame[column] = float("nan")
    return frame


GOLDEN = {"ae_deal_size": "AE04", "am_core": "AM04", "ae_top": "AE01", "watch_am": "AM03", "hr_brief": "AE10"}
"""Golden file stem → the person it is the document of."""


TRANSLATED_GOLDEN: Final = ("ae_deal_size", "hr_brief")
"""The golden people whose documents are also kept in German and Dutch (#16): an AE's plan and an HR brief."""
GOLDEN_LANGUAGES: Final = ("de", "nl")


def plans(lang: str = "en") -> dict[str, Plan]:
    """The plans of the people in :data:`GOLDEN`, built by the real pipeline from :func:`team`, in ``lang``."""
    with speaking(lang):
        built = plans_from_records(team(), rep_ids=sorted(GOLDEN.values()), today=TODAY)
    by_id = {plan.rep_id: plan for plan in built}
    return {stem: by_id[rep] for stem, rep in GOLDEN.items()}


EXPECTED_DIR = Path(__file__).with_name("expected")


def documents() -> dict[str, str]:
    """File name → Markdown: each golden person's own plan and the manager's notes (an HR brief is one document)."""
    from core.plans.document import to_markdown

    out: dict[str, str] = {}
    for stem, plan in plans().items():
        out[f"{stem}.md"] = to_markdown(plan, "person")
        if plan.kind != "hr_brief":
            out[f"{stem}_manager.md"] = to_markdown(plan, "manager")
    for lang in GOLDEN_LANGUAGES:  # the same people in German and Dutch: "ae_deal_size.de.md", ...
        for stem, plan in plans(lang).items():
            if stem in TRANSLATED_GOLDEN:
                out[f"{stem}.{lang}.md"] = to_markdown(plan, "person")
    return out


if __name__ == "__main__":  # python -m tests.plans.golden_team: rewrite the files, then read every diff
    for name, text in documents().items():
        (EXPECTED_DIR / name).write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote tests/plans/expected/{name}\n")
