"""Tiers within each role: cut-offs, sizes, ranking and ties, bootstrap borderline, persistence, trend."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core.scoring.tiers as tiers_module
from core.demo import DemoSpec, generate_team
from core.scoring.tiers import (
    MIN_MEANINGFUL,
    PRESET_NOTES,
    PRESETS,
    TIERS,
    Cutoffs,
    assign_tiers,
    borderline,
    flip_share,
    parse_cutoffs,
    persistence,
    score_history,
    tier_sizes,
    trend,
    window_ends,
)

# --------------------------------------------------------------------------- a simple, real scorer

SUMMED = ["deals_won", "deals_worked", "qualified_leads", "leads_sent", "portfolio_start", "portfolio_end"]


def _ratio(num: pd.Series, den: pd.Series) -> np.ndarray:
    n = num.to_numpy(dtype=float, na_value=0.0)
    d = den.to_numpy(dtype=float, na_value=0.0)
    return np.divide(n, d, out=np.zeros_like(n), where=d > 0)


def rate_scorer(records: pd.DataFrame) -> pd.DataFrame:
    """Score = percentile within role of a rate from summed counts: AE won/worked, SDR qualified/sent, AM growth."""
    sums = records.groupby(["rep_id", "role"], as_index=False, sort=True)[SUMMED].sum()
    role = sums["role"].to_numpy()
    value = np.select(
        [role == "AE", role == "SDR"],
        [
            _ratio(sums["deals_won"], sums["deals_worked"]),
            _ratio(sums["qualified_leads"], sums["leads_sent"]),
        ],
        default=_ratio(sums["portfolio_end"] - sums["portfolio_start"], sums["portfolio_start"]),
    )
    sums["score"] = pd.Series(value).groupby(role).rank(pct=True).to_numpy() * 100
    return sums[["rep_id", "role", "score"]]


def windowed(window: int) -> Callable[[pd.DataFrame, str], pd.DataFrame]:
    """The same scorer for the ``window`` months ending at ``end`` (as score_people(window=..., end=...) does)."""

    def scorer(records: pd.DataFrame, end: str) -> pd.DataFrame:
        first = str(pd.Period(end, freq="M") - (window - 1))
        period = records["period"].astype(str)
        return rate_scorer(records[(period >= first) & (period <= end)])

    return scorer


def ae_records(rates: dict[str, list[float | None]], *, start: str = "2026-01") -> pd.DataFrame:
    """AE records by hand: each rep's monthly close rate (None = no row that month), 100 deals worked a month."""
    first = pd.Period(start, freq="M")
    rows = [
        {"rep_id": rep, "role": "AE", "period": str(first + i), "deals_worked": 100, "deals_won": round(rate * 100)}
        for rep, monthly in rates.items()
        for i, rate in enumerate(monthly)
        if rate is not None
    ]
    frame = pd.DataFrame(rows)
    for column in SUMMED:
        if column not in frame:
            frame[column] = np.nan
    return frame


def demo(reps: int = 300, months: int = 12, seed: int = 5) -> pd.DataFrame:
    """Canonical demo records with a fixed end month."""
    return generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-10"))


def scores(rep_scores: dict[str, float], role: str = "AE") -> pd.DataFrame:
    """A scored table by hand: one role, rep_id -> score."""
    return pd.DataFrame({"rep_id": list(rep_scores), "role": role, "score": list(rep_scores.values())})


# --------------------------------------------------------------------------- tier sizes

