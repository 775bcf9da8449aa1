"""The borderline bootstrap as one stacked computation (#17): every replicate scored in one vectorised pass.

The stacked path must give what re-scoring each replicate's table gives — the same draws for a seed, the
same scores, the same tiers — and the flag's properties must still hold on it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.demo import DEMO_SPEC, DemoSpec, generate_team
from core.months import window_periods
from core.scoring.metrics import score_people, score_replicates
from core.scoring.segmentation import SegmentSettings, segment
from core.scoring.tiers import PRESETS, assign_tiers, flip_share, tier_sizes

CUTOFFS = PRESETS["10/60/30"]


def _window(records: pd.DataFrame, months: int = 3) -> pd.DataFrame:
    return records[records["period"].isin(window_periods(records["period"].unique(), months))]


def _per_table(records: pd.DataFrame) -> pd.DataFrame:
    return score_people(records, window=None)


def _stacked(records: pd.DataFrame, draws: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    return score_replicates(records, draws)


@pytest.fixture(scope="module")
def demo_team() -> pd.DataFrame:
    """The app's demo team (120 people, 12 months), with a fixed end month."""
    return generate_team(DemoSpec(reps=DEMO_SPEC.reps, months=DEMO_SPEC.months, seed=DEMO_SPEC.seed, end="2026-10"))


def _quota_gaps(team: pd.DataFrame) -> pd.DataFrame:
    """Some AEs without a quota in some months: resamples then differ in how AEs are scored."""
    out = team.copy()
    aes = out.index[out["role"] == "AE"]
    out.loc[aes[::4], "quota"] = np.nan
    return out


@pytest.mark.parametrize("weights", [None, {"close_rate": 1.0, "quota_attainment": 0.0, "lead_rate": 0.5}])
@pytest.mark.parametrize("gaps", [False, True])
def test_unresampled_replicates_score_exactly_as_score_people(
    demo_team: pd.DataFrame, weights: dict[str, float] | None, gaps: bool
) -> None:
    """Draws that put every row back in its own slot give score_people's scores, to the last bit, in every replicate."""
    team = _quota_gaps(demo_team) if gaps else demo_team
    records = _window(team).sample(frac=1.0, random_state=3).reset_index(drop=True)  # row order must not matter
    expected = score_people(records, window=None, weights=weights).sort_values("rep_id").reset_index(drop=True)
    people, scores = score_replicates(records, np.tile(np.arange(len(records)), (4, 1)), weights=weights)
    assert people["rep_id"].tolist() == expected["rep_id"].tolist()
    assert people["role"].tolist() == expected["role"].tolist()
    for row in scores:
        np.testing.assert_array_equal(row, expected["score"].to_numpy())


@pytest.mark.parametrize("gaps", [False, True])
def test_each_replicate_scores_as_its_own_table(demo_team: pd.DataFrame, gaps: bool) -> None:
    """Replicate r of the stack scores what score_people gives for the table its draws describe."""
    records = _window(_quota_gaps(demo_team) if gaps else demo_team).reset_index(drop=True)
    rng = np.random.default_rng(11)
    person = records["rep_id"].to_numpy()
    draws = np.empty((5, len(records)), dtype=np.int64)
    for rep in np.unique(person):
        rows = np.flatnonzero(person == rep)
        draws[:, rows] = rng.choice(rows, size=(5, rows.size))
    people, scores = score_replicates(records, draws)
    for r in range(5):
        table = records.take(draws[r]).reset_index(drop=True)
        table["period"] = records["period"].to_numpy()  # each slot keeps its month
        expected = score_people(table, window=None).set_index("rep_id")["score"]
        np.testing.assert_array_equal(scores[r], expected.reindex(people["rep_id"]).to_numpy())


def test_stacked_flags_agree_with_rescoring_each_replicate(demo_team: pd.DataFrame) -> None:
    """On the demo team the stacked bootstrap gives the flip shares of 50 separate re-scorings (≥ 95% asked; all)."""
    tiers = assign_tiers(score_people(demo_team, window=3), CUTOFFS)
    records = _window(demo_team)
    each = flip_share(records, _per_table, tiers, CUTOFFS, replicates=50, seed=0)
    stacked = flip_share(records, _per_table, tiers, CUTOFFS, replicates=50, seed=0, stacked=_stacked)
    threshold = SegmentSettings().borderline_share
    agree = ((each > threshold) == (stacked > threshold)).mean()
    assert agree >= 0.95
    pd.testing.assert_series_equal(each, stacked)


