"""The coaching-impact estimator: DiD arithmetic, honest intervals, recovery of a simulated effect, and the null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.coaching.impact import (
    ImpactResult,
    ImpactSettings,
    _pre_post_columns,
    _skip_reason,
    _wide_history,
    estimate_from_records,
    estimate_impact,
    interval_text,
)
from core.demo import DemoSpec, generate_programme
from core.months import month_index

FAST = ImpactSettings(replicates=300)


def _history(values: dict[str, list[float]], first: str = "2026-01") -> pd.DataFrame:
    """Long history from per-person monthly scores (NaN = no month)."""
    months = pd.period_range(first, periods=len(next(iter(values.values()))), freq="M").strftime("%Y-%m")
    rows = [
        {"rep_id": rep, "period": month, "score": score}
        for rep, scores in values.items()
        for month, score in zip(months, scores, strict=True)
        if not np.isnan(score)
    ]
    return pd.DataFrame(rows)


def _people(reps: list[str], role: str = "SDR", tier: str = "core") -> pd.DataFrame:
    return pd.DataFrame({"rep_id": reps, "name": [f"Name {r}" for r in reps], "role": role, "tier": tier})


def _simulate(seed: int, effect: float, reps: int = 400, replicates: int = 500) -> ImpactResult:
    spec = DemoSpec(
        reps=reps,
        months=9,
        seed=seed,
        end="2026-09",
        programme_start="2026-06",
        programme_effect=effect,
        programme_ramp=1,
    )
    team, pairs = generate_programme(spec)
    return estimate_from_records(team, pairs, ImpactSettings(replicates=replicates))


def test_did_is_own_change_minus_mean_peer_change() -> None:
    """DiD = (post − pre of the coachee) − mean (post − pre) of the uncoached core peers, by hand."""
    history = _history(
        {
            "C1": [40, 42, 44, 60, 62, 64],  # pre mean 42, post mean 62: +20
            "P1": [50, 50, 50, 52, 52, 52],  # +2
            "P2": [30, 32, 34, 38, 36, 34],  # pre 32, post 36: +4
            "T1": [90, 90, 90, 10, 10, 10],  # top tier: not a peer
        }
    )
    people = pd.concat([_people(["C1", "P1", "P2"]), _people(["T1"], tier="top")])
    pairs = pd.DataFrame({"coach_id": ["A1"], "coachee_id": ["C1"], "start": ["2026-04"]})
    result = estimate_impact(history, pairs, people, FAST)
    row = result.coachees.iloc[0]
    assert row["change"] == pytest.approx(20.0)
    assert row["peer_change"] == pytest.approx(3.0)
    assert row["did"] == pytest.approx(17.0)
    assert row["peers"] == 2 and row["pre_months"] == 3 and row["post_months"] == 3
    assert row["low"] <= 17.0 <= row["high"]


def test_post_window_and_pre_window_follow_the_settings() -> None:
    """Only pre_months before and post_months from the start are compared."""
    history = _history(
        {
            "C1": [0, 10, 10, 20, 20, 99],
            "P1": [0, 10, 10, 10, 10, 99],
            "P2": [0, 10, 10, 10, 10, 99],
        }
    )
    pairs = pd.DataFrame({"coach_id": ["A1"], "coachee_id": ["C1"], "start": ["2026-04"]})
    settings = ImpactSettings(pre_months=2, post_months=2, replicates=200)
    row = estimate_impact(history, pairs, _people(["C1", "P1", "P2"]), settings).coachees.iloc[0]
    assert row["did"] == pytest.approx(10.0)


def test_one_coachee_gets_no_interval_and_ranks_last() -> None:
    """One coachee: lift but no interval, ranked last; two: a rough interval, ranked after coaches with 3+."""
    rng = np.random.default_rng(3)
    values = {f"P{i}": list(50 + rng.normal(0, 3, 6)) for i in range(20)}
    for i in range(4):
        values[f"C{i}"] = [50, 50, 50, 60 + i, 60, 60]
    values["D0"] = [50, 50, 50, 90, 90, 90]  # one huge, lucky-looking coachee
    values["E0"] = [50, 50, 50, 85, 85, 85]  # two lucky ones
    values["E1"] = [50, 50, 50, 86, 86, 86]
    people = _people(list(values))
    pairs = pd.DataFrame(
        {
            "coach_id": ["A1", "A1", "A1", "A1", "A2", "A3", "A3"],
            "coachee_id": ["C0", "C1", "C2", "C3", "D0", "E0", "E1"],
            "start": "2026-04",
        }
    )
    board = estimate_impact(_history(values), pairs, people, FAST).coaches
    assert board["coach_id"].tolist() == ["A1", "A3", "A2"]  # 3+ coachees first, no interval last
    assert "likely too narrow" in board.set_index("coach_id").at["A3", "note"]
    single = board.set_index("coach_id").loc["A2"]
    assert single["coachees"] == 1 and np.isnan(single["low"]) and np.isnan(single["high"])
    assert "cannot be estimated" in single["note"]
    assert single["lift"] > board.set_index("coach_id").loc["A1", "lift"]


def test_pairs_without_months_are_skipped_with_why() -> None:
    """A coachee with no month since the start, or none before, is listed as skipped, not estimated."""
    nan = float("nan")
    history = _history(
        {
            "C1": [40, 40, 40, nan, nan, nan],
            "C2": [nan, nan, nan, 50, 50, 50],
            "P1": [40, 40, 40, 40, 40, 40],
            "P2": [40, 40, 40, 40, 40, 40],
        }
    )
    pairs = pd.DataFrame({"coach_id": ["A1", "A1"], "coachee_id": ["C1", "C2"], "start": "2026-04"})
    result = estimate_impact(history, pairs, _people(["C1", "C2", "P1", "P2"]), FAST)
    assert result.coachees.empty
    why = dict(zip(result.skipped["coachee_id"], result.skipped["why"], strict=True))
    assert "from 2026-04 on" in why["C1"] and "before 2026-04" in why["C2"]


def test_estimator_recovers_a_simulated_effect() -> None:
    """With coaching simulated, the interval excludes 0 and contains the true lift.

    The true lift in score points is the estimate on the simulated team minus the estimate on the
    same team with the same luck but no effect (the generator couples the two by inverse-CDF
    draws), so it is exactly what the coaching added to the measured DiD.
    """
    coached = _simulate(1, 0.5).programme.set_index("group")
    same_luck = _simulate(1, 0.0).programme.set_index("group")
    truth = coached.at["all", "did"] - same_luck.at["all", "did"]
    assert truth > 5  # 0.5 SD of skill is several score points
    assert coached.at["all", "low"] > 0
    assert coached.at["all", "low"] <= truth <= coached.at["all", "high"]


def test_no_effect_interval_includes_zero_in_most_seeds() -> None:
    """Without a simulated effect the programme's 95% interval includes 0 in at least 85% of 30 seeds."""
    included = 0
    for seed in range(100, 130):
        row = _simulate(seed, 0.0, reps=300, replicates=300).programme.set_index("group").loc["all"]
        included += bool(row["low"] <= 0.0 <= row["high"])
    assert included / 30 >= 0.85