# Worked out by hand from the documented rule: low = round-half-up(n × low%), top = round-half-up(n × top%),
# core = the rest. E.g. 10/60/30 with n = 15: 1.5 → 2 low, 4.5 → 5 top, 8 core.
SIZES: dict[str, dict[int, tuple[int, int, int]]] = {
    "10/60/30": {
        1: (0, 1, 0), 2: (0, 1, 1), 3: (0, 2, 1), 4: (0, 3, 1), 5: (1, 2, 2), 6: (1, 3, 2),
        7: (1, 4, 2), 8: (1, 5, 2), 9: (1, 5, 3), 10: (1, 6, 3), 11: (1, 7, 3), 12: (1, 7, 4),
        13: (1, 8, 4), 14: (1, 9, 4), 15: (2, 8, 5), 16: (2, 9, 5), 17: (2, 10, 5), 18: (2, 11, 5),
        19: (2, 11, 6), 20: (2, 12, 6), 21: (2, 13, 6), 22: (2, 13, 7), 23: (2, 14, 7), 24: (2, 15, 7),
        25: (3, 14, 8), 26: (3, 15, 8), 27: (3, 16, 8), 28: (3, 17, 8), 29: (3, 17, 9), 30: (3, 18, 9),
    },
    "20/70/10": {
        1: (0, 1, 0), 2: (0, 2, 0), 3: (1, 2, 0), 4: (1, 3, 0), 5: (1, 3, 1), 6: (1, 4, 1),
        7: (1, 5, 1), 8: (2, 5, 1), 9: (2, 6, 1), 10: (2, 7, 1), 11: (2, 8, 1), 12: (2, 9, 1),
        13: (3, 9, 1), 14: (3, 10, 1), 15: (3, 10, 2), 16: (3, 11, 2), 17: (3, 12, 2), 18: (4, 12, 2),
        19: (4, 13, 2), 20: (4, 14, 2), 21: (4, 15, 2), 22: (4, 16, 2), 23: (5, 16, 2), 24: (5, 17, 2),
        25: (5, 17, 3), 26: (5, 18, 3), 27: (5, 19, 3), 28: (6, 19, 3), 29: (6, 20, 3), 30: (6, 21, 3),
    },
    "16/68/16": {
        1: (0, 1, 0), 2: (0, 2, 0), 3: (0, 3, 0), 4: (1, 2, 1), 5: (1, 3, 1), 6: (1, 4, 1),
        7: (1, 5, 1), 8: (1, 6, 1), 9: (1, 7, 1), 10: (2, 6, 2), 11: (2, 7, 2), 12: (2, 8, 2),
        13: (2, 9, 2), 14: (2, 10, 2), 15: (2, 11, 2), 16: (3, 10, 3), 17: (3, 11, 3), 18: (3, 12, 3),
        19: (3, 13, 3), 20: (3, 14, 3), 21: (3, 15, 3), 22: (4, 14, 4), 23: (4, 15, 4), 24: (4, 16, 4),
        25: (4, 17, 4), 26: (4, 18, 4), 27: (4, 19, 4), 28: (4, 20, 4), 29: (5, 19, 5), 30: (5, 20, 5),
    },
    "20/60/20": {
        1: (0, 1, 0), 2: (0, 2, 0), 3: (1, 1, 1), 4: (1, 2, 1), 5: (1, 3, 1), 6: (1, 4, 1),
        7: (1, 5, 1), 8: (2, 4, 2), 9: (2, 5, 2), 10: (2, 6, 2), 11: (2, 7, 2), 12: (2, 8, 2),
        13: (3, 7, 3), 14: (3, 8, 3), 15: (3, 9, 3), 16: (3, 10, 3), 17: (3, 11, 3), 18: (4, 10, 4),
        19: (4, 11, 4), 20: (4, 12, 4), 21: (4, 13, 4), 22: (4, 14, 4), 23: (5, 13, 5), 24: (5, 14, 5),
        25: (5, 15, 5), 26: (5, 16, 5), 27: (5, 17, 5), 28: (6, 16, 6), 29: (6, 17, 6), 30: (6, 18, 6),
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("preset", "n", "expected"),
    [(preset, n, sizes) for preset, table in SIZES.items() for n, sizes in table.items()],
)
def test_tier_sizes_table(preset: str, n: int, expected: tuple[int, int, int]) -> None:
    """Every preset, n = 1…30: the hand-worked (low, core, top), which always sums to n."""
    assert tier_sizes(n, PRESETS[preset]) == expected
    assert sum(expected) == n


def test_size_table_covers_every_preset() -> None:
    """The hand-worked table has all presets and all n from 1 to 30."""
    assert set(SIZES) == set(PRESETS)
    assert all(sorted(table) == list(range(1, 31)) for table in SIZES.values())


@pytest.mark.parametrize(
    ("n", "cutoffs", "expected"),
    [
        (0, (10, 60, 30), (0, 0, 0)),
        (1, (50, 0, 50), (1, 0, 0)),  # 0.5 → 1 low and 0.5 → 1 top: too many, top shrinks first
        (3, (50, 0, 50), (2, 0, 1)),  # 1.5 → 2 and 1.5 → 2: top shrinks to 1
        (7, (0, 100, 0), (0, 7, 0)),
        (7, (100, 0, 0), (7, 0, 0)),
        (7, (0, 0, 100), (0, 0, 7)),
        (200, (10, 60, 30), (20, 120, 60)),
        (1005, (10, 60, 30), (101, 602, 302)),  # 100.5 → 101 low, 301.5 → 302 top
    ],
)
def test_tier_sizes_edges(n: int, cutoffs: Cutoffs, expected: tuple[int, int, int]) -> None:
    """Empty roles, all-in-one-tier cut-offs, half-way cases, and low + top exceeding n."""
    assert tier_sizes(n, cutoffs) == expected


@pytest.mark.parametrize(("n", "cutoffs"), [(-1, (10, 60, 30)), (5, (10, 60, 20)), (5, (-10, 80, 30))])
def test_tier_sizes_rejects(n: int, cutoffs: Cutoffs) -> None:
    """A negative head count or cut-offs that do not add to 100 are refused with a sentence."""
    with pytest.raises(ValueError, match=r"\w+ \w+"):
        tier_sizes(n, cutoffs)


@given(n=st.integers(0, 5000), low=st.integers(0, 100), top=st.integers(0, 100))
def test_tier_sizes_property(n: int, low: int, top: int) -> None:
    """Any cut-offs: sizes sum to n, and low is its share rounded half up."""
    if low + top > 100:
        low, top = top // 2, low // 2
    sizes = tier_sizes(n, (low, 100 - low - top, top))
    assert sum(sizes) == n and min(sizes) >= 0
    assert sizes[0] == int(n * low / 100 + 0.5 + 1e-9)


# --------------------------------------------------------------------------- parse_cutoffs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/60/30", (10, 60, 30)),
        ("20/70/10", (20, 70, 10)),
        ("16/68/16", (16, 68, 16)),
        ("20/60/20", (20, 60, 20)),
        ("10,60,30", (10, 60, 30)),
        (" 15 , 70 , 15 ", (15, 70, 15)),
        ("25;50;25", (25, 50, 25)),
        ("10%/60%/30%", (10, 60, 30)),
        ("0,100,0", (0, 100, 0)),
    ],
)
def test_parse_cutoffs(text: str, expected: Cutoffs) -> None:
    """Presets and three whole numbers with , / or ; between them."""
    assert parse_cutoffs(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10,60", "three whole percentages"),
        ("10,60,20,10", "three whole percentages"),
        ("50,60,30", "add up to 100"),
        ("a,b,c", "three whole percentages"),
        ("10.5,59.5,30", "three whole percentages"),
        ("-10,80,30", "cannot be negative"),
        ("", "three whole percentages"),
        ("top heavy", "three whole percentages"),
    ],
)
def test_parse_cutoffs_errors(text: str, message: str) -> None:
    """Anything but three whole numbers ≥ 0 summing to 100 is a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match=message):
        parse_cutoffs(text)


def test_presets_have_notes() -> None:
    """Each preset sums to 100, parses to itself, and has a one-line note; 10/60/30 is the default."""
    assert list(PRESETS)[0] == "10/60/30"
    assert set(PRESET_NOTES) == set(PRESETS)
    for name, cutoffs in PRESETS.items():
        assert sum(cutoffs) == 100 and parse_cutoffs(name) == cutoffs
        assert PRESET_NOTES[name] and "\n" not in PRESET_NOTES[name]
    assert "Dixon" in PRESET_NOTES["10/60/30"] and "default" in PRESET_NOTES["10/60/30"].lower()


# --------------------------------------------------------------------------- assign_tiers


@pytest.mark.parametrize("preset", list(PRESETS))
def test_counts_per_role_match_tier_sizes(preset: str) -> None:
    """On a demo team every role's tier head counts are exactly tier_sizes(role size)."""
    tiers = assign_tiers(rate_scorer(demo()), PRESETS[preset])
    for role, group in tiers.groupby("role"):
        counts = group["tier"].value_counts()
        assert tuple(int(counts.get(t, 0)) for t in TIERS) == tier_sizes(len(group), PRESETS[preset]), role


