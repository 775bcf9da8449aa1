"""Metrics and the composite score: formulas, windows, shrinkage, monotonicity, speed."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.months import month_index, month_label
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, METRIC_COLUMNS, PERSON_COLUMNS, ROLES
from core.scoring.metrics import (
    LONG_COLUMNS,
    METRICS,
    MIN_PEOPLE_FOR_PRIOR,
    MIN_TRIALS,
    PRIOR_FALLBACK_STRENGTH,
    compute_metrics,
    default_weights,
    index_records,
    metric_sets,
    metrics_for,
    parse_weights,
    role_medians,
    score_only,
    score_people,
    score_windows,
)

TEAM = DemoSpec(reps=60, months=6, seed=5, end="2026-06")


def records(*rows: dict[str, Any]) -> pd.DataFrame:
    """A canonical table from hand-written rows; fields not named are blank."""
    base = {"name": "Ann", "team": "North", "region": "DACH", "manager": "Max", "coach_willing": "yes"}
    frame = pd.DataFrame([{**base, **row} for row in rows]).reindex(columns=list(CANONICAL_COLUMNS))
    for c in METRIC_COLUMNS:
        frame[c] = frame[c].astype("float64")
    for c in COUNT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    return frame


def sdr(rep: str, period: str, calls: int, leads: int | None, qualified: int | None) -> dict[str, Any]:
    """One SDR month."""
    return {
        "rep_id": rep,
        "role": "SDR",
        "period": period,
        "calls": calls,
        "leads_sent": leads,
        "qualified_leads": qualified,
    }


def ae(
    rep: str, period: str, worked: int, won: int, revenue: float = 0.0, quota: float | None = None
) -> dict[str, Any]:
    """One AE month."""
    return {
        "rep_id": rep,
        "role": "AE",
        "period": period,
        "deals_worked": worked,
        "deals_won": won,
        "revenue_won": revenue,
        "quota": quota,
    }


def am(rep: str, period: str, start: float | None, end: float | None) -> dict[str, Any]:
    """One AM month."""
    return {"rep_id": rep, "role": "AM", "period": period, "portfolio_start": start, "portfolio_end": end}


def metric_row(long: pd.DataFrame, rep: str, metric: str) -> pd.Series:
    """The single long-format row of one person and metric."""
    found = long[(long["rep_id"] == rep) & (long["metric"] == metric)]
    assert len(found) == 1
    return found.iloc[0]


def by_rep(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored people indexed by rep_id."""
    return scored.set_index("rep_id")


# ------------------------------------------------------------------------------ interface


def test_metric_catalogue() -> None:
    """Seven metrics in display order, and the default weights of each set a role is scored on add up to 1."""
    assert [m.id for m in METRICS] == [
        "lead_rate",
        "qualified_lead_rate",
        "qualification_efficiency",
        "close_rate",
        "quota_attainment",
        "revenue_per_month",
        "upsell_rate",
    ]
    for role in ROLES:
        for specs in metric_sets(role):
            assert math.isclose(sum(m.default_weight for m in specs), 1.0)
    assert default_weights()["close_rate"] == 0.6
    with pytest.raises(ValueError, match="Unknown role 'CEO'"):
        metrics_for("CEO")


# ------------------------------------------------------------------------------ formulas

FORMULAS = [
    # (rows, metric, numerator, denominator, raw, n)
    ([sdr("a", "2026-01", 100, 10, 5), sdr("a", "2026-02", 300, 20, 4)], "lead_rate", 30, 2, 15.0, 2),
    ([sdr("a", "2026-01", 100, 10, 5), sdr("a", "2026-02", 300, None, None)], "lead_rate", 10, 1, 10.0, 1),
    ([sdr("a", "2026-01", 100, 10, 5), sdr("a", "2026-02", 300, 20, 4)], "qualified_lead_rate", 9, 30, 0.3, 30),
    (
        [sdr("a", "2026-01", 100, 10, 5), sdr("a", "2026-02", 300, 20, 4)],
        "qualification_efficiency",
        9,
        400,
        9 / 400,
        400,
    ),
    ([ae("a", "2026-01", 10, 3), ae("a", "2026-02", 5, 0)], "close_rate", 3, 15, 0.2, 15),
    (
        [ae("a", "2026-01", 10, 3, 50_000, 40_000), ae("a", "2026-02", 5, 1, 10_000, 40_000)],
        "quota_attainment",
        60_000,
        80_000,
        0.75,
        2,
    ),
    (
        [ae("a", "2026-01", 10, 3, 50_000, 40_000), ae("a", "2026-02", 5, 1, 10_000, None)],
        "quota_attainment",
        50_000,
        40_000,
        1.25,
        1,
    ),
    (
        [am("a", "2026-01", 100, 110), am("a", "2026-02", 110, 99), am("a", "2026-03", 99, 120)],
        "upsell_rate",
        20,
        100,
        0.2,
        3,
    ),
    ([am("a", "2026-01", None, 110), am("a", "2026-02", 110, 121)], "upsell_rate", 11, 110, 0.1, 2),
]


