"""AEs without a quota: won revenue per active month takes quota attainment's place (issue 14)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_metrics import ae, by_rep, metric_row, records

from core.demo import DemoSpec, generate_team
from core.scoring.metrics import (
    CREDIBILITY_MONTHS,
    check_weights,
    compute_metrics,
    metric_sets,
    score_people,
    scored_on,
    scored_on_text,
    weights_text,
)
from core.scoring.segmentation import SegmentSettings, export_table, segment

WINDOW = ("2026-04", "2026-05", "2026-06")


def _ae_team_without_quota(seed: int = 11, reps: int = 80) -> pd.DataFrame:
    """The demo generator's AEs alone, over 6 months, with every quota blanked (a CRM export without quotas)."""
    team = generate_team(DemoSpec(reps=reps, months=6, seed=seed, end="2026-06"))
    team = team[team["role"] == "AE"].copy()
    team["quota"] = np.nan
    return team.reset_index(drop=True)


def _median_closer(team: pd.DataFrame) -> str:
    """The AE active in every month of the window whose close rate there is nearest the team's median."""
    window = team[team["period"].isin(WINDOW)]
    sums = window.groupby("rep_id")[["deals_worked", "deals_won"]].sum()
    sums = sums[window.groupby("rep_id")["period"].nunique() == len(WINDOW)]
    rate = sums["deals_won"] / sums["deals_worked"]
    return str((rate - rate.median()).abs().sort_values(kind="stable").index[0])


# ------------------------------------------------------------------------------ the case


def test_the_biggest_seller_of_a_team_without_quota_is_no_longer_in_the_middle() -> None:
    """AE-only team, no quota: the AE with by far the most won deals and revenue leaves the middle for the top third."""
    team = _ae_team_without_quota()
    star = _median_closer(team)
    rows = team["rep_id"] == star
    # Three times the deals at the same close rate: by far the most won deals and revenue, a middling closer.
    for column in ("deals_worked", "deals_won", "revenue_won"):
        team.loc[rows, column] = team.loc[rows, column] * 3
    window = team[team["period"].isin(WINDOW)].groupby("rep_id")[["deals_won", "revenue_won"]].sum()
    assert window["deals_won"].idxmax() == star and window["revenue_won"].idxmax() == star

    segmented = segment(team, SegmentSettings(replicates=0)).set_index("rep_id")
    person = segmented.loc[star]
    assert 30 <= person["close_rate_pct"] <= 70  # the closer in the middle the issue describes
    assert person["revenue_per_month_pct"] == segmented["revenue_per_month_pct"].max()
    assert math.isnan(person["quota_attainment_pct"])
    # Close rate alone put them at its percentile (~50); at the default 60/40 they now lead a third of the team.
    assert person["percentile"] >= person["close_rate_pct"] + 15
    assert person["rank"] <= len(segmented) / 3


def test_a_team_with_quota_is_scored_by_attainment_as_before() -> None:
    """Every AE has a quota: close rate 60% and quota attainment 40%; won revenue per month plays no part."""
    team = generate_team(DemoSpec(reps=80, months=6, seed=11, end="2026-06"))
    scored = score_people(team)
    aes = scored[scored["role"] == "AE"]
    assert aes["quota_attainment_pct"].notna().all()
    assert aes[["revenue_per_month", "revenue_per_month_raw", "revenue_per_month_pct"]].isna().all().all()
    expected = 0.6 * aes["close_rate_pct"] + 0.4 * aes["quota_attainment_pct"]
    assert np.allclose(aes["score"], expected)
    assert scored_on(scored)["AE"] == {"close_rate": 0.6, "quota_attainment": 0.4}