TIE_SCORES = {
    "j": 90.0,
    "i": 80.0,
    "b": 70.0,
    "a": 70.0,
    "h": 50.0,
    "g": 50.0,
    "f": 40.0,
    "e": 30.0,
    "d": 10.0,
    "c": 10.0,
}


@pytest.mark.parametrize(
    ("rep_id", "tier", "rank", "tie"),
    [
        ("j", "top", 1, False),
        ("i", "top", 2, False),
        ("a", "top", 3, True),  # 70 = 70 across the top cut-off: the lower rep_id wins the place
        ("b", "core", 4, True),
        ("g", "core", 5, False),  # a tie inside the core is not at a boundary
        ("h", "core", 6, False),
        ("f", "core", 7, False),
        ("e", "core", 8, False),
        ("c", "core", 9, True),  # 10 = 10 across the low cut-off: the higher rep_id goes low
        ("d", "low", 10, True),
    ],
)
def test_ties_at_boundary(rep_id: str, tier: str, rank: int, tie: bool) -> None:
    """Ten people, 10/60/30 (1 low, 3 top): ties across a cut-off are broken by rep_id ascending and flagged."""
    out = assign_tiers(scores(TIE_SCORES)).set_index("rep_id")
    assert (out.loc[rep_id, "tier"], out.loc[rep_id, "rank"], out.loc[rep_id, "tie_at_boundary"]) == (tier, rank, tie)


def test_tie_spanning_three_tiers() -> None:
    """Everyone tied: ranks follow rep_id, all three tiers are used, and everyone is flagged."""
    out = assign_tiers(scores({r: 5.0 for r in "edcbajihgf"})).set_index("rep_id").sort_index()
    assert out["tier"].tolist() == ["top"] * 3 + ["core"] * 6 + ["low"]
    assert out["rank"].tolist() == list(range(1, 11))
    assert out["tie_at_boundary"].all()
    assert (out["percentile"] == 50).all()