def test_stacked_tiers_follow_assign_tiers_with_ties() -> None:
    """Any scorer, stacked or not, gives the same shares: stacked tiers break ties by rep_id as assign_tiers does."""
    rng = np.random.default_rng(2)
    reps = [f"r{i:03d}" for i in range(90)]
    records = pd.DataFrame(
        {
            "rep_id": np.repeat(reps, 3),
            "role": np.repeat(np.array(["SDR", "AE", "AM"])[np.arange(90) % 3], 3),
            "period": np.tile(["2026-01", "2026-02", "2026-03"], 90),
            "value": rng.integers(0, 4, 270).astype(float),  # few values: many ties at the cut-offs
        }
    )
    records.loc[records["rep_id"] == "r005", "value"] = np.nan  # never scored

    def scorer(table: pd.DataFrame) -> pd.DataFrame:
        return (
            table.groupby(["rep_id", "role"], as_index=False, sort=True)["value"]
            .sum(min_count=1)
            .rename(columns={"value": "score"})
        )

    def stacked(table: pd.DataFrame, draws: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        rows = []
        for one in draws:
            sample = table.take(one).reset_index(drop=True)
            sample["rep_id"], sample["role"] = table["rep_id"].to_numpy(), table["role"].to_numpy()
            rows.append(scorer(sample)["score"].to_numpy())
        return scorer(table)[["rep_id", "role"]], np.array(rows)

    tiers = assign_tiers(scorer(records), CUTOFFS)
    each = flip_share(records, scorer, tiers, CUTOFFS, replicates=30, seed=5)
    together = flip_share(records, scorer, tiers, CUTOFFS, replicates=30, seed=5, stacked=stacked)
    pd.testing.assert_series_equal(each, together)
    assert together["r005"] == 0


def test_same_seed_same_flags_and_the_seed_matters(demo_team: pd.DataFrame) -> None:
    """Segmenting twice with a seed gives identical flags; another seed draws other months."""
    first = segment(demo_team, SegmentSettings(seed=4))
    again = segment(demo_team, SegmentSettings(seed=4))
    pd.testing.assert_series_equal(first["borderline"], again["borderline"])
    tiers = assign_tiers(score_people(demo_team, window=3), CUTOFFS)
    records = _window(demo_team)
    a = flip_share(records, _per_table, tiers, CUTOFFS, replicates=50, seed=4, stacked=_stacked)
    b = flip_share(records, _per_table, tiers, CUTOFFS, replicates=50, seed=5, stacked=_stacked)
    assert not a.equals(b)


def test_segment_flags_sit_near_the_cutoffs() -> None:
    """With the real scores, flagged people are on average much closer (in rank) to a cut-off than the others."""
    team = generate_team(DemoSpec(reps=600, months=6, seed=9, end="2026-10"))
    segmented = segment(team, SegmentSettings())
    n = segmented.groupby("role")["rep_id"].transform("size")
    low = n.map(lambda k: tier_sizes(k, CUTOFFS)[0])
    top = n.map(lambda k: tier_sizes(k, CUTOFFS)[2])
    rank = segmented["rank"].astype(float)
    distance = np.minimum(np.abs(rank - (top + 0.5)), np.abs(rank - (n - low + 0.5)))
    flagged = segmented["borderline"].to_numpy()
    assert 0 < flagged.sum() < len(flagged) / 2
    assert distance[flagged].mean() < 0.5 * distance[~flagged].mean()


def test_segment_flags_the_straddler_not_the_steady() -> None:
    """An AE whose months straddle the top cut-off is flagged; steady AEs far from a cut-off are not."""
    months = ["2026-08", "2026-09", "2026-10"]
    rates = {f"steady{i:02d}": [0.05 + 0.05 * i] * 3 for i in range(18)}
    rates["swing"] = [0.9, 0.4, 0.66]
    rates["middle"] = [0.47, 0.47, 0.47]
    rows = [
        {
            "rep_id": rep,
            "name": rep,
            "role": "AE",
            "team": "T",
            "region": "R",
            "manager": "M",
            "coach_willing": True,
            "period": month,
            "deals_worked": 100,
            "deals_won": round(rate * 100),
            "revenue_won": 1000.0,
            "quota": 1000.0,
        }
        for rep, monthly in rates.items()
        for month, rate in zip(months, monthly, strict=True)
    ]
    team = pd.DataFrame(rows).reindex(columns=list(generate_team(DemoSpec(reps=5, months=1)).columns))
    segmented = segment(team, SegmentSettings(replicates=60, seed=1)).set_index("rep_id")
    assert segmented.loc["swing", "borderline"]
    assert not segmented.loc["middle", "borderline"]
    assert not segmented.loc[[f"steady{i:02d}" for i in (0, 1, 8, 9, 17)], "borderline"].any()


_CELLS = st.sampled_from([math.nan, math.inf, -math.inf, 0.0, 1.0, 2.5, 2.5, 40.0]) | st.floats(-1e6, 1e6)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.lists(st.lists(_CELLS, min_size=6, max_size=6), min_size=rows, max_size=rows)
    )
)
def test_percentile_rows_is_each_rows_percentile(rows: list[list[float]]) -> None:
    """The stacked percentiles (one sort for every replicate) are each row's own, with missing values, ties and
    infinities among them (#17: the missing ones are sorted as +inf unless a value is +inf)."""
    from core.scoring.metrics import _percentile, _percentile_rows

    values = np.array(rows, dtype=np.float64)
    stacked = _percentile_rows(values)
    for row, expected in zip(stacked, values, strict=True):
        np.testing.assert_array_equal(row, _percentile(expected))


