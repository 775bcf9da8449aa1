"""The segmentation job: tiers per role, flags, overrides in force and surviving recomputation, explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.forked import can_fork, worker
from core.months import add_months
from core.scoring.metrics import role_medians
from core.scoring.segmentation import (
    SegmentSettings,
    apply_overrides,
    explain,
    export_table,
    filter_people,
    incomplete_months,
    incomplete_note,
    monthly_history,
    segment,
    tier_summary,
)
from core.scoring.tiers import PRESETS, tier_sizes

TEAM = DemoSpec(reps=120, months=12, seed=7, end="2026-10")
FAST = SegmentSettings(replicates=10)


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """The demo team the app starts with."""
    return generate_team(TEAM)


@pytest.fixture(scope="module")
def segmented(team: pd.DataFrame) -> pd.DataFrame:
    """The team segmented with default cut-offs."""
    return segment(team, FAST)


def test_one_row_per_active_person(team: pd.DataFrame, segmented: pd.DataFrame) -> None:
    """Everyone with activity in the last 3 months gets exactly one row."""
    active = team[team["period"] >= "2026-08"]["rep_id"].unique()
    assert sorted(segmented["rep_id"]) == sorted(active)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_tier_counts_follow_the_cutoffs(team: pd.DataFrame, preset: str) -> None:
    """Per role, the number of low, core and top people is what the cut-offs and rounding rule say."""
    result = segment(team, SegmentSettings(cutoffs=PRESETS[preset], replicates=0))
    for role, row in tier_summary(result).iterrows():
        assert (row["low"], row["core"], row["top"]) == tier_sizes(int(row["total"]), PRESETS[preset]), role


def test_flags_are_booleans_and_text(segmented: pd.DataFrame) -> None:
    """Every flag is a real boolean column and the readable summary lists what is set."""
    for column in ("borderline", "tie_at_boundary", "persistent_low", "small_sample", "meaningful", "overridden"):
        assert segmented[column].dtype == bool, column
    flagged = segmented[segmented["borderline"]]
    assert all("borderline" in text for text in flagged["flags"])


def test_planted_persistent_low_performer(team: pd.DataFrame) -> None:
    """An AE who wins nothing for a year is low, persistently, and declared so."""
    bad = team.copy()
    victim = bad.loc[bad["role"] == "AE", "rep_id"].iloc[0]
    bad.loc[bad["rep_id"] == victim, "deals_won"] = 0
    bad.loc[bad["rep_id"] == victim, "revenue_won"] = 0.0
    row = segment(bad, FAST).set_index("rep_id").loc[victim]
    assert row["tier"] == "low"
    assert bool(row["persistent_low"])
    assert row["low_windows"] >= 2


def test_override_in_force_and_kept_across_settings(team: pd.DataFrame, segmented: pd.DataFrame) -> None:
    """An override changes the tier shown, keeps the computed tier, and survives other settings."""
    rep = segmented[segmented["tier"] == "low"]["rep_id"].iloc[0]
    overrides = pd.DataFrame(
        {
            "rep_id": [rep],
            "tier": ["core"],
            "reason": ["on leave in August"],
            "changed_by": ["Ann"],
            "created_at": [pd.Timestamp("2026-11-01", tz="UTC")],
        }
    )
    for settings in (FAST, SegmentSettings(window=6, cutoffs=PRESETS["20/70/10"], replicates=0)):
        row = apply_overrides(segment(team, settings), overrides).set_index("rep_id").loc[rep]
        assert row["tier"] == "core"
        assert row["overridden"] and "overridden" in row["flags"]
        assert row["override_by"] == "Ann"
    assert apply_overrides(segmented, overrides).set_index("rep_id").loc[rep, "tier_computed"] == "low"


def test_explanation_names_percentile_and_medians(segmented: pd.DataFrame) -> None:
    """The plain-words reason states the tier, the percentile within role and each metric vs the role median."""
    medians = role_medians(segmented)
    person = segmented[segmented["role"] == "AE"].iloc[0]
    text = "\n".join(explain(person, medians, int((segmented["role"] == "AE").sum())))
    assert f"**{person['tier']}** tier" in text
    assert "percentile" in text and "Account Executives" in text
    assert "Close rate" in text and "role median" in text


def test_export_has_the_promised_fields(segmented: pd.DataFrame) -> None:
    """The export carries rep_id, name, role, team, score, percentile, tier and flags for everyone."""
    table = export_table(segmented)
    for column in ("rep_id", "name", "role", "team", "score", "percentile", "tier", "flags", "borderline"):
        assert column in table.columns
    assert set(table["tier"]) <= {"low", "core", "top"}
    assert len(table) == len(segmented)
    assert np.isfinite(table["score"]).all()


def test_deterministic(team: pd.DataFrame) -> None:
    """The same records and settings give the same tiers and flags."""
    a = segment(team, FAST)
    b = segment(team, FAST)
    pd.testing.assert_frame_equal(a, b)


def test_nobody_in_window_is_a_sentence() -> None:
    """An empty table is refused with a sentence, not a crash."""
    with pytest.raises(ValueError, match="no rows"):
        segment(generate_team(TEAM).head(0), FAST)


def test_filter_people_combines_filters() -> None:
    """Filters narrow by any of the chosen values per column and by every chosen flag."""
    people = pd.DataFrame(
        {
            "rep_id": ["a", "b", "c", "d"],
            "role": ["SDR", "SDR", "AE", "AE"],
            "team": ["N", "S", "N", "N"],
            "manager": ["M1", "M1", "M2", "M2"],
            "tier": ["low", "core", "low", "top"],
            "borderline": [True, False, True, False],
            "persistent_low": [True, False, False, False],
            "tie_at_boundary": [False] * 4,
            "overridden": [False] * 4,
            "small_sample": [False] * 4,
        }
    )
    assert filter_people(people)["rep_id"].tolist() == ["a", "b", "c", "d"]
    assert filter_people(people, tiers=["low"])["rep_id"].tolist() == ["a", "c"]
    assert filter_people(people, tiers=["low"], teams=["N"], roles=["AE"])["rep_id"].tolist() == ["c"]
    assert filter_people(people, flags=["borderline", "persistent low"])["rep_id"].tolist() == ["a"]
    assert filter_people(people, managers=["M2"], flags=["borderline"])["rep_id"].tolist() == ["c"]


def _with_stray_month(team: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The team plus one row for the month after its last: one person already entered a month nobody else has."""
    last = str(team["period"].max())
    stray = team[team["period"] == last].head(1).assign(period=add_months(last, 1))
    return pd.concat([team, stray], ignore_index=True), add_months(last, 1)