@pytest.mark.parametrize(("size", "meaningful"), [(1, False), (4, False), (MIN_MEANINGFUL, True), (12, True)])
def test_small_roles_not_meaningful(size: int, meaningful: bool) -> None:
    """A role with fewer than MIN_MEANINGFUL people still gets tiers, marked not meaningful."""
    small = scores({f"s{i:02d}": float(i) for i in range(size)}, role="AM")
    big = scores({f"b{i:02d}": float(i) for i in range(20)}, role="AE")
    out = assign_tiers(pd.concat([small, big], ignore_index=True))
    assert (out.loc[out["role"] == "AM", "meaningful"] == meaningful).all()
    assert out.loc[out["role"] == "AE", "meaningful"].all()
    assert out["tier"].notna().all()


def test_planted_extremes() -> None:
    """An AE who wins every deal is top, one who wins none is low; likewise for SDRs."""
    records = demo()
    ae = records.index[records["role"] == "AE"]
    sdr = records.index[records["role"] == "SDR"]
    best_ae, worst_ae = records.loc[ae, "rep_id"].unique()[:2]
    best_sdr, worst_sdr = records.loc[sdr, "rep_id"].unique()[:2]
    records.loc[records["rep_id"] == best_ae, "deals_won"] = records.loc[records["rep_id"] == best_ae, "deals_worked"]
    records.loc[records["rep_id"] == worst_ae, "deals_won"] = 0
    best_rows = records["rep_id"] == best_sdr
    records.loc[best_rows, "qualified_leads"] = records.loc[best_rows, "leads_sent"]
    records.loc[records["rep_id"] == worst_sdr, "qualified_leads"] = 0
    out = assign_tiers(rate_scorer(records)).set_index("rep_id")
    assert out.loc[best_ae, "tier"] == "top" and out.loc[best_ae, "rank"] == 1
    assert out.loc[worst_ae, "tier"] == "low"
    assert out.loc[best_sdr, "tier"] == "top" and out.loc[worst_sdr, "tier"] == "low"
    assert out.loc[best_ae, "percentile"] == 100 and out.loc[worst_ae, "percentile"] == 0


def test_deterministic_and_order_independent() -> None:
    """Same input, same output; shuffled rows give each person the same rank and tier; row order and index kept."""
    scored = rate_scorer(demo())
    first = assign_tiers(scored)
    pd.testing.assert_frame_equal(first, assign_tiers(scored))
    shuffled = scored.sample(frac=1.0, random_state=3)
    again = assign_tiers(shuffled)
    assert again.index.equals(shuffled.index)
    cols = ["rank", "percentile", "tier", "tie_at_boundary", "meaningful"]
    pd.testing.assert_frame_equal(
        first.set_index("rep_id")[cols].sort_index(), again.set_index("rep_id")[cols].sort_index()
    )


def test_percentile_monotone_in_score() -> None:
    """Within a role a higher score never has a lower percentile; ties share one; best 100, worst 0."""
    out = assign_tiers(rate_scorer(demo()))
    for _, group in out.groupby("role"):
        ordered = group.sort_values("score")
        assert ordered["percentile"].is_monotonic_increasing
        assert ordered.groupby("score")["percentile"].nunique().max() == 1
        assert ordered["percentile"].iloc[-1] == 100 and ordered["percentile"].iloc[0] == 0
        assert ordered["rank"].is_monotonic_decreasing or ordered["score"].duplicated().any()


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.tuples(st.sampled_from(["SDR", "AE", "AM"]), st.integers(0, 6)), min_size=1, max_size=40),
    preset=st.sampled_from(list(PRESETS)),
)
def test_assign_tiers_property(values: list[tuple[str, int]], preset: str) -> None:
    """Random small roles with many ties: sizes, order, tie flags (checked pair by pair) all hold."""
    frame = pd.DataFrame({"rep_id": [f"r{i:02d}" for i in range(len(values))], "role": [v[0] for v in values]}).assign(
        score=[float(v[1]) for v in values]
    )
    out = assign_tiers(frame, PRESETS[preset])
    order = {t: i for i, t in enumerate(TIERS)}
    for _, group in out.groupby("role"):
        counts = group["tier"].value_counts()
        assert tuple(int(counts.get(t, 0)) for t in TIERS) == tier_sizes(len(group), PRESETS[preset])
        by_rank = group.sort_values("rank")
        assert by_rank["score"].is_monotonic_decreasing
        assert by_rank["tier"].map(order).is_monotonic_decreasing
        for row in group.itertuples():
            others = group[(group["score"] == row.score) & (group["tier"] != row.tier)]
            assert row.tie_at_boundary == (len(others) > 0)
        assert (group["meaningful"] == (len(group) >= MIN_MEANINGFUL)).all()