@pytest.mark.parametrize(("rows", "metric", "numerator", "denominator", "raw", "n"), FORMULAS)
def test_metric_formulas(
    rows: list[dict[str, Any]], metric: str, numerator: float, denominator: float, raw: float, n: int
) -> None:
    """Each metric's numerator, denominator, raw value and sample size on a one-person table."""
    row = metric_row(compute_metrics(records(*rows), window=None), "a", metric)
    assert row["numerator"] == pytest.approx(numerator)
    assert row["denominator"] == pytest.approx(denominator)
    assert row["raw"] == pytest.approx(raw)
    assert row["n"] == n


def test_rates_are_summed_not_averaged() -> None:
    """2 of 2 calls one month and 6 of 600 the next is 8/602, not the mean of 100% and 1%."""
    frame = records(sdr("a", "2026-01", 2, 2, 2), sdr("a", "2026-02", 600, 12, 6))
    row = metric_row(compute_metrics(frame, window=None), "a", "qualification_efficiency")
    assert row["raw"] == pytest.approx(8 / 602)
    assert row["raw"] != pytest.approx((2 / 2 + 6 / 600) / 2)


def test_role_comes_from_the_latest_row() -> None:
    """A person promoted from SDR to AE is scored as an AE, on AE metrics only."""
    frame = records(sdr("a", "2026-01", 100, 10, 5), ae("a", "2026-02", 10, 3), ae("b", "2026-02", 10, 5))
    long = compute_metrics(frame, window=None)
    assert set(long.loc[long["rep_id"] == "a", "metric"]) == {"close_rate", "quota_attainment", "revenue_per_month"}
    assert by_rep(score_people(frame, window=None)).loc["a", "role"] == "AE"


# ------------------------------------------------------------------------------ windows


def test_only_rows_in_the_window_count() -> None:
    """Months before the window are ignored; people without rows in it are left out."""
    frame = records(
        *[ae("a", f"2026-0{m}", 10, m) for m in range(1, 7)],
        ae("early", "2026-01", 10, 5),
        ae("late", "2026-07", 10, 5),
        ae("gap", "2026-04", 10, 1),
        ae("gap", "2026-06", 10, 2),
    )
    long = compute_metrics(frame, window=3, end="2026-06")
    assert set(long["rep_id"]) == {"a", "gap"}
    assert metric_row(long, "a", "close_rate")["numerator"] == 4 + 5 + 6
    scored = by_rep(score_people(frame, window=3, end="2026-06"))
    assert scored.loc["gap", "months"] == 2
    assert set(by_rep(score_people(frame, window=None)).index) == {"a", "early", "late", "gap"}


def test_window_without_rows_gives_empty_tables() -> None:
    """A window before any data yields no people, with the columns still in place."""
    team = generate_team(TEAM)
    assert score_people(team, end="2025-01").empty
    long = compute_metrics(team, end="2025-01")
    assert long.empty and list(long.columns) == list(LONG_COLUMNS)


# ------------------------------------------------------------------------------ shrinkage

AE_TEAM = [(10, 50), (12, 50), (8, 50), (9, 50), (11, 50), (15, 60), (6, 40), (10, 45), (2, 3), (20, 60)]