def test_a_stray_later_month_does_not_shift_the_window(team: pd.DataFrame) -> None:
    """One row for a later month is left out by default: tiers and the persistent-low list are as without it."""
    messy, stray = _with_stray_month(team)
    assert incomplete_months(messy) == [stray] and incomplete_months(team) == []
    clean = segment(team, FAST).set_index("rep_id")
    shifted = segment(messy, FAST).set_index("rep_id")
    assert shifted.index.equals(clean.index)
    assert shifted["tier"].equals(clean["tier"]) and shifted["persistent_low"].equals(clean["persistent_low"])
    note = incomplete_note(messy, FAST)
    assert stray in note and "looks incomplete" in note and "1 person" in note


def test_the_incomplete_month_can_be_included(team: pd.DataFrame) -> None:
    """Asked to include it, the window ends at the stray month and the others fall out of a 1-month window."""
    messy, stray = _with_stray_month(team)
    settings = SegmentSettings(window=1, replicates=0, include_incomplete=True)
    assert len(segment(messy, settings)) == 1
    assert "included" in incomplete_note(messy, settings)
    assert len(segment(messy, SegmentSettings(window=1, replicates=0))) == team["rep_id"].nunique()


@pytest.mark.parametrize(
    ("people", "incomplete"),
    [
        ([10, 10, 10], 0),
        ([10, 10, 4], 1),
        ([10, 10, 5], 0),
        ([10, 3, 1], 2),
        ([2], 0),
        ([10, 1, 1], 2),
        ([40, 36, 32, 28], 0),
    ],
)
def test_incomplete_months_by_people_per_month(people: list[int], incomplete: int) -> None:
    """A trailing month is incomplete below half the fullest of the 3 months before; slow shrinking is not."""
    rows = [{"rep_id": f"R{i}", "period": f"2026-{m + 1:02d}"} for m, count in enumerate(people) for i in range(count)]
    assert len(incomplete_months(pd.DataFrame(rows))) == incomplete