def test_missing_scores_are_not_ranked() -> None:
    """A person without a score keeps their row but gets no rank, percentile or tier, and does not count."""
    frame = scores({"a": 1.0, "b": np.nan, "c": 3.0, "d": 4.0, "e": 5.0, "f": 6.0})
    out = assign_tiers(frame).set_index("rep_id")
    assert pd.isna(out.loc["b", "rank"]) and pd.isna(out.loc["b", "tier"]) and np.isnan(out.loc["b", "percentile"])
    assert not out.loc["b", "meaningful"]
    assert out["rank"].dropna().tolist() == [5, 4, 3, 2, 1]
    assert out.loc["a", "tier"] == "low" and out["meaningful"].sum() == 5


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"rep_id": ["a"], "score": [1.0]}), "role"),
        (pd.DataFrame({"rep_id": ["a", "a"], "role": ["AE", "AE"], "score": [1.0, 2.0]}), "repeated rep_id: a"),
    ],
)
def test_assign_tiers_rejects(frame: pd.DataFrame, message: str) -> None:
    """Missing columns and repeated people are refused with a sentence."""
    with pytest.raises(ValueError, match=message):
        assign_tiers(frame)


# --------------------------------------------------------------------------- borderline


def straddle_records() -> pd.DataFrame:
    """20 AEs over 3 months: 18 steady at rates 0.05…0.90, one swinging around the top cut-off, one steady mid-core."""
    rates: dict[str, list[float | None]] = {f"steady{i:02d}": [0.05 + 0.05 * i] * 3 for i in range(18)}
    rates["swing"] = [0.9, 0.4, 0.66]  # mean 0.653, just above the 6th best steady rate of 0.65
    rates["middle"] = [0.47, 0.47, 0.47]
    return ae_records(rates)


def test_borderline_flags_the_straddler() -> None:
    """A rep whose months straddle cut-offs is flagged and flips often; a steady mid-core rep is not."""
    records = straddle_records()
    tiers = assign_tiers(rate_scorer(records))
    flags = borderline(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=60, seed=1)
    share = flip_share(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=60, seed=1)
    assert flags.dtype == bool and list(flags.index) == tiers["rep_id"].tolist()
    assert flags["swing"] and not flags["middle"]
    assert share["swing"] > 0.3 > share["middle"]
    assert share["middle"] == 0  # mid-core with steady months never leaves the core
    assert flags.sum() <= 3


def test_borderline_deterministic_for_a_seed() -> None:
    """The same seed gives the same shares; the flags are drawn from the shares."""
    records = demo(reps=200, months=3)
    tiers = assign_tiers(rate_scorer(records))
    a = flip_share(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=20, seed=4)
    b = flip_share(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=20, seed=4)
    pd.testing.assert_series_equal(a, b)
    flags = borderline(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=20, seed=4, threshold=0.25)
    pd.testing.assert_series_equal(flags, (a > 0.25).rename("borderline"))
    assert 0 < flags.sum() < len(flags)


def test_bootstrap_resamples_each_persons_own_months() -> None:
    """Every replicate keeps each person's months (slots) and fills them only with values from that person's months."""
    records = straddle_records()
    seen: list[pd.DataFrame] = []

    def spy(sample: pd.DataFrame) -> pd.DataFrame:
        seen.append(sample.copy())
        return rate_scorer(sample)

    tiers = assign_tiers(rate_scorer(records))
    flip_share(records, spy, tiers, PRESETS["10/60/30"], replicates=5, seed=2)
    own = records.groupby("rep_id")["deals_won"].agg(set)
    slots = sorted(zip(records["rep_id"], records["period"], strict=True))
    assert len(seen) == 5
    for sample in seen:
        assert sorted(zip(sample["rep_id"], sample["period"], strict=True)) == slots
        assert all(won in own[rep] for rep, won in zip(sample["rep_id"], sample["deals_won"], strict=True))
    assert not all(s["deals_won"].tolist() == seen[0]["deals_won"].tolist() for s in seen[1:])


def test_borderline_sits_near_cutoffs() -> None:
    """On a demo team, flagged people are on average much closer (in rank) to a cut-off than the others."""
    records = demo(reps=600, months=3, seed=9)
    tiers = assign_tiers(rate_scorer(records))
    flags = borderline(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=40, seed=0)
    n = tiers.groupby("role")["rep_id"].transform("size")
    low = n.map(lambda k: tier_sizes(k, PRESETS["10/60/30"])[0])
    top = n.map(lambda k: tier_sizes(k, PRESETS["10/60/30"])[2])
    rank = tiers["rank"].astype(float)
    distance = np.minimum(np.abs(rank - (top + 0.5)), np.abs(rank - (n - low + 0.5)))
    flagged = flags.reindex(tiers["rep_id"]).to_numpy()
    assert flagged.any()
    assert distance[flagged].mean() < 0.5 * distance[~flagged].mean()