def test_shrinkage_small_sample_does_not_outrank() -> None:
    """2 of 3 won deals ranks below 20 of 60 when the role converts about 1 in 5."""
    frame = records(*[ae(f"r{i}", "2026-01", n, k) for i, (k, n) in enumerate(AE_TEAM)])
    long = compute_metrics(frame, window=None).set_index("rep_id")
    close = long[long["metric"] == "close_rate"]
    lucky, steady = close.loc["r8"], close.loc["r9"]
    assert lucky["raw"] > steady["raw"]
    assert lucky["adjusted"] < steady["adjusted"]
    assert bool(lucky["small_sample"]) and not bool(steady["small_sample"])
    prior_mean = sum(k for k, _ in AE_TEAM) / sum(n for _, n in AE_TEAM)
    low, high = np.minimum(close["raw"], prior_mean), np.maximum(close["raw"], prior_mean)
    assert close["adjusted"].between(low - 1e-12, high + 1e-12).all()
    scored = by_rep(score_people(frame, window=None))
    assert scored.loc["r9", "score"] > scored.loc["r8", "score"]


SHRINK = [
    # (people as (won, worked), expected adjusted close rates)
    # Ten people, spread wider than chance: rho = 16/81, strength 65/16 at 0.2, weight 32/45.
    ([(0, 10), (4, 10)] * 5, [0.2 * 13 / 45, 0.2 * 77 / 45] * 5),
    # Ten people, no more spread than chance: strength capped at the median person's 40 trials.
    ([(8, 40), (12, 40)] * 5, [0.225, 0.275] * 5),
    # Too few people to fit: 10 pseudo-trials at the pooled 0.2.
    ([(1, 10), (3, 10)], [0.15, 0.25]),
    # One person: the prior sits at their own rate, so nothing moves.
    ([(3, 4)], [0.75]),
    # No deals worked: NaN raw, the prior mean as adjusted value.
    ([(1, 10), (3, 10), (0, 0)], [0.15, 0.25, 0.2]),
]


@pytest.mark.parametrize(("people", "expected"), SHRINK)
def test_beta_binomial_shrinkage(people: list[tuple[int, int]], expected: list[float]) -> None:
    """Adjusted close rates follow (k + α) / (n + α + β) with the method-of-moments prior or its fallback."""
    assert (PRIOR_FALLBACK_STRENGTH, MIN_PEOPLE_FOR_PRIOR) == (10, 10)
    frame = records(*[ae(f"r{i:02d}", "2026-01", n, k) for i, (k, n) in enumerate(people)])
    close = compute_metrics(frame, window=None).query("metric == 'close_rate'").set_index("rep_id")
    assert close["adjusted"].tolist() == pytest.approx(expected)
    zero = [f"r{i:02d}" for i, (_, n) in enumerate(people) if n == 0]
    assert close.loc[zero, "raw"].isna().all()
    assert close.loc[zero, "small_sample"].all()


def test_credibility_shrinkage() -> None:
    """Lead rate moves toward the month-weighted role mean by months / (months + 1)."""
    frame = records(*[sdr("a", f"2026-0{m}", 300, 30, 10) for m in (1, 2, 3)], sdr("b", "2026-03", 600, 60, 20))
    long = compute_metrics(frame, window=3)
    mean = (3 * 30 + 1 * 60) / 4
    assert metric_row(long, "a", "lead_rate")["adjusted"] == pytest.approx(mean + 0.75 * (30 - mean))
    assert metric_row(long, "b", "lead_rate")["adjusted"] == pytest.approx(mean + 0.5 * (60 - mean))
    assert not metric_row(long, "a", "lead_rate")["small_sample"]
    assert metric_row(long, "b", "lead_rate")["small_sample"]


def test_small_sample_threshold() -> None:
    """A proportion on fewer than MIN_TRIALS trials is flagged, and the flag reaches the person."""
    # Two months each, so the volume metric (won revenue per month: no quota here) is not small itself.
    frame = records(
        ae("few", "2026-01", 10, 3),
        ae("few", "2026-02", MIN_TRIALS - 11, 2),
        ae("many", "2026-01", 10, 3),
        ae("many", "2026-02", MIN_TRIALS - 10, 2),
    )
    scored = by_rep(score_people(frame, window=None))
    assert scored.loc["few", "small_sample"]
    assert not scored.loc["many", "small_sample"]


# ------------------------------------------------------------------------------ score