def test_rows_without_a_person_are_nobody_in_a_month() -> None:
    """A month's people are its distinct rep_ids: rows with a blank rep_id (records not validated) add nobody."""
    rows = [{"rep_id": f"r{i}", "period": "2026-01"} for i in range(10)]
    rows += [{"rep_id": f"r{i}", "period": "2026-02"} for i in range(4)]
    rows += [{"rep_id": None, "period": "2026-02"} for _ in range(3)]
    assert incomplete_months(pd.DataFrame(rows)) == ["2026-02"]  # 4 people against 10: with the blanks, 5 of 10


def test_flag_text_lists_every_flag_in_order() -> None:
    """The readable summary names each flag a person carries, in a fixed order, joined by commas."""
    people = pd.DataFrame(
        {
            "rep_id": ["a", "b", "c", "d"],
            "tier": ["low", "core", "top", "core"],
            "borderline": [True, False, True, False],
            "tie_at_boundary": [True, False, False, False],
            "persistent_low": [True, False, False, False],
            "trend": ["declining", "stable", "improving", "n/a"],
            "small_sample": [True, False, False, False],
            "meaningful": [False, True, True, True],
        }
    )
    overrides = pd.DataFrame(
        {"rep_id": ["a"], "tier": ["core"], "reason": ["new"], "changed_by": ["m"], "created_at": ["2026-11-01"]}
    )
    flags = apply_overrides(people, overrides)["flags"].tolist()
    assert flags == [
        "overridden, borderline, tie at cut-off, persistent low, declining, small sample, role too small",
        "",
        "borderline, improving",
        "",
    ]