def test_borderline_is_fast_at_scale() -> None:
    """20,000 reps × 3 months × 50 replicates with a groupby scorer runs in seconds, not minutes."""
    records = demo(reps=20_000, months=3, seed=2)
    tiers = assign_tiers(rate_scorer(records))
    started = time.perf_counter()
    flags = borderline(records, rate_scorer, tiers, PRESETS["10/60/30"], replicates=50)
    elapsed = time.perf_counter() - started
    assert len(flags) == 20_000 and flags.any()
    assert elapsed < 30, f"borderline took {elapsed:.1f}s"


# --------------------------------------------------------------------------- persistence

BAD, GOOD = 0.02, 0.98
# 30 AEs over 12 months, 2025-11 … 2026-10. With window 3 and 3 windows: 2026-02…04, 05…07, 08…10 (current).
# 10/60/30 puts 3 of 30 in the low tier of each window.
PLANTED: dict[str, list[float | None]] = {
    "always": [0.5] * 3 + [BAD] * 9,
    "now_only": [BAD] * 3 + [GOOD] * 6 + [BAD] * 3,  # also bad in 2025-11…2026-01, which is outside the windows
    "before_only": [0.5] * 3 + [BAD] * 6 + [GOOD] * 3,
    "first_and_now": [0.5] * 3 + [BAD] * 3 + [GOOD] * 3 + [BAD] * 3,
    "joiner": [None] * 9 + [GOOD] * 3,
    **{f"rep{i:02d}": [0.30 + 0.02 * i] * 12 for i in range(25)},
}


@pytest.mark.parametrize(
    ("rep_id", "low_windows", "windows_seen", "persistent"),
    [
        ("always", 3, 3, True),
        ("first_and_now", 2, 3, True),  # low now and in one earlier window: 2 of 3
        ("now_only", 1, 3, False),
        ("before_only", 2, 3, False),  # low twice, but not now
        ("joiner", 0, 1, False),
        ("rep10", 0, 3, False),
    ],
)
def test_persistence(rep_id: str, low_windows: int, windows_seen: int, persistent: bool) -> None:
    """Low in the current window and in ≥ 2 of the windows seen is persistent; one bad window or an old one is not."""
    out = persistence(
        ae_records(PLANTED, start="2025-11"), windowed(3), window=3, windows=3, cutoffs=PRESETS["10/60/30"]
    ).set_index("rep_id")
    assert out.loc[rep_id, ["low_windows", "windows_seen", "persistent_low"]].tolist() == [
        low_windows,
        windows_seen,
        persistent,
    ]


def test_persistence_reports_the_previous_window() -> None:
    """The window before the current one: its tier, and whether the person was low or just above the low cut-off."""
    out = persistence(
        ae_records(PLANTED, start="2025-11"), windowed(3), window=3, windows=3, cutoffs=PRESETS["10/60/30"]
    ).set_index("rep_id")
    assert out.loc["before_only", "previous_tier"] == "low" and bool(out.loc["before_only", "previous_near_low"])
    assert out.loc["now_only", "previous_tier"] == "top" and not bool(out.loc["now_only", "previous_near_low"])
    assert out.loc["joiner", "previous_tier"] is None and not bool(out.loc["joiner", "previous_near_low"])
    assert bool(out.loc["rep01", "previous_near_low"]) and out.loc["rep01", "previous_tier"] == "core"
    assert not bool(out.loc["rep24", "previous_near_low"])


def test_persistence_shape() -> None:
    """One row per person scored in any window, rep_id a column, integer counts and a bool flag."""
    out = persistence(demo(reps=120), windowed(3), window=3, windows=3, cutoffs=PRESETS["10/60/30"])
    assert list(out.columns) == [
        "rep_id",
        "low_windows",
        "windows_seen",
        "persistent_low",
        "previous_tier",
        "previous_near_low",
    ]
    assert out["rep_id"].is_unique and len(out) == 120
    assert out["low_windows"].dtype == np.int64 and out["persistent_low"].dtype == bool
    assert out["windows_seen"].between(1, 3).all()
    assert (out["low_windows"] <= out["windows_seen"]).all()
    assert 0 < out["persistent_low"].sum() < out["low_windows"].ge(1).sum()


@pytest.mark.parametrize(
    ("latest", "window", "windows", "expected"),
    [
        ("2026-12", 3, 3, ["2026-12", "2026-09", "2026-06"]),
        ("2026-02", 3, 2, ["2026-02", "2025-11"]),
        ("2026-10", 1, 3, ["2026-10", "2026-09", "2026-08"]),
        ("2026-10", 6, 1, ["2026-10"]),
    ],
)
def test_window_ends(latest: str, window: int, windows: int, expected: list[str]) -> None:
    """Non-overlapping windows end every `window` months back from the latest month, across year ends."""
    records = pd.DataFrame({"period": ["2024-01", latest, "2025-06"]})
    assert window_ends(records, window=window, windows=windows) == expected