def test_a_person_with_a_quota_and_one_without_are_scored_alike() -> None:
    """In a team where only some AEs have a quota, every AE is scored on close rate and won revenue per month."""
    frame = records(
        *[ae("quota", p, 30, 9, 60_000, 100_000) for p in ("2026-01", "2026-02")],
        *[ae("none", p, 30, 9, 90_000, None) for p in ("2026-01", "2026-02")],
        *[ae("low", p, 30, 9, 30_000, 80_000) for p in ("2026-01", "2026-02")],
    )
    scored = by_rep(score_people(frame, window=None))
    assert scored["quota_attainment_pct"].isna().all()
    assert scored.loc[["low", "quota", "none"], "revenue_per_month_pct"].is_monotonic_increasing
    # The same close rate, more revenue: the AE without a quota ranks first, not on close rate alone.
    assert scored["score"].idxmax() == "none"
    assert scored_on(scored.reset_index())["AE"] == {"close_rate": 0.6, "revenue_per_month": 0.4}
    long = compute_metrics(frame, window=None)
    quota = metric_row(long, "quota", "quota_attainment")
    assert math.isnan(quota["adjusted"]) and not quota["small_sample"] and quota["n"] == 0


# ------------------------------------------------------------------------------ the metric


def test_revenue_per_active_month_formula() -> None:
    """Won revenue ÷ the months with revenue filled in; a month without revenue counts in neither."""
    frame = records(
        ae("a", "2026-01", 10, 3, 50_000),
        ae("a", "2026-02", 5, 1, 10_000),
        {**ae("a", "2026-03", 5, 1), "revenue_won": None},
    )
    row = metric_row(compute_metrics(frame, window=None), "a", "revenue_per_month")
    assert row["numerator"] == pytest.approx(60_000)
    assert row["denominator"] == pytest.approx(2)
    assert row["raw"] == pytest.approx(30_000)
    assert row["n"] == 2


def test_a_one_month_ae_is_shrunk_toward_the_role() -> None:
    """One month of 90,000 is pulled halfway to the role's month-weighted mean and flagged as a small sample."""
    months = ("2026-01", "2026-02", "2026-03")
    frame = records(
        *[ae(f"r{i}", p, 20, 5, 30_000 + 1_000 * i) for i in range(5) for p in months],
        ae("new", "2026-03", 20, 5, 90_000),
    )
    long = compute_metrics(frame, window=None)
    new = metric_row(long, "new", "revenue_per_month")
    mean = (sum(3 * (30_000 + 1_000 * i) for i in range(5)) + 90_000) / 16
    weight = 1 / (1 + CREDIBILITY_MONTHS)
    assert new["raw"] == pytest.approx(90_000)
    assert new["adjusted"] == pytest.approx(mean + weight * (90_000 - mean))
    assert new["small_sample"]
    steady = metric_row(long, "r4", "revenue_per_month")
    assert not steady["small_sample"]
    assert steady["adjusted"] == pytest.approx(mean + 3 / (3 + CREDIBILITY_MONTHS) * (34_000 - mean))


def test_won_deals_break_a_tie_in_revenue() -> None:
    """Equal revenue per month: more won deals per month ranks higher; equal in both still shares the rank."""
    frame = records(
        ae("few", "2026-01", 40, 2, 50_000),
        ae("many", "2026-01", 40, 5, 50_000),
        ae("twin", "2026-01", 40, 5, 50_000),
        ae("less", "2026-01", 40, 9, 40_000),
    )
    pct = by_rep(score_people(frame, window=None))["revenue_per_month_pct"]
    assert pct["less"] == pytest.approx(12.5)
    assert pct["few"] == pytest.approx(37.5)
    assert pct["many"] == pytest.approx(75.0) and pct["twin"] == pytest.approx(75.0)


def test_revenue_weight_is_editable() -> None:
    """All AE weight on won revenue per month makes the AE score that percentile; a zero set is refused."""
    team = _ae_team_without_quota()
    scored = score_people(team, weights={"close_rate": 0.0, "revenue_per_month": 1.0})
    assert np.allclose(scored["score"], scored["revenue_per_month_pct"])
    assert scored_on(scored, {"close_rate": 0.0, "revenue_per_month": 1.0})["AE"] == {"revenue_per_month": 1.0}
    with pytest.raises(ValueError, match="without a quota"):
        check_weights({"close_rate": 0.0, "revenue_per_month": 0.0})
    with pytest.raises(ValueError, match="with a quota"):
        check_weights({"close_rate": 0.0, "quota_attainment": 0.0})