def test_monthly_history_of_one_role_is_that_roles_rows_of_the_whole_history() -> None:
    """Percentiles are within role, so scoring one role's records alone gives the same rows (the page relies on it)."""
    from core.demo import DemoSpec, generate_team
    from core.scoring.segmentation import monthly_history

    team = generate_team(DemoSpec(reps=150, months=14, seed=4, end="2026-10"))
    whole = monthly_history(team)
    for role in ("SDR", "AE", "AM"):
        alone = monthly_history(team[team["role"] == role]).reset_index(drop=True)
        ids = set(team.loc[team["role"] == role, "rep_id"])
        expected = whole[whole["rep_id"].isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, expected, check_dtype=False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_monthly_history_scores_its_months_in_one_pass_as_one_by_one(seed: int) -> None:
    """monthly_history scores its months together (score_window_codes); the history is what scoring each month alone
    gives — with months missing, people joining late, and a month without anyone (#17)."""
    from core.scoring.metrics import score_people
    from core.scoring.tiers import score_history

    team = generate_team(DemoSpec(reps=60, months=14, seed=seed, end="2026-06"))
    rng = np.random.default_rng(seed)
    team = team.drop(index=team.index[(rng.random(len(team)) < 0.15) | (team["period"] == "2026-02")])
    expected = score_history(team, lambda recs, end: score_people(recs, window=1, end=end), months=12)
    pd.testing.assert_frame_equal(monthly_history(team, months=12), expected)


@pytest.mark.parametrize(("seed", "window"), [(1, 3), (2, 1), (3, 2), (4, None), (5, None)])
def test_history_is_each_window_and_month_scored_alone(seed: int, window: int | None) -> None:
    """The earlier windows and the trend's months are scored in one pass, the current window taken from the
    window's own scoring (#17): every column they give is what scoring each window and month alone gives — with
    months missing (a gap of several months too: a window of every month then covers fewer calendar months than
    it has months), people joining late and rows missing."""
    from core.months import window_periods
    from core.scoring.metrics import score_only
    from core.scoring.tiers import persistence, trend

    team = generate_team(DemoSpec(reps=70, months=16, seed=seed, end="2026-06"))
    rng = np.random.default_rng(seed)
    gap = team["period"].isin(["2025-11", "2025-12", "2026-01"] if seed % 2 else ["2026-02"])
    team = team.drop(index=team.index[(rng.random(len(team)) < 0.15) | gap]).reset_index(drop=True)
    settings = SegmentSettings(window=window, replicates=0)
    segmented = segment(team, settings).sort_values("rep_id").reset_index(drop=True)

    months = len(window_periods(team["period"], window))
    window_len = window or months
    persist = persistence(
        team,
        lambda recs, end: score_only(recs, window=window_len, end=end),
        window=window_len,
        windows=settings.history if window else 1,
        cutoffs=settings.cutoffs,
    )
    trends = trend(team, lambda recs, end: score_only(recs, window=1, end=end), months=settings.trend_months)
    expected = persist.merge(trends[["rep_id", "slope", "trend"]], on="rep_id", how="left")
    expected = expected[expected["rep_id"].isin(segmented["rep_id"])].reset_index(drop=True)
    columns = ["rep_id", "low_windows", "windows_seen", "persistent_low", "previous_tier", "previous_near_low"]
    pd.testing.assert_frame_equal(segmented[columns], expected[columns], check_dtype=False)
    pd.testing.assert_series_equal(segmented["slope"], expected["slope"])
    assert segmented["trend"].tolist() == expected["trend"].fillna("n/a").tolist()


def test_no_trend_asked_leaves_tiers_and_the_window_before_as_they_are() -> None:
    """trend_months=0 (the chains command) computes no trend — every trend "n/a", slope NaN — and changes no
    tier, score or anything the window before says; history=2 keeps the window before as well."""
    team = generate_team(DemoSpec(reps=60, months=9, seed=8, end="2026-09"))
    full = segment(team, SegmentSettings(replicates=0))
    lean = segment(team, SegmentSettings(replicates=0, trend_months=0, history=2))
    assert set(lean["trend"]) == {"n/a"} and lean["slope"].isna().all()
    assert (full["trend"] != "n/a").any()  # the full one does have trends to leave out
    same = ["rep_id", "score", "tier", "previous_tier", "previous_near_low"]
    pd.testing.assert_frame_equal(full[same], lean[same])


def test_borderline_on_its_own_thread_is_the_bootstrap_of_the_window() -> None:
    """The bootstrap runs beside the history (#17): the flags are those :func:`borderline` gives for the window's
    rows and tiers, the flag's column keeps its place before the history's, and a segmentation without replicates
    has the same table with every flag False."""
    from core.scoring.metrics import score_people, score_replicates
    from core.scoring.tiers import assign_tiers, borderline

    team = generate_team(DemoSpec(reps=80, months=9, seed=5, end="2026-09"))
    settings = SegmentSettings(replicates=20, seed=3)
    out = segment(team, settings)
    window = team[team["period"] >= "2026-07"]
    tiers = assign_tiers(score_people(window, window=None), settings.cutoffs)
    flags = borderline(
        window,
        lambda recs: score_people(recs, window=None),
        tiers,
        settings.cutoffs,
        replicates=20,
        seed=3,
        threshold=settings.borderline_share,
        stacked=lambda recs, draws: score_replicates(recs, draws),
    )
    expected = out["rep_id"].map(flags).fillna(False).astype(bool)
    assert out["borderline"].tolist() == expected.tolist() and expected.any()
    columns = list(out.columns)
    assert columns.index("scored_on") < columns.index("borderline") < columns.index("low_windows")
    unflagged = segment(team, SegmentSettings(replicates=0, seed=3))
    assert list(unflagged.columns) == columns and not unflagged["borderline"].any()
    pd.testing.assert_frame_equal(
        unflagged.drop(columns=["borderline", "flags"]), out.drop(columns=["borderline", "flags"])
    )


def _bootstrap_fails(records: pd.DataFrame, settings: SegmentSettings) -> object:
    raise ValueError(f"bootstrap of {len(records)} rows failed")


@pytest.mark.skipif(not can_fork(), reason="the command line forks only where it is safe (Linux)")
def test_borderline_in_a_forked_worker_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's bootstrap in a worker process forked before the data exists (core.forked) gives the same
    table as the thread, with another window and seed too; an error there reaches the caller as itself."""
    from core.scoring import segmentation

    team = generate_team(DemoSpec(reps=80, months=9, seed=5, end="2026-09"))
    for settings, memory in (
        (SegmentSettings(replicates=20, seed=3), 0),
        (SegmentSettings(replicates=15, seed=9, window=6), 8),
    ):
        pool = worker(memory_mb=memory)
        assert pool is not None
        try:
            forked = segment(team, settings, processes=pool)
        finally:
            pool.shutdown()
        threaded = segment(team, settings)
        assert forked["borderline"].any()
        pd.testing.assert_frame_equal(forked, threaded)
    monkeypatch.setattr(segmentation, "_replicate_tiers", _bootstrap_fails)
    pool = worker()  # forked after the change: the worker runs the failing bootstrap
    assert pool is not None
    try:
        with pytest.raises(ValueError, match=r"bootstrap of 240 rows failed"):  # 80 people × the window's 3 months
            segment(team, SegmentSettings(replicates=20, seed=3), processes=pool)
    finally:
        pool.shutdown()


def _bootstrap_dies(records: pd.DataFrame, settings: SegmentSettings) -> object:
    import os

    os._exit(9)  # as if the system had killed the worker (out of memory)


@pytest.mark.skipif(not can_fork(), reason="the command line forks only where it is safe (Linux)")
def test_a_worker_that_dies_leaves_the_bootstrap_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the worker process ends without a result (killed), the bootstrap is computed here: the same table."""
    from core.scoring import segmentation

    team = generate_team(DemoSpec(reps=60, months=6, seed=2, end="2026-09"))
    settings = SegmentSettings(replicates=12, seed=4)
    threaded = segment(team, settings)
    monkeypatch.setattr(segmentation, "_replicate_tiers", _bootstrap_dies)
    pool = worker()  # forked after the change: the worker dies on the job
    assert pool is not None
    monkeypatch.undo()  # this process computes the real bootstrap when it has to
    try:
        pd.testing.assert_frame_equal(segment(team, settings, processes=pool), threaded)
    finally:
        pool.shutdown()


def test_no_worker_where_forking_is_not_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off Linux the command line keeps the bootstrap on a thread: no worker is forked."""
    import sys

    monkeypatch.setattr(sys, "platform", "darwin")
    assert not can_fork() and worker() is None


def _incomplete_by_people(records: pd.DataFrame, share: float = 0.5) -> list[str]:
    """The rule itself, every month's distinct people counted: what the shortcut must agree with."""
    people = records.groupby("period")["rep_id"].nunique().sort_index()
    counts, cut = people.tolist(), len(people)
    while cut > 1 and counts[cut - 1] < share * max(counts[max(0, cut - 4) : cut - 1]):
        cut -= 1
    return [str(p) for p in people.index[cut:]]


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(1, 6), st.integers(1, 3)), min_size=1, max_size=60
    ),  # (person, month, times the row is there)
)
def test_incomplete_months_shortcut_agrees_with_counting_people(rows: list[tuple[int, int, int]]) -> None:
    """Counting the latest month's people only when its rows settle it gives the months counting every month's people
    gives — also when a person has a month twice (rows above people)."""
    records = pd.DataFrame(
        [{"rep_id": f"R{p}", "period": f"2026-{m:02d}"} for p, m, times in rows for _ in range(times)]
    )
    assert incomplete_months(records) == _incomplete_by_people(records)