_SCORES = st.sampled_from([math.nan, 0.0, 1.0, 2.5, 40.0]) | st.floats(0, 100)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.lists(st.lists(_SCORES, min_size=9, max_size=9), min_size=rows, max_size=rows)
    ),
    st.permutations(range(9)),
)
def test_stacked_tiers_are_each_rows_assign_tiers(rows: list[list[float]], rep: list[int]) -> None:
    """Every replicate's tiers are assign_tiers' of that replicate alone: equal scores split by rep_id, missing
    scores unplaced, rows with and without ties."""
    from core.scoring.tiers import TIERS, _stacked_tiers

    score = np.array(rows, dtype=np.float64)
    role = np.array([0, 1, 0, 1, 0, 0, 1, 0, 0])
    stacked = _stacked_tiers(role, np.array(rep), score, CUTOFFS)
    for row, tiers in zip(score, stacked, strict=True):
        table = pd.DataFrame({"rep_id": [f"r{r}" for r in rep], "role": role, "score": row})
        expected = assign_tiers(table, CUTOFFS)["tier"].map({t: i for i, t in enumerate(TIERS)}).fillna(-1)
        np.testing.assert_array_equal(tiers, expected.to_numpy(dtype=np.int64))


_CUTS = st.sampled_from([CUTOFFS, (20, 70, 10), (100, 0, 0), (0, 0, 100), (0, 100, 0), (50, 0, 50), (34, 33, 33)])


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda rows: st.lists(
            st.lists(st.sampled_from([0.0, 1.0, 2.5, 40.0, math.inf, -math.inf]), min_size=11, max_size=11),
            min_size=rows,
            max_size=rows,
        )
    ),
    st.lists(st.booleans(), min_size=11, max_size=11),
    st.permutations(range(11)),
    _CUTS,
)
def test_stacked_tiers_with_the_same_people_scored_in_every_row(
    rows: list[list[float]], unscored: list[bool], rep: list[int], cutoffs: tuple[int, int, int]
) -> None:
    """With the same people scored in every replicate (the usual case), the tiers come from two thresholds found
    without sorting (#17): still assign_tiers' of each replicate, with many ties at the cut-offs, any cut-offs,
    infinite scores and nobody or everybody scored."""
    from core.scoring.tiers import TIERS, _stacked_tiers

    score = np.array(rows, dtype=np.float64)
    score[:, np.array(unscored)] = np.nan
    role = np.array([0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0])
    stacked = _stacked_tiers(role, np.array(rep), score, cutoffs)
    names = [f"r{r:02d}" for r in rep]
    for row, tiers in zip(score, stacked, strict=True):
        table = pd.DataFrame({"rep_id": names, "role": role, "score": row})
        expected = assign_tiers(table, cutoffs)["tier"].map({t: i for i, t in enumerate(TIERS)}).fillna(-1)
        np.testing.assert_array_equal(tiers, expected.to_numpy(dtype=np.int64))


@pytest.mark.parametrize("months", [1, 2, 3, 6, 24])
def test_draws_with_one_bound_for_everyone_are_those_of_a_bound_per_slot(months: int) -> None:
    """When every person has as many months, the draws use one bound for all: numpy must draw the very numbers
    it draws with the bound given per slot (else the same seed would flag other people than before)."""
    from core.scoring.tiers import _draw_blocks

    count = np.full(5_000, months, dtype=np.int64)
    (drawn,) = _draw_blocks(count, 40, seed=7)  # one block: 200,000 cells
    np.testing.assert_array_equal(drawn, np.random.default_rng(7).integers(0, count, size=(40, count.size)))
