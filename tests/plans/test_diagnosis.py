"""What moved: the diagnosis a plan gives before any advice (issue #15, "Diagnose before prescribing").

Hand-built months, so each sentence can be checked against figures worked out by hand.
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.months import add_months
from core.plans.diagnosis import what_moved

WINDOW = tuple(add_months("2026-05", i) for i in range(6))  # May–Oct 2026
BEFORE = tuple(add_months("2025-11", i) for i in range(6))  # Nov 2025–Apr 2026


def _ae(periods: tuple[str, ...], *, worked: int, won: int, revenue: float) -> list[dict[str, object]]:
    return [
        {"period": p, "deals_worked": worked, "deals_won": won, "revenue_won": revenue, "quota": float("nan")}
        for p in periods
    ]


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_an_ae_whose_deal_size_fell_is_told_deal_size_moved_not_the_count_or_rate() -> None:
    records = _frame(
        _ae(BEFORE, worked=12, won=3, revenue=3 * 32_000) + _ae(WINDOW, worked=12, won=3, revenue=3 * 12_000)
    )
    lines = what_moved("AE", records, WINDOW)
    text = " ".join(lines)
    assert "revenue per won deal" in text.lower()
    assert "from about 32,000 to 12,000" in text
    assert "Nov 2025–Apr 2026" in text  # the months compared are named
    # the count and the rate held: said so, so the person sees where the change is not
    assert "held" in text and "3 a month" in text and "25%" in text


def test_an_ae_whose_close_rate_fell_is_told_the_close_rate_moved() -> None:
    records = _frame(_ae(BEFORE, worked=10, won=4, revenue=80_000) + _ae(WINDOW, worked=10, won=2, revenue=40_000))
    text = " ".join(what_moved("AE", records, WINDOW))
    assert "close rate" in text.lower() and "from 40% to 20%" in text
    assert "won deals" in text.lower()  # fewer wins follow from the rate; deal size held at about 20,000
    assert "about 20,000" in text


def test_nothing_moved_says_the_gap_is_not_new() -> None:
    records = _frame(_ae(BEFORE, worked=10, won=3, revenue=60_000) + _ae(WINDOW, worked=10, won=3, revenue=61_000))
    text = " ".join(what_moved("AE", records, WINDOW))
    assert "held" in text and "not new" in text


def test_an_sdr_with_steady_volume_and_falling_quality_hears_quality_not_effort() -> None:
    rows = [{"period": p, "calls": 400, "leads_sent": 30, "qualified_leads": 15} for p in BEFORE]
    rows += [{"period": p, "calls": 410, "leads_sent": 30, "qualified_leads": 9} for p in WINDOW]
    text = " ".join(what_moved("SDR", _frame(rows), WINDOW))
    assert "from 50% to 30%" in text
    assert "quality" in text and "volume" in text
    assert "about 400 calls" in text or "about 410 calls" in text


def test_an_sdr_whose_volume_fell_hears_volume() -> None:
    rows = [{"period": p, "calls": 500, "leads_sent": 40, "qualified_leads": 16} for p in BEFORE]
    rows += [{"period": p, "calls": 300, "leads_sent": 24, "qualified_leads": 10} for p in WINDOW]
    text = " ".join(what_moved("SDR", _frame(rows), WINDOW))
    assert "volume" in text and "from about 500 to 300 calls" in text


def test_an_am_hears_the_month_the_portfolio_dropped() -> None:
    rows, value = [], 400_000.0
    for p in WINDOW:
        change = -70_000 if p == "2026-08" else 2_000
        rows.append({"period": p, "portfolio_start": value, "portfolio_end": value + change})
        value += change
    text = " ".join(what_moved("AM", _frame(rows), WINDOW))
    assert "Aug 2026" in text and "70,000" in text
    assert "account" in text  # AM language: which accounts, not deals or leads
    assert "deal" not in text and "lead" not in text


def test_figures_starting_mid_window_are_said_plainly() -> None:
    records = _frame(_ae(WINDOW[2:], worked=10, won=3, revenue=60_000))
    text = " ".join(what_moved("AE", records, WINDOW))
    assert "Your figures start in Jul 2026" in text and "4 months" in text


def test_no_earlier_months_and_a_short_window_say_nothing_made_up() -> None:
    records = _frame(_ae(WINDOW[-2:], worked=10, won=3, revenue=60_000))
    lines = what_moved("AE", records, WINDOW[-2:])
    assert not any("from about" in line or "held" in line for line in lines)


def test_no_records_no_lines() -> None:
    assert what_moved("AE", pd.DataFrame(), WINDOW) == ()


@settings(max_examples=60, deadline=None)
@given(
    role=st.sampled_from(["SDR", "AE", "AM"]),
    values=st.lists(st.integers(min_value=0, max_value=60), min_size=12, max_size=12),
    missing=st.sets(st.integers(min_value=0, max_value=11), max_size=6),
)
def test_every_team_gets_sentences_without_scores_or_errors(role: str, values: list[int], missing: set[int]) -> None:
    """Any months (zeros, gaps, no wins) give plain sentences: no nan, no inf, no tier words."""
    rows = []
    for i, period in enumerate(BEFORE + WINDOW):
        if i in missing:
            continue
        v = values[i]
        rows.append(
            {
                "period": period,
                "calls": v * 10,
                "leads_sent": v,
                "qualified_leads": v // 2,
                "deals_worked": v,
                "deals_won": v // 3,
                "revenue_won": float(v // 3) * 9_000,
                "portfolio_start": 100_000.0 + v * 1_000,
                "portfolio_end": 100_000.0 + values[(i + 1) % 12] * 1_000,
            }
        )
    lines = what_moved(role, _frame(rows), WINDOW)
    for line in lines:
        lowered = line.lower()
        assert "nan" not in lowered.split() and "inf" not in lowered
        assert not re.search(r"\b(tier|percentile|rank|borderline|score)", lowered), line
        assert line.endswith((".", "?"))