def test_metric_sets_per_role() -> None:
    """AEs have two sets (with and without a quota); the other roles one; each set's defaults add up to 1."""
    sets = {role: [[spec.id for spec in s] for s in metric_sets(role)] for role in ("SDR", "AE", "AM")}
    assert sets["AE"] == [["close_rate", "quota_attainment"], ["close_rate", "revenue_per_month"]]
    assert len(sets["SDR"]) == 1 and sets["AM"] == [["upsell_rate"]]
    for role in ("SDR", "AE", "AM"):
        for specs in metric_sets(role):
            assert math.isclose(sum(spec.default_weight for spec in specs), 1.0)


# ------------------------------------------------------------------------------ saying what was used


def test_segment_says_what_each_role_is_scored_on() -> None:
    """Each segmented row and the export carry the role's metrics and weights, in the --weights syntax."""
    team = generate_team(DemoSpec(reps=60, months=4, seed=3, end="2026-04"))
    team.loc[team["role"] == "AE", "quota"] = np.nan
    segmented = segment(team, SegmentSettings(replicates=0))
    table = export_table(segmented)
    by_role = table.groupby("role")["scored_on"].agg(lambda s: set(s))
    assert by_role["AE"] == {"close_rate=0.6;revenue_per_month=0.4"}
    assert by_role["SDR"] == {"lead_rate=0.3;qualified_lead_rate=0.4;qualification_efficiency=0.3"}
    assert by_role["AM"] == {"upsell_rate=1"}
    text = "\n".join(scored_on_text(scored_on(segmented)))
    assert "AE: close rate 60%, won revenue per month 40% — not every AE has a quota in this window" in text
    assert weights_text({"close_rate": 0.7, "revenue_per_month": 0.3}) == "close_rate=0.7;revenue_per_month=0.3"


# ------------------------------------------------------------------------------ property


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    reps=st.integers(8, 60),
    window=st.sampled_from([1, 3, None]),
    pick=st.integers(0, 1_000),
    factor=st.floats(1.01, 20.0),
    quota=st.booleans(),
)
def test_more_revenue_never_lowers_an_ae(
    seed: int, reps: int, window: int | None, pick: int, factor: float, quota: bool
) -> None:
    """Scaling one AE's won revenue up never lowers their revenue percentile or their standing by score."""
    team = generate_team(DemoSpec(reps=reps, months=4, seed=seed, end="2026-04"))
    team = team[team["role"] == "AE"].copy()
    assume(team["rep_id"].nunique() > 1)
    if not quota:
        team["quota"] = np.nan
    people = team["rep_id"].unique()
    rep = people[pick % len(people)]
    bumped = team.copy()
    bumped.loc[bumped["rep_id"] == rep, "revenue_won"] *= factor
    before = by_rep(score_people(team, window=window))
    after = by_rep(score_people(bumped, window=window))
    assume(rep in before.index)
    column = "revenue_per_month_pct" if not quota else "quota_attainment_pct"
    assert after.loc[rep, column] >= before.loc[rep, column] - 1e-9
    assert after.loc[rep, "score"] >= before.loc[rep, "score"] - 1e-9
    # Nobody overtakes them — when every AE has as many months. Shrinkage pulls each value toward the role's
    # mean by a weight that depends on the months: a big bump lifts that mean, so an AE with fewer months is
    # pulled up further than the others and can pass the bumped one (hypothesis found seed=3608, reps=20,
    # factor=13: an AE with 3 months of 4 rose from the 21st to the 78th attainment percentile). With equal
    # months the pull is the same for all and keeps their order.
    if before["months"].nunique() == 1 and after["months"].nunique() == 1:
        ahead_before = int((before["score"] > before.loc[rep, "score"] + 1e-9).sum())
        ahead_after = int((after["score"] > after.loc[rep, "score"] + 1e-9).sum())
        assert ahead_after <= ahead_before
