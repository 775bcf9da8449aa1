"""The revenue-impact calculator: arithmetic on a small hand-made team, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from core.coaching.revenue import RevenueAssumptions, revenue_impact
from core.schema import CANONICAL_COLUMNS


def _team() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six people, one month, two managers, with tiers given."""
    people = [
        # rep, role, tier, manager, fields
        ("AE1", "AE", "core", "M1", {"deals_worked": 10, "deals_won": 2, "revenue_won": 10_000.0}),
        ("AE2", "AE", "top", "M1", {"deals_worked": 10, "deals_won": 4, "revenue_won": 20_000.0}),
        ("AE3", "AE", "low", "M2", {"deals_worked": 10, "deals_won": 1, "revenue_won": 5_000.0}),
        ("SDR1", "SDR", "core", "M2", {"calls": 400, "leads_sent": 20, "qualified_leads": 10}),
        ("SDR2", "SDR", "top", "M2", {"calls": 400, "leads_sent": 30, "qualified_leads": 20}),
        ("AM1", "AM", "core", "M1", {"portfolio_start": 100_000.0, "portfolio_end": 103_000.0}),
    ]
    rows = []
    for rep, role, _tier, manager, fields in people:
        row: dict[str, object] = {c: None for c in CANONICAL_COLUMNS}
        row.update(rep_id=rep, name=rep, role=role, team="T", region="R", manager=manager, period="2026-01")
        row.update(fields)
        rows.append(row)
    records = pd.DataFrame(rows, columns=list(CANONICAL_COLUMNS))
    tiers = pd.DataFrame({"rep_id": [p[0] for p in people], "tier": [p[2] for p in people]})
    return records, tiers


def test_scenarios_by_hand() -> None:
    """Core, top-tier and everyone-equally scenarios give the figures worked out by hand."""
    records, tiers = _team()
    result = revenue_impact(records, tiers, RevenueAssumptions(window=1, months=12))
    # A qualified lead is worth 50% of AE revenue per qualified lead: 0.5 × 35,000 / 30.
    lead_value = 0.5 * 35_000 / 30
    assert result.lead_value == pytest.approx(lead_value)
    core = 10_000 + 10 * lead_value + 3_000  # AE1, SDR1, AM1's portfolio growth
    top = 20_000 + 20 * lead_value
    by = result.scenarios.set_index("scenario")
    assert by.at["Core 60%: moderate coaching", "change_month"] == pytest.approx(core * 0.07)
    assert by.at["Core 60%: best-quality coaching", "change_month"] == pytest.approx(core * 0.19)
    assert by.at["Core 60%: best-quality coaching", "change_horizon"] == pytest.approx(core * 0.19 * 12)
    # 9 hours (3 core × 3) over 2 top people: 4.5 each, more than the 3-hour dose, so the full 2%.
    assert by.at["Top tier, same hours", "change_month"] == pytest.approx(top * 0.02)
    assert by.at["Top tier, same hours", "hours_per_person"] == pytest.approx(4.5)
    # 9 hours over 6 people: 1.5 each, half the dose, so half of each tier's effect.
    assert by.at["Everyone equally, same hours", "change_month"] == pytest.approx(0.5 * (core * 0.07 + top * 0.02))
    assert (by["hours"] == 9).all()
    assert result.hours_needed == 9 and result.managers == 2 and result.hours_available == 40
    total = core + top + 5_000
    assert by.at["Core 60%: moderate coaching", "change_pct"] == pytest.approx(core * 0.07 / total * 100)


def test_shrinking_portfolio_counts_as_zero_and_sdr_share_zero_leaves_sdrs_out() -> None:
    """An AM whose portfolio shrank has basis 0; with sdr_share 0 SDRs carry no revenue."""
    records, tiers = _team()
    records.loc[records["rep_id"] == "AM1", "portfolio_end"] = 90_000.0
    result = revenue_impact(records, tiers, RevenueAssumptions(window=1, sdr_share=0.0))
    basis = result.basis.set_index("rep_id")["basis"]
    assert basis["AM1"] == 0 and basis["SDR1"] == 0
    assert result.scenarios.set_index("scenario").at["Core 60%: moderate coaching", "change_month"] == pytest.approx(
        700
    )


@pytest.mark.parametrize(
    ("assumptions", "message"),
    [
        (RevenueAssumptions(core_effect=1.5), "moderate coaching on the core must be between"),
        (RevenueAssumptions(hours_per_person=0), "hours per person"),
        (RevenueAssumptions(months=0), "at least 1 month"),
    ],
)
def test_assumptions_are_checked(assumptions: RevenueAssumptions, message: str) -> None:
    """An assumption out of range is one sentence, not a wrong number."""
    records, tiers = _team()
    with pytest.raises(ValueError, match=message):
        revenue_impact(records, tiers, assumptions)