def test_programme_table_per_role_and_focus_metric() -> None:
    """The programme has a row per coachee role and for all; each coachee has a focus metric of their role."""
    result = _simulate(2, 0.5, reps=200, replicates=200)
    assert result.programme["group"].tolist() == ["SDR", "AE", "all"]
    sdr = result.coachees[result.coachees["role"] == "SDR"]
    assert set(sdr["focus_metric"]) <= {"lead_rate", "qualified_lead_rate", "qualification_efficiency"}
    assert result.coachees["focus_did"].notna().all()


def test_settings_are_checked() -> None:
    """Too few re-draws or an empty window is a one-sentence error."""
    pairs = pd.DataFrame({"coach_id": ["A"], "coachee_id": ["C"], "start": ["2026-04"]})
    with pytest.raises(ValueError, match="re-draws"):
        estimate_impact(_history({"C": [1.0]}), pairs, _people(["C"]), ImpactSettings(replicates=10))
    with pytest.raises(ValueError, match="at least 1 month"):
        estimate_impact(_history({"C": [1.0]}), pairs, _people(["C"]), ImpactSettings(pre_months=0))


def test_a_pair_started_before_the_data_is_skipped_not_fatal() -> None:
    """A pair started in the first month of the data is skipped; the other pairs are still estimated."""
    spec = DemoSpec(reps=200, months=9, seed=3, end="2026-09", programme_start="2026-06", programme_effect=0.5)
    team, pairs = generate_programme(spec)
    early = pairs.head(1).assign(start="2026-01")
    result = estimate_from_records(team, pd.concat([early, pairs.iloc[1:]]), FAST)
    assert result.skipped["coachee_id"].tolist() == [early["coachee_id"].iloc[0]]
    assert "before 2026-01" in result.skipped["why"].iloc[0]
    assert len(result.coachees) == len(pairs) - 1