# --------------------------------------------------------------------------- trend and history


def test_trend_planted() -> None:
    """Steady climbers improve, steady sliders decline, a two-month joiner is n/a, steady reps are stable."""
    rates: dict[str, list[float | None]] = {f"rep{i}": [0.2 + 0.07 * i] * 6 for i in range(8)}
    rates["climber"] = [0.05, 0.25, 0.45, 0.65, 0.85, 0.99]
    rates["slider"] = [0.99, 0.85, 0.65, 0.45, 0.25, 0.05]
    rates["joiner"] = [None, None, None, None, 0.3, 0.9]
    out = trend(ae_records(rates, start="2026-05"), windowed(1), months=6).set_index("rep_id")
    assert out.loc["climber", "trend"] == "improving" and out.loc["climber", "slope"] > 10
    assert out.loc["slider", "trend"] == "declining" and out.loc["slider", "slope"] < -10
    assert out.loc["joiner", "trend"] == "n/a" and np.isnan(out.loc["joiner", "slope"])
    assert out.loc["joiner", "months_scored"] == 2
    assert out.loc["rep4", "trend"] == "stable"


def _exact_percentiles(
    series: dict[str, list[float | None]],
) -> tuple[pd.DataFrame, Callable[[pd.DataFrame, str], pd.DataFrame]]:
    """Records whose monthly percentile is exactly as given: each target has its own role with 100 fillers.

    Fillers score 0…99; a target scoring p − 0.5 has p fillers below it, so rank p + 1 of 101: percentile p.
    """
    periods = [str(pd.Period("2026-05", freq="M") + i) for i in range(6)]
    parts = []
    for target, values in series.items():
        for period, value in zip(periods, values, strict=True):
            fill = pd.DataFrame({"rep_id": [f"{target}-f{k}" for k in range(100)], "score": np.arange(100.0)})
            if value is not None:
                fill = pd.concat([fill, pd.DataFrame({"rep_id": [target], "score": [value - 0.5]})])
            rows = fill
            parts.append(rows.assign(role=f"role-{target}", period=period))
    records = pd.concat(parts, ignore_index=True)

    def scorer(frame: pd.DataFrame, end: str) -> pd.DataFrame:
        return frame[frame["period"] == end][["rep_id", "role", "score"]]

    return records, scorer


@pytest.mark.parametrize(
    ("percentiles", "slope", "expected"),
    [
        ([50, 53, 56, 59, 62, 65], 3.0, "improving"),  # exactly +3 a month counts
        ([65, 62, 59, 56, 53, 50], -3.0, "declining"),
        ([50, 52, 54, 56, 58, 60], 2.0, "stable"),
        ([60, 58, 56, 54, 52, 50], -2.0, "stable"),
        ([40, 40, 40, 40, 40, 40], 0.0, "stable"),
        ([None, None, None, 10, 40, 70], 30.0, "improving"),  # three months are enough
        ([10, None, 22, None, None, 40], 6.0, "improving"),  # gaps keep their place on the month axis
        ([None, None, None, None, 10, 90], None, "n/a"),  # two months are not
        ([80, None, None, None, None, None], None, "n/a"),
        ([20, 80, 10, 90, 30, 85], 51 / 7, "stable"),  # steep but noisy: not clear of the month-to-month swings
        ([80, 20, 90, 10, 85, 30], -27 / 7, "stable"),
    ],
)
def test_trend_rule(percentiles: list[float | None], slope: float | None, expected: str) -> None:
    """Least-squares slope: ≥ +3 improving, ≤ −3 declining, if clear of the noise; under 3 months n/a."""
    records, scorer = _exact_percentiles({"t": percentiles})
    out = trend(records, scorer, months=6).set_index("rep_id")
    assert out.loc["t", "trend"] == expected
    assert out.loc["t", "months_scored"] == sum(p is not None for p in percentiles)
    if slope is None:
        assert np.isnan(out.loc["t", "slope"])
    else:
        assert out.loc["t", "slope"] == pytest.approx(slope)
    month_values = out.loc["t", [c for c in out.columns if c[:2] == "20"]].astype(float).tolist()
    assert month_values == pytest.approx([np.nan if p is None else p for p in percentiles], nan_ok=True)