def test_missing_quota_scores_every_ae_on_revenue_per_month() -> None:
    """One AE without a quota: no AE is scored on attainment; all on close rate and won revenue per month."""
    frame = records(
        *[ae("q1", p, 30, 9, 90_000, 100_000) for p in ("2026-01", "2026-02")],
        *[ae("q2", p, 30, 6, 50_000, 100_000) for p in ("2026-01", "2026-02")],
        *[ae("none", p, 30, 12, 70_000, None) for p in ("2026-01", "2026-02")],
    )
    long = compute_metrics(frame, window=None)
    for rep in ("q1", "none"):
        quota = metric_row(long, rep, "quota_attainment")
        assert math.isnan(quota["raw"]) and math.isnan(quota["adjusted"]) and not quota["small_sample"]
    scored = by_rep(score_people(frame, window=None))
    assert scored["quota_attainment_pct"].isna().all()
    assert scored.loc["none", "revenue_per_month_pct"] == pytest.approx(50.0)
    assert scored.loc["none", "score"] == pytest.approx(0.6 * scored.loc["none", "close_rate_pct"] + 0.4 * 50.0)
    assert not scored.loc["none", "small_sample"]
    assert scored.loc["q1", "score"] == pytest.approx(0.6 * scored.loc["q1", "close_rate_pct"] + 0.4 * 5 / 6 * 100)


def test_percentiles_are_mid_ranks_with_shared_ties() -> None:
    """Four people, two tied: percentiles 12.5, 50, 50, 87.5."""
    frame = records(
        ae("a", "2026-01", 40, 4), ae("b", "2026-01", 40, 8), ae("c", "2026-01", 40, 8), ae("d", "2026-01", 40, 12)
    )
    scored = by_rep(score_people(frame, window=None))
    assert scored.loc[["a", "b", "c", "d"], "close_rate_pct"].tolist() == pytest.approx([12.5, 50.0, 50.0, 87.5])


def test_output_shape_and_order() -> None:
    """Wide output: the promised columns, sorted by role, score descending, rep_id. Long: a row per metric."""
    team = generate_team(TEAM)
    scored = score_people(team)
    metric_columns = [c for m in METRICS for c in (m.id, f"{m.id}_raw", f"{m.id}_pct")]
    expected = [*PERSON_COLUMNS, "months"]  # the coach fields ride along to the chains
    assert list(scored.columns) == expected + metric_columns + ["score", "small_sample"]
    assert scored["rep_id"].is_unique
    role_rank = scored["role"].map({r: i for i, r in enumerate(ROLES)})
    assert role_rank.is_monotonic_increasing
    for _, group in scored.groupby("role"):
        assert group["score"].is_monotonic_decreasing
        assert group["score"].between(0, 100).all()
    long = compute_metrics(team)
    assert list(long.columns) == list(LONG_COLUMNS)
    per_person = long.groupby("rep_id")["metric"].count().sort_index()
    expected_count = scored.set_index("rep_id")["role"].map(lambda r: len(metrics_for(r))).sort_index()
    assert per_person.tolist() == expected_count.tolist()


def _plant(team: pd.DataFrame, rep: str, role: str, best: bool) -> None:
    """Overwrite one person's rows so they are best (or worst) in every metric of their role."""
    rows = team["rep_id"] == rep
    if role == "SDR":
        team.loc[rows, ["calls", "leads_sent", "qualified_leads"]] = (200, 200, 200) if best else (5000, 6, 0)
    elif role == "AE":
        team.loc[rows, ["deals_worked", "deals_won", "revenue_won"]] = (80, 80, 5e6) if best else (80, 0, 0.0)
    else:
        start = team.loc[rows, "portfolio_start"].iloc[0]
        growth = np.linspace(1.0, 3.0 if best else 0.3, int(rows.sum()) + 1)
        team.loc[rows, "portfolio_start"] = start * growth[:-1]
        team.loc[rows, "portfolio_end"] = start * growth[1:]


@pytest.mark.parametrize("role", ROLES)
def test_planted_extremes(role: str) -> None:
    """Someone best in every metric scores highest in their role, someone worst lowest."""
    team = generate_team(TEAM)
    months = team.groupby("rep_id")["period"].count()
    candidates = [r for r in team.loc[team["role"] == role, "rep_id"].unique() if months[r] == TEAM.months]
    best, worst = candidates[0], candidates[1]
    _plant(team, best, role, best=True)
    _plant(team, worst, role, best=False)
    scored = score_people(team, window=None)
    in_role = scored[scored["role"] == role].set_index("rep_id")["score"]
    assert in_role.idxmax() == best and in_role[best] > in_role.drop(best).max()
    assert in_role.idxmin() == worst and in_role[worst] < in_role.drop(worst).min()