# --------------------------------------------------------------------------- the named steps


def test_wide_history_lays_months_on_a_calendar_axis_with_gaps() -> None:
    """A month nobody was scored in keeps its column (NaN), so column distance is calendar distance."""
    history = pd.DataFrame(
        {"rep_id": ["A", "A", "B"], "period": ["2025-12", "2026-03", "2026-01"], "score": [10.0, 30.0, 20.0]}
    )
    wide = _wide_history(history)
    assert wide.months == 4 and wide.first_month == month_index("2025-12")
    assert wide.values[wide.position["A"], 0].tolist() == pytest.approx([10.0, np.nan, np.nan, 30.0], nan_ok=True)
    assert wide.values[wide.position["B"], 0].tolist() == pytest.approx([np.nan, 20.0, np.nan, np.nan], nan_ok=True)
    assert np.isnan(wide.values[:, 1:]).all()  # no metric percentiles in this history


@pytest.mark.parametrize(
    ("start", "pre", "post"),
    [
        ("2026-04", [0, 1, 2], [3, 4, 5]),  # three months either side, inside the axis
        ("2026-02", [0], [1, 2, 3]),  # only one month before the start is on the axis
        ("2026-06", [2, 3, 4], [5]),  # the data ends a month after the start
        ("2025-11", [], [0]),  # started before the data: nothing before; post_months count from the start
        ("2026-09", [5], []),  # started after the data ends: of the 3 months before, only 2026-06 has data
    ],
)
def test_pre_post_columns(start: str, pre: list[int], post: list[int]) -> None:
    """The columns before the start (at most pre_months) and from it on (at most post_months), clipped to the data."""
    wide = _wide_history(_history({"A": [1.0] * 6}))  # 2026-01 … 2026-06
    columns = _pre_post_columns(wide, start, ImpactSettings(pre_months=3, post_months=3))
    assert [c.tolist() for c in columns] == [pre, post]


def test_skip_reason_answers_without_side_effects() -> None:
    """The reason a coachee is skipped comes back as text ("" when estimable); nothing else is changed."""
    nan = float("nan")
    wide = _wide_history(_history({"OK": [1, 1, 1, 1, 1, 1], "NOPOST": [1, 1, 1, nan, nan, nan]}))
    settings = ImpactSettings(pre_months=3)
    columns = _pre_post_columns(wide, "2026-04", settings)
    before = wide.values.copy()
    assert _skip_reason("OK", "2026-04", "SDR", wide, columns, settings) == ""
    assert _skip_reason("NOPOST", "2026-04", "SDR", wide, columns, settings) == "no scored month from 2026-04 on yet"
    assert _skip_reason("GONE", "2026-04", "SDR", wide, columns, settings) == "not in the data before the start"
    assert _skip_reason("OK", "2026-04", float("nan"), wide, columns, settings) == "not in the data before the start"
    early = _pre_post_columns(wide, "2026-01", settings)
    assert (
        _skip_reason("OK", "2026-01", "SDR", wide, early, settings) == "no scored month in the 3 months before 2026-01"
    )
    np.testing.assert_array_equal(wide.values, before)


def test_too_few_peers_skips_the_whole_cohort_with_why() -> None:
    """With one uncoached core peer there is nothing to compare with: every coachee of the cohort is skipped."""
    history = _history({"C1": [40, 40, 40, 50, 50, 50], "C2": [30, 30, 30, 35, 35, 35], "P1": [40] * 6})
    pairs = pd.DataFrame({"coach_id": ["A1", "A2"], "coachee_id": ["C1", "C2"], "start": "2026-04"})
    result = estimate_impact(history, pairs, _people(["C1", "C2", "P1"]), FAST)
    assert result.coachees.empty and result.coaches.empty and result.programme.empty
    assert sorted(result.skipped["coachee_id"]) == ["C1", "C2"]
    assert set(result.skipped["why"]) == {"fewer than 2 uncoached core SDR peers with months before and after"}


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(3.41, 11.8, "+3.4 to +11.8"), (-0.2, 12.9, "-0.2 to +12.9"), (float("nan"), 1.0, "no interval")],
)
def test_interval_text(low: float, high: float, text: str) -> None:
    """An interval reads with signs and one decimal; a missing bound says there is no interval."""
    assert interval_text(low, high) == text