def test_people_never_scored_are_no_rows_of_trend_or_persistence() -> None:
    """Someone a scorer lists without a score in every month is no row of either table; scored once, they are."""
    records, scorer = _exact_percentiles({"t": [50, 53, 56, 59, 62, 65]})

    def with_unscored(frame: pd.DataFrame, end: str) -> pd.DataFrame:
        late = 10.0 if end == "2026-10" else np.nan
        extra = pd.DataFrame({"rep_id": ["never", "once"], "role": "role-t", "score": [np.nan, late]})
        return pd.concat([scorer(frame, end), extra], ignore_index=True)

    trends = trend(records, with_unscored, months=6).set_index("rep_id")
    assert "never" not in trends.index and trends.loc["once", "months_scored"] == 1
    assert trends.index.is_monotonic_increasing and len(trends) == 102  # the target, 100 fillers, "once"
    kept = persistence(records, with_unscored, window=1, windows=3, cutoffs=PRESETS["10/60/30"]).set_index("rep_id")
    assert "never" not in kept.index and kept.loc["once", "windows_seen"] == 1
    assert kept.index.is_monotonic_increasing and len(kept) == 102


def test_score_history_long_form() -> None:
    """One row per person and scored month over the last `months` months, percentiles 0–100 within role."""
    records = demo(reps=90, months=12)
    history = score_history(records, windowed(1), months=4)
    assert list(history.columns) == ["rep_id", "period", "score", "percentile"]
    assert sorted(history["period"].unique()) == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert not history.duplicated(["rep_id", "period"]).any()
    assert history["percentile"].between(0, 100).all()
    latest = history[history["period"] == "2026-10"].merge(records[["rep_id", "role"]].drop_duplicates(), on="rep_id")
    for _, group in latest.groupby("role"):
        score = group["score"].to_numpy()
        below = (score[None, :] < score[:, None]).sum(axis=1)
        equal = (score[None, :] == score[:, None]).sum(axis=1)
        # Mid-rank, counted pair by pair: people below, plus half of the others tied with you, over n − 1.
        assert group["percentile"].to_numpy() == pytest.approx(100 * (below + (equal - 1) / 2) / (len(group) - 1))
    assert len(latest) == records.loc[records["period"] == "2026-10", "rep_id"].nunique()


@pytest.mark.parametrize(
    ("role", "score", "tier", "expected"),
    [
        # one role, 90 90 split between top (2) and core (1): both flagged; 50 50 both core: not
        ([0, 0, 0, 0], [90, 90, 50, 50], [2, 1, 1, 1], [True, True, False, False]),
        # equal scores in different roles are not a tie
        ([0, 1], [70, 70], [2, 0], [False, False]),
        # one role, a tie straddling the low cut-off
        ([0, 0, 0], [80, 10, 10], [1, 1, 0], [False, True, True]),
        ([], [], [], []),
    ],
)
def test_ties_across_cutoffs(role: list[int], score: list[float], tier: list[int], expected: list[bool]) -> None:
    """Only a run of equal scores in one role that ended up in more than one tier is flagged."""
    flagged = tiers_module._ties_across_cutoffs(
        np.array(role, dtype=np.int64), np.array(score, dtype=np.float64), np.array(tier, dtype=np.int64)
    )
    assert flagged.tolist() == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.sampled_from([0.0, 0.5, 1.0, 50.0, np.nan]), st.floats(0, 100))),
        max_size=40,
    )
)
def test_percentile_within_group_equals_pandas_groupby_rank(rows: list[tuple[int, float]]) -> None:
    """The numpy percentile (#17) gives pandas' groupby mid-rank numbers exactly: ties, missing scores, one-person
    groups (50) and empty input."""
    groups = np.array([g for g, _ in rows], dtype=np.int64)
    score = np.array([s for _, s in rows], dtype=np.float64)
    by_group = pd.Series(score).groupby(groups)
    ranks = by_group.rank(method="average").to_numpy(dtype=np.float64)
    n = by_group.transform("size").to_numpy(dtype=np.float64)
    wanted = np.where(n > 1, (ranks - 1.0) / np.where(n > 1, n - 1, 1.0) * 100.0, 50.0)
    np.testing.assert_array_equal(tiers_module._percentile(groups, score), wanted)


_CELL = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=4),
    st.none(),
    st.just(float("nan")),
    st.just(pd.NA),
    st.integers(-3, 3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL, max_size=40))
def test_codes_by_arrow_equal_pandas_sorted_codes(cells: list[object]) -> None:
    """Big text columns are ranked by Arrow: the codes are the ones pandas' sorted factorize gives, blanks last;
    a column that is not all text (numbers, NaN) goes to pandas."""
    values = pd.Series(cells, dtype=object)
    expected = (
        np.asarray(pd.factorize(values, sort=True, use_na_sentinel=False)[0], dtype=np.int64)
        if all(isinstance(c, str) or c is None or c is pd.NA for c in cells)
        else tiers_module._codes(values)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tiers_module, "_ARROW_CODES_FROM", 0)
        codes = tiers_module._codes(values)
    np.testing.assert_array_equal(codes, expected)