BUMPS = ["deals_won", "qualified_leads", "revenue_won", "portfolio_end"]
ROLE_OF_BUMP = {"deals_won": "AE", "qualified_leads": "SDR", "revenue_won": "AE", "portfolio_end": "AM"}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    reps=st.integers(6, 60),
    window=st.sampled_from([1, 2, 3, None]),
    field=st.sampled_from(BUMPS),
    pick=st.integers(0, 1_000),
    amount=st.integers(1, 40),
)
def test_score_is_monotonic(seed: int, reps: int, window: int | None, field: str, pick: int, amount: int) -> None:
    """Raising one person's wins, qualified leads, revenue or final portfolio never lowers their score."""
    original = generate_team(DemoSpec(reps=reps, months=4, seed=seed, end="2026-04"))
    team = original.copy()
    people = team.loc[team["role"] == ROLE_OF_BUMP[field], "rep_id"].unique()
    assume(len(people) > 0)
    rep = people[pick % len(people)]
    row = team.index[team["rep_id"] == rep][-1]  # the latest month is inside every window
    if field == "deals_won":
        room = int(team.at[row, "deals_worked"] - team.at[row, "deals_won"])
        assume(room > 0)
        team.at[row, "deals_won"] += min(amount, room)
    elif field == "qualified_leads":
        room = int(team.at[row, "leads_sent"] - team.at[row, "qualified_leads"])
        assume(room > 0)
        team.at[row, "qualified_leads"] += min(amount, room)
    elif field == "revenue_won":
        team.at[row, "revenue_won"] += amount * 1_000.0
    else:
        team.at[row, "portfolio_end"] *= 1 + amount / 100
    before = by_rep(score_people(original, window=window))
    after = by_rep(score_people(team, window=window))
    assert after.loc[rep, "score"] >= before.loc[rep, "score"] - 1e-9


COUNTS = st.integers(0, 150).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=100, deadline=None)
@given(people=st.lists(COUNTS, min_size=2, max_size=14), pick=st.integers(0, 100), extra=st.integers(1, 50))
def test_score_is_monotonic_in_small_teams(people: list[tuple[int, int]], pick: int, extra: int) -> None:
    """In hand-made teams of 2 to 14 AEs (prior fixed or fitted), more wins on the same deals never lower the score."""
    i = pick % len(people)
    won, worked = people[i]
    assume(won < worked)
    bumped = [*people]
    bumped[i] = (min(worked, won + extra), worked)
    before, after = (
        by_rep(score_people(records(*[ae(f"r{j:02d}", "2026-01", n, k) for j, (k, n) in enumerate(team)]), window=None))
        for team in (people, bumped)
    )
    assert after.loc[f"r{i:02d}", "score"] >= before.loc[f"r{i:02d}", "score"] - 1e-9


# ------------------------------------------------------------------------------ weights

PARSED = [
    ("close_rate=0.7,quota_attainment=0.3", {"close_rate": 0.7, "quota_attainment": 0.3}),
    ("close_rate=0,7; quota_attainment=0,3", {"close_rate": 0.7, "quota_attainment": 0.3}),
    ("close_rate=0,7,quota_attainment=0,3", {"close_rate": 0.7, "quota_attainment": 0.3}),
    ("upsell_rate = 2\nlead_rate=0", {"upsell_rate": 2.0, "lead_rate": 0.0}),
    ("  ", {}),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_weights(text: str, expected: dict[str, float]) -> None:
    """Pairs separated by commas, semicolons or new lines; decimal commas read."""
    assert parse_weights(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("close_rat=0.5", "Unknown metric 'close_rat'"),
        ("close_rate=-0.1", "must not be negative"),
        ("close_rate=abc", "must be a number"),
        ("close_rate=nan", "finite"),
        ("close_rate", "metric=number"),
        ("close_rate=1;close_rate=2", "given twice"),
    ],
)
def test_parse_weights_errors(text: str, message: str) -> None:
    """Unknown metrics, negative or non-numeric weights are refused with a sentence."""
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_weights_change_the_score() -> None:
    """With all AE weight on close rate the AE score is the close-rate percentile."""
    scored = score_people(generate_team(TEAM), weights={"close_rate": 1.0, "quota_attainment": 0.0})
    aes = scored[scored["role"] == "AE"]
    assert np.allclose(aes["score"], aes["close_rate_pct"])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"nope": 1.0}, "Unknown metric"),
        ({"upsell_rate": 0.0}, "AM weights add up to 0"),
        ({"lead_rate": -1.0}, "0 or more"),
    ],
)
def test_bad_weights_refused(weights: dict[str, float], message: str) -> None:
    """score_people refuses unknown metrics, negative weights and a role weighted to nothing."""
    with pytest.raises(ValueError, match=message):
        score_people(generate_team(TEAM), weights=weights)


# ------------------------------------------------------------------------------ medians, determinism, speed


def test_role_medians() -> None:
    """Median and 75th percentile of raw and adjusted values per role and metric."""
    frame = records(ae("a", "2026-01", 10, 1), ae("b", "2026-01", 10, 2), ae("c", "2026-01", 10, 4))
    scored = score_people(frame, window=None)
    medians = role_medians(scored).set_index("metric")
    assert medians.loc["close_rate", "raw_median"] == pytest.approx(0.2)
    assert medians.loc["close_rate", "raw_p75"] == pytest.approx(0.3)
    assert medians.loc["close_rate", "adjusted_median"] == pytest.approx(scored["close_rate"].median())
    assert medians.loc["close_rate", "people"] == 3
    assert medians.loc["upsell_rate", "people"] == 0 and math.isnan(medians.loc["upsell_rate", "raw_median"])


def test_deterministic_whatever_the_row_order() -> None:
    """The same records, even shuffled, give identical scores and metrics."""
    team = generate_team(TEAM)
    shuffled = team.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(score_people(team), score_people(team))
    pd.testing.assert_frame_equal(score_people(team), score_people(shuffled))
    pd.testing.assert_frame_equal(compute_metrics(team), compute_metrics(shuffled))


def test_missing_column_refused() -> None:
    """A table without a canonical column is refused with its name."""
    with pytest.raises(ValueError, match="deals_won"):
        compute_metrics(generate_team(TEAM).drop(columns="deals_won"))


def test_twenty_thousand_people_score_fast() -> None:
    """20,000 people over 24 months are scored well within 5 seconds, whole history included."""
    team = generate_team(DemoSpec(reps=20_000, months=24, seed=3, end="2026-10"))
    started = time.perf_counter()
    scored = score_people(team, window=None)
    metrics = compute_metrics(team, window=3)
    elapsed = time.perf_counter() - started
    assert len(scored) == 20_000
    assert metrics["rep_id"].nunique() == 20_000
    assert elapsed < 5.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    reps=st.integers(3, 40),
    months=st.integers(1, 8),
    window=st.sampled_from([1, 2, 3, 6]),
    back=st.integers(0, 9),
    drop=st.floats(0.0, 0.5),
)
def test_an_index_scores_every_window_as_the_table_does(
    seed: int, reps: int, months: int, window: int, back: int, drop: float
) -> None:
    """score_people on index_records(records) gives the table score_people gives on the records themselves,
    for any window and end (gaps, people who join late, shuffled rows), and score_only its rep_id, role and
    score: the segmentation scores many windows of one index (#17)."""
    team = generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-06"))
    rng = np.random.default_rng(seed)
    team = team.drop(index=team.index[rng.random(len(team)) < drop]).sample(frac=1, random_state=seed)
    if team.empty:
        return
    index = index_records(team)
    end = month_label(month_index("2026-06") - back)
    expected = score_people(team, window=window, end=end)
    pd.testing.assert_frame_equal(score_people(index, window=window, end=end), expected)
    pd.testing.assert_frame_equal(score_people(index, window=window, end=end), expected)  # the kept numbers too
    lean = expected[["rep_id", "role", "score"]]
    pd.testing.assert_frame_equal(score_only(index, window=window, end=end), lean)
    pd.testing.assert_frame_equal(score_only(team, window=window, end=end), lean)
    # Several windows in one pass: each table as score_only gives it (windows without anyone included).
    ends = [month_label(month_index(end) - k) for k in range(0, 12, 2)]
    windows = [(window, e) for e in ends] + [(1, e) for e in ends] + [(None, end)]
    for (w, e), table in zip(windows, score_windows(index, windows), strict=True):
        pd.testing.assert_frame_equal(table, score_only(team, window=w, end=e))


def test_metric_refs_read_each_medians_table_of_its_own() -> None:
    """References are read once per table (#17) but never from another table, even one built from the same rows."""
    from core.scoring.metrics import metric_refs

    def table(median: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "role": ["AE", "AE"],
                "metric": ["close_rate", "close_rate"],
                "raw_median": [median, 9.0],
                "raw_p75": [0.4, 9.0],
            }
        )

    first, second = table(0.2), table(0.3)
    assert metric_refs(first, "AE", "close_rate") == (0.2, 0.4)  # the first row, as a scan finds it
    assert metric_refs(second, "AE", "close_rate") == (0.3, 0.4)
    assert metric_refs(first, "AE", "close_rate") == (0.2, 0.4)
    assert all(math.isnan(v) for v in metric_refs(first, "SDR", "close_rate"))


_RANKED = st.sampled_from([0.0, -0.0, 1.0, 2.5, 2.5, math.inf, -math.inf, math.nan, 0.1, 7.0])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), _RANKED, _RANKED), max_size=40),
    st.booleans(),
)
def test_percentiles_of_stacked_windows_are_each_windows_own(rows: list[tuple[int, float, float]], tie: bool) -> None:
    """Placing every window's people among their own in one sort (score_windows, #17) gives each window exactly the
    percentiles it gets alone — ties, missing and infinite values, and tie-breaks included."""
    from core.scoring.metrics import _percentile, _percentile_in_blocks, _percentile_rows

    rows = sorted(rows, key=lambda r: r[0])  # windows stacked one after the other
    block = np.array([r[0] for r in rows], dtype=np.int64)
    values = np.array([r[1] for r in rows], dtype=np.float64)
    tiebreak = np.array([r[2] for r in rows], dtype=np.float64) if tie else None
    stacked = _percentile_in_blocks(values, tiebreak, block)
    for b in np.unique(block):
        mine = block == b
        alone = _percentile(values[mine], None if tiebreak is None else tiebreak[mine])
        np.testing.assert_array_equal(stacked[mine], alone)
        if tiebreak is None:  # and as the replicates' rows rank them, written apart
            np.testing.assert_array_equal(stacked[mine], _percentile_rows(values[mine][None, :])[0])


_REP_IDS = st.sampled_from(["A1", "A2", "B", "b", "Ä", "A10", "", "E10001"]) | st.none() | st.integers(0, 3)


@settings(max_examples=300, deadline=None)
@given(st.lists(_REP_IDS, max_size=12), st.booleans(), st.lists(st.integers(0, 3), min_size=12, max_size=12))
def test_people_and_their_order_as_factorize_and_lexsort_give_them(
    values: list[object], in_order: bool, months: list[int]
) -> None:
    """The index numbers people where the rep_id changes when rows come sorted (#17) — the same numbers, rep_ids
    and row order as pandas' sorted factorize and numpy's lexsort, sorted or not, with blanks and numbers among
    the texts, repeats and months out of order."""
    from core.scoring.metrics import _by_person_and_month, _people

    texts = [v for v in values if isinstance(v, str)]
    rep_ids = np.array(sorted(texts) if in_order else values, dtype=object)
    try:
        codes, uniques = pd.factorize(rep_ids, sort=True)
    except TypeError:  # pandas cannot sort these either: nothing to compare
        return
    person, found = _people(rep_ids)
    np.testing.assert_array_equal(person, codes)
    assert list(found) == list(uniques)
    month = np.array(months[: len(rep_ids)], dtype=np.int64)
    np.testing.assert_array_equal(_by_person_and_month(person, month), np.lexsort((month, person)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1e6) | st.sampled_from([1.0, 2.0, 20.0]), min_size=1, max_size=40))
def test_median_of_the_priors_is_numpys(values: list[float]) -> None:
    """The priors' median (#17: np.median's own overhead was most of fitting 150 priors) is numpy's, to the bit."""
    from core.scoring.metrics import _median

    array = np.array(values, dtype=np.float64)
    assert _median(array.copy()) == float(np.median(array))
