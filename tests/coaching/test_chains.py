"""Peer-coaching chains: who may coach whom, capacity, a maximal and stable match, locks, texts, and speed."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

import core.coaching.chains as chains
from core.coaching.chains import (
    LEVEL_BY_ID,
    LEVELS,
    ChainResult,
    ChainSettings,
    Constraints,
    coach_credit,
    default_levels,
    fit_formula,
    match_chains,
    parse_levels,
)
from core.schema import ROLES
from core.scoring.metrics import METRICS

ABOVE = {"SDR": "AE", "AE": "AM"}


# --------------------------------------------------------------------------- a segmented-like frame


def person(
    rep_id: str,
    role: str,
    tier: str,
    *,
    name: str | None = None,
    team: str = "DACH Mid-Market",
    region: str = "DACH",
    manager: str | None = "Mara Vogel",
    willing: str | None = "yes",
    pct: float = 50.0,
    percentile: float | None = None,
    **metrics: float,
) -> dict[str, Any]:
    """One person: every metric of their role at ``pct`` unless named (``close_rate=90``, ``close_rate_raw=0.3``)."""
    row: dict[str, Any] = {
        "rep_id": rep_id,
        "name": name or f"Person {rep_id}",
        "role": role,
        "team": team,
        "region": region,
        "manager": manager,
        "coach_willing": willing,
        "tier": tier,
        "score": pct,
        "percentile": pct if percentile is None else percentile,
    }
    for spec in METRICS:
        mine = spec.role == role
        value = float(metrics.get(spec.id, pct)) if mine else math.nan
        row[f"{spec.id}_pct"] = value
        row[f"{spec.id}_raw"] = float(metrics.get(f"{spec.id}_raw", value / 200)) if mine else math.nan
        row[spec.id] = row[f"{spec.id}_raw"]
    return row


def frame(*people: dict[str, Any]) -> pd.DataFrame:
    """A segmented-like frame, as :func:`core.scoring.segmentation.segment` gives (string columns with NA)."""
    out = pd.DataFrame(list(people))
    out["coach_willing"] = out["coach_willing"].astype("string")
    out["manager"] = out["manager"].astype("string")
    return out


def pair_set(result: ChainResult) -> set[tuple[str, str]]:
    """The (coach_id, coachee_id) pairs of a result."""
    return set(zip(result.pairs["coach_id"], result.pairs["coachee_id"], strict=True))


# --------------------------------------------------------------------------- random small teams

TEAMS = {"DACH Mid-Market": "DACH", "DACH SMB": "DACH", "Benelux SMB": "Benelux", "": ""}
ROLE_SETS = [frozenset(s) for s in ({"SDR"}, {"AE"}, {"AM"}, {"SDR", "AE"}, {"AE", "AM"}, {"SDR", "AM"}, set(ROLES))]


@st.composite
def random_case(draw: st.DrawFn) -> tuple[pd.DataFrame, ChainSettings, Constraints]:
    """Random team shapes (every subset of roles), tiers, teams/regions, willingness, history, capacities, edits."""
    roles = sorted(draw(st.sampled_from(ROLE_SETS)))
    n = draw(st.integers(1, 36))
    rows = []
    for i in range(n):
        team = draw(st.sampled_from(sorted(TEAMS)))
        role = draw(st.sampled_from(roles))
        pcts = {
            spec.id: draw(
                st.one_of(st.floats(0.5, 99.5), st.just(math.nan))
                if spec.id == "quota_attainment"
                else st.floats(0.5, 99.5)
            )
            for spec in METRICS
            if spec.role == role
        }
        row = person(
            f"R{i:03d}",
            role,
            draw(st.sampled_from(["low", "core", "core", "top", "top"])),
            team=team,
            region=TEAMS[team],
            willing=draw(st.sampled_from(["yes", "no", None])),
            pct=draw(st.floats(0.5, 99.5)),
            **pcts,
        )
        row["previous_tier"] = draw(st.sampled_from([None, "low", "core", "top", "top"]))
        row["previous_near_low"] = row["previous_tier"] == "low" or (
            row["previous_tier"] == "core" and draw(st.booleans())
        )
        rows.append(row)
    ids = [r["rep_id"] for r in rows]
    overrides = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 4), max_size=4))
    excluded = draw(st.frozensets(st.sampled_from(ids), max_size=3))
    forbidden = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=8))
    answers = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(["yes", "no"])), max_size=3))
    levels = draw(st.one_of(st.none(), st.lists(st.sampled_from(list(LEVEL_BY_ID)), min_size=1, unique=True)))
    chain_settings = ChainSettings(
        capacity={role: draw(st.integers(0, 4)) for role in ROLES},
        capacity_overrides=overrides,
        hours_per_coachee=draw(st.sampled_from([1.0, 2.0, 2.5])),
        levels=None if levels is None else tuple(levels),
    )
    constraints = Constraints(excluded=excluded, forbidden=tuple(forbidden), answers=tuple(answers))
    return frame(*rows), chain_settings, constraints


def willing_after(seg: pd.DataFrame, constraints: Constraints) -> pd.Series:
    """Each person's coach_willing after the recorded answers ("yes", "no" or ""), by rep_id."""
    willing = seg.set_index("rep_id")["coach_willing"].astype(object).where(lambda s: s.notna(), "").astype(str)
    for rep_id, answer in constraints.answers:
        willing[rep_id] = answer
    return willing


def levels_run(seg: pd.DataFrame, chain_settings: ChainSettings) -> tuple[str, ...]:
    """The levels a result runs: the settings' or the default for the roles present."""
    if chain_settings.levels is None:
        return default_levels(seg["role"])
    return tuple(lv.id for lv in LEVELS if lv.id in chain_settings.levels)


def max_matching(
    seg: pd.DataFrame, chain_settings: ChainSettings, constraints: Constraints, level_id: str, used: dict[str, int]
) -> int:
    """The most core coachees one level can match given the room earlier levels ``used``, by scipy's maximum flow."""
    level = LEVEL_BY_ID[level_id]
    ok = ~seg["rep_id"].isin(constraints.excluded)
    willing = willing_after(seg, constraints)
    coachees = seg[ok & (seg["role"] == level.coachee_role) & (seg["tier"] == "core")]["rep_id"].tolist()
    steady = ~seg.get("previous_near_low", pd.Series(False, index=seg.index)).fillna(False).astype(bool)
    pool = seg[ok & steady & (seg["role"] == level.coach_role) & (seg["tier"] == "top")]["rep_id"]
    caps = {
        r: chain_settings.capacity_overrides.get(
            r, chain_settings.capacity.get(level.coach_role, chains.DEFAULT_CAPACITY[level.coach_role])
        )
        - used.get(r, 0)
        for r in pool
        if willing[r] != "no"
        and chain_settings.capacity_overrides.get(
            r, chain_settings.capacity.get(level.coach_role, chains.DEFAULT_CAPACITY[level.coach_role])
        )
        > 0
    }
    coaches = [r for r, c in caps.items() if c > 0]
    if not coachees or not coaches:
        return 0
    n, m = len(coachees), len(coaches)
    size = n + m + 2
    source, sink = 0, size - 1
    rows, cols, caps_list = [], [], []
    forbidden = set(constraints.forbidden)
    for i in range(n):
        rows.append(source), cols.append(1 + i), caps_list.append(1)
        for j, coach in enumerate(coaches):
            if (coach, coachees[i]) not in forbidden and coach != coachees[i]:
                rows.append(1 + i), cols.append(1 + n + j), caps_list.append(1)
    for j, coach in enumerate(coaches):
        rows.append(1 + n + j), cols.append(sink), caps_list.append(caps[coach])
    graph = csr_matrix((np.array(caps_list, dtype=np.int32), (rows, cols)), shape=(size, size))
    return int(maximum_flow(graph, source, sink).flow_value)


def check_maximal(
    seg: pd.DataFrame, chain_settings: ChainSettings, constraints: Constraints, result: ChainResult
) -> None:
    """Each level matches as many core coachees as the room left by the levels before it allows."""
    used: dict[str, int] = {}
    pairs = result.pairs
    for level_id in levels_run(seg, chain_settings):
        mine = pairs[(pairs["level"] == level_id) & ~pairs["reason"].str.contains("coach the coaches")]
        assert len(mine) == max_matching(seg, chain_settings, constraints, level_id, used), level_id
        for coach_id in pairs.loc[pairs["level"] == level_id, "coach_id"]:
            used[coach_id] = used.get(coach_id, 0) + 1


def check_invariants(
    seg: pd.DataFrame, chain_settings: ChainSettings, result: ChainResult, constraints: Constraints | None = None
) -> None:
    """Roles follow the level, nobody coaches themselves, coaches are top (unless locked), never 'no' and steady,
    blank means invitation, capacity holds across levels, one coach per level."""
    constraints = constraints or Constraints()
    people = seg.set_index("rep_id")
    willing = willing_after(seg, constraints)
    pairs = result.pairs
    running = levels_run(seg, chain_settings)
    for row in pairs.itertuples(index=False):
        coach, coachee = people.loc[row.coach_id], people.loc[row.coachee_id]
        level = LEVEL_BY_ID[row.level]
        assert row.level in running
        assert row.coach_id != row.coachee_id
        assert coach["role"] == level.coach_role == row.coach_role
        assert coachee["role"] == level.coachee_role == row.coachee_role
        assert row.locked or coach["tier"] == "top"
        assert row.locked or not bool(coach.get("previous_near_low", False))
        assert coachee["tier"] != "low"
        assert willing[row.coach_id] != "no"
        assert row.status == ("pair" if willing[row.coach_id] == "yes" else "invitation")
        assert row.ask_first == (row.status == "invitation")
        assert 0.0 <= row.fit <= 1.0
    assert not pairs.duplicated(["coachee_id", "level"]).any()
    counts = pairs.groupby("coach_id").size()
    for coach_id, count in counts.items():
        role = people.loc[coach_id, "role"]
        capacity = chain_settings.capacity_overrides.get(
            str(coach_id), chain_settings.capacity.get(str(role), chains.DEFAULT_CAPACITY[str(role)])
        )
        locks = int(pairs[(pairs["coach_id"] == coach_id) & pairs["locked"]].shape[0])
        assert count <= max(capacity, locks)
        assert (
            pairs.loc[pairs["coach_id"] == coach_id, "coach_hours"].eq(count * chain_settings.hours_per_coachee).all()
        )
    loaded = result.load.set_index("coach_id")
    assert (loaded["coachees"] <= loaded["capacity"]).all() or pairs["locked"].any()
    assert np.allclose(loaded["hours"], loaded["coachees"] * chain_settings.hours_per_coachee)
    assert set(result.unmatched["tier"]) <= {"core"}
    invited = set(pairs.loc[pairs["status"] == "invitation", "coach_id"])
    assert set(result.invitations["coach_id"]) == invited
    assert result.invitations["coachees"].sum() == int((pairs["status"] == "invitation").sum())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case())
def test_random_teams_keep_every_promise(case: tuple[pd.DataFrame, ChainSettings, Constraints]) -> None:
    """On random teams of every shape: levels, roles, top steady willing coaches, invitations, capacity shared
    across levels, one coach per level, and a maximum match per level given the level order."""
    seg, chain_settings, constraints = case
    result = match_chains(seg, chain_settings, constraints)
    check_invariants(seg, chain_settings, result, constraints)
    everywhere = set(result.pairs["coach_id"]) | set(result.pairs["coachee_id"]) | set(result.unmatched["rep_id"])
    everywhere |= set(result.load["coach_id"]) | set(result.manager_coached["rep_id"])
    assert not everywhere & constraints.excluded
    assert not pair_set(result) & set(constraints.forbidden)
    check_maximal(seg, chain_settings, constraints, result)
    core = seg[(seg["tier"] == "core") & seg["role"].isin(["SDR", "AE"]) & ~seg["rep_id"].isin(constraints.excluded)]
    assert set(core["rep_id"]) == set(result.pairs["coachee_id"]) & set(core["rep_id"]) | set(
        result.unmatched["rep_id"]
    )
    assert not set(result.pairs["coachee_id"]) & set(result.unmatched["rep_id"])
    assert set(result.unmatched["level"]) <= set(LEVEL_BY_ID)
    core_am = seg[(seg["tier"] == "core") & (seg["role"] == "AM") & ~seg["rep_id"].isin(constraints.excluded)]
    peer = set(result.pairs.loc[result.pairs["level"] == "am-am", "coachee_id"])
    assert set(result.manager_coached["rep_id"]) == set(core_am["rep_id"]) - peer


@settings(max_examples=60, deadline=None)
@given(random_case(), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_pairs(case: tuple[pd.DataFrame, ChainSettings, Constraints], rnd: Any) -> None:
    """The same people give identical results, whatever the order of the rows."""
    seg, chain_settings, constraints = case
    first = match_chains(seg, chain_settings, constraints)
    order = list(range(len(seg)))
    rnd.shuffle(order)
    again = match_chains(seg.iloc[order].reset_index(drop=True), chain_settings, constraints)
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    pd.testing.assert_frame_equal(first.unmatched, again.unmatched)
    pd.testing.assert_frame_equal(first.load, again.load)
    pd.testing.assert_frame_equal(first.invitations, again.invitations)
    assert first.suggestions == again.suggestions


@settings(max_examples=150, deadline=None)
@given(random_case())
def test_sparse_candidates_keep_the_promises(case: tuple[pd.DataFrame, ChainSettings, Constraints]) -> None:
    """Tiny sparse candidate blocks keep every invariant and, without forbidden pairs, a maximal count per level."""
    seg, chain_settings, constraints = case
    constraints = Constraints(excluded=constraints.excluded, answers=constraints.answers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chains, "EXACT_PAIRS", 4)
        patch.setattr(chains, "TOP_K", 1)
        result = match_chains(seg, chain_settings, constraints)
    check_invariants(seg, chain_settings, result, constraints)
    check_maximal(seg, chain_settings, constraints, result)


# --------------------------------------------------------------------------- examples


def test_locked_pair_is_kept_even_when_a_better_coach_exists() -> None:
    """A lock stays, consumes capacity, and is marked — even with a stronger same-team coach free."""
    seg = frame(
        person("A1", "AE", "top", close_rate=99),
        person("A2", "AE", "top", team="Benelux SMB", region="Benelux", close_rate=60),
        person("S1", "SDR", "core", qualified_lead_rate=5),
        person("S2", "SDR", "core", qualified_lead_rate=40),
    )
    free = match_chains(seg)
    assert ("A1", "S1") in pair_set(free)
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}), Constraints(locked=(("A2", "S1"),)))
    assert pair_set(result) == {("A2", "S1"), ("A1", "S2")}
    locked = result.pairs.set_index("coachee_id").loc["S1"]
    assert bool(locked["locked"]) and locked["reason"].endswith(" · locked by manager")
    assert result.load.set_index("coach_id").loc["A2", "coachees"] == 1


def test_lock_beyond_capacity_and_on_a_coach_no_longer_top() -> None:
    """Locks above capacity are all kept and the coach gets nobody else; a core coach's lock says so."""
    seg = frame(
        person("A1", "AE", "top", close_rate=90),
        person("A2", "AE", "core", close_rate=50),
        *(person(f"S{i}", "SDR", "core") for i in range(1, 5)),
    )
    locks = (("A1", "S1"), ("A1", "S2"), ("A2", "S3"))
    result = match_chains(seg, ChainSettings(capacity_overrides={"A1": 1}), Constraints(locked=locks))
    assert pair_set(result) == set(locks)
    assert "S4" in set(result.unmatched["rep_id"])
    a2 = result.pairs.set_index("coachee_id").loc["S3"]
    assert "now core tier" in a2["reason"] and bool(a2["locked"])
    load = result.load.set_index("coach_id")
    assert load.loc["A1", "coachees"] == 2 and load.loc["A1", "capacity"] == 1
    assert "A2" in load.index


@pytest.mark.parametrize(
    ("lock", "says"),
    [
        (("A9", "S1"), "A9 is not in this data"),
        (("M1", "S1"), "a AM does not coach a SDR"),
        (("AN", "S1"), "said no to coaching"),
        (("A1", "SL"), "low tier"),
    ],
)
def test_impossible_locks_are_dropped_with_a_note(lock: tuple[str, str], says: str) -> None:
    """A lock that breaks a rule is not kept, and a suggestion says why."""
    seg = frame(
        person("A1", "AE", "top"),
        person("AN", "AE", "top", willing="no"),
        person("M1", "AM", "top"),
        person("S1", "SDR", "core"),
        person("SL", "SDR", "low"),
    )
    result = match_chains(seg, constraints=Constraints(locked=(lock,)))
    assert lock not in pair_set(result)
    assert not result.pairs["locked"].any()
    assert any(says in s and "was not kept" in s for s in result.suggestions)


def test_excluded_person_is_absent_everywhere() -> None:
    """An excluded coach or coachee appears in no table, and the others are matched without them."""
    seg = frame(
        person("A1", "AE", "top", close_rate=99),
        person("A2", "AE", "top", close_rate=50),
        person("S1", "SDR", "core"),
        person("S2", "SDR", "core"),
        person("M1", "AM", "core"),
    )
    result = match_chains(seg, constraints=Constraints(excluded=frozenset({"A1", "S2", "M1"})))
    assert pair_set(result) == {("A2", "S1")}
    for table, column in (
        (result.pairs, "coach_id"),
        (result.pairs, "coachee_id"),
        (result.load, "coach_id"),
        (result.unmatched, "rep_id"),
        (result.manager_coached, "rep_id"),
    ):
        assert not set(table[column]) & {"A1", "S2", "M1"}


def test_forbidden_pair_is_never_formed() -> None:
    """A forbidden pair is not formed even when it is the only way to match; the why names the edit."""
    seg = frame(person("A1", "AE", "top"), person("S1", "SDR", "core"), person("S2", "SDR", "core"))
    result = match_chains(seg, constraints=Constraints(forbidden=(("A1", "S1"),)))
    assert pair_set(result) == {("A1", "S2")}
    why = result.unmatched.set_index("rep_id").loc["S1", "why"]
    assert "manager's edit" in why


def test_coach_the_coaches_comes_after_the_core_aes() -> None:
    """AMs take every core AE they can first; only left-over AM capacity goes to top AEs who coach SDRs."""
    seg = frame(
        person("M1", "AM", "top", upsell_rate=95),
        person("C1", "AE", "core", close_rate=70),
        person("C2", "AE", "core", close_rate=75),
        person("T1", "AE", "top", close_rate=80),
        person("T2", "AE", "top", close_rate=85, willing="no"),  # top, but coaches nobody
        person("S1", "SDR", "core"),
    )
    tight = match_chains(seg, ChainSettings(capacity={"AE": 3, "AM": 2}, coach_the_coaches=True))
    assert {e for c, e in pair_set(tight) if c == "M1"} == {"C1", "C2"}
    assert any("top AE who coaches SDRs" in s for s in tight.suggestions)
    roomy = match_chains(seg, ChainSettings(capacity={"AE": 3, "AM": 5}, coach_the_coaches=True))
    assert {e for c, e in pair_set(roomy) if c == "M1"} == {"C1", "C2", "T1"}
    assert "coach the coaches" in roomy.pairs.set_index("coachee_id").loc["T1", "reason"]
    assert "T1" not in set(roomy.unmatched["rep_id"])
    off = match_chains(seg, ChainSettings(capacity={"AE": 3, "AM": 5}))
    assert {e for c, e in pair_set(off) if c == "M1"} == {"C1", "C2"}


def test_low_tier_is_never_matched() -> None:
    """Low-tier people get no peer coach and are not listed as unmatched, even with coaches free."""
    seg = frame(
        person("A1", "AE", "top"),
        person("M1", "AM", "top"),
        person("SL", "SDR", "low"),
        person("AL", "AE", "low"),
        person("S1", "SDR", "core"),
    )
    result = match_chains(seg)
    assert pair_set(result) == {("A1", "S1")}
    listed = set(result.unmatched["rep_id"]) | set(result.manager_coached["rep_id"])
    assert not listed & {"SL", "AL"}


def test_core_ams_get_an_am_peer_then_an_external_coach_then_their_manager() -> None:
    """Core AMs get a top AM as peer coach; else the external coach a manager named, else the manager as fallback."""
    seg = frame(
        person("M1", "AM", "core", manager="Mara Vogel", upsell_rate=10),
        person("M2", "AM", "core", manager=None, upsell_rate=20),
        person("M4", "AM", "core", manager="Mara Vogel", upsell_rate=30),
        person("M3", "AM", "top", upsell_rate=90),
    )
    result = match_chains(seg, ChainSettings(capacity={"AM": 1}, external_coaches={"M4": "Dr. Ines Hall"}))
    assert result.levels == ("am-am",)
    assert pair_set(result) == {("M3", "M1")}
    coached = result.manager_coached.set_index("rep_id")
    assert coached.loc["M2", "coach"] == "external coach: to be named"
    assert coached.loc["M4", "coach"] == "external coach: Dr. Ines Hall"
    assert "M3" not in coached.index and "M1" not in coached.index
    off = match_chains(seg, ChainSettings(levels=("am-ae",))).manager_coached.set_index("rep_id")
    assert off.loc["M1", "coach"] == "manager (fallback): Mara Vogel"
    assert off.loc["M1", "why"].startswith("The AM → AM level is off: name an external coach")
    assert list(off.reset_index().columns) == list(chains.MANAGER_COLUMNS)


def test_reason_text_format() -> None:
    """The reason names the coach, their standing and metric against the median, locality and focus."""
    seg = frame(
        person("A1", "AE", "top", name="Lea Wolf", percentile=92.0, close_rate_raw=0.34, team="DACH Mid-Market"),
        person("A2", "AE", "core", close_rate_raw=0.22, close_rate=40),
        person("A3", "AE", "low", close_rate_raw=0.10, close_rate=5),
        person("S1", "SDR", "core", qualified_lead_rate=10, lead_rate=60, qualification_efficiency=70),
    )
    result = match_chains(seg)
    row = result.pairs.set_index("coachee_id").loc["S1"]
    assert row["reason"] == (
        "Lea Wolf (AE, top 8%, close rate 34% vs median 22%) · same team DACH Mid-Market · focus: qualifying leads"
    )
    assert row["focus"] == "qualifying leads" and not row["ask_first"]
    seg.loc[0, "coach_willing"] = pd.NA
    seg.loc[3, "team"] = "DACH SMB"
    asked = match_chains(seg).pairs.iloc[0]
    assert asked["reason"].endswith(" · same region DACH · focus: qualifying leads · ask Lea first")
    assert asked["status"] == "invitation"
    assert bool(asked["ask_first"]) and not bool(asked["same_team"]) and bool(asked["same_region"])


@pytest.mark.parametrize(
    ("role", "weak", "focus"),
    [
        ("SDR", "qualified_lead_rate", "qualifying leads"),
        ("SDR", "lead_rate", "booking more first meetings"),
        ("SDR", "qualification_efficiency", "targeting the right accounts"),
        ("AE", "close_rate", "closing"),
        ("AE", "quota_attainment", "deal size and pipeline for quota"),
    ],
)
def test_focus_is_the_weakest_metric(role: str, weak: str, focus: str) -> None:
    """The focus names the coachee's metric with the lowest percentile within role."""
    seg = frame(person("C", ABOVE[role], "top"), person("E", role, "core", pct=60, **{weak: 12}))
    assert match_chains(seg).pairs.set_index("coachee_id").loc["E", "focus"] == focus


def test_suggestion_for_a_region_short_of_coaches() -> None:
    """A region short of coaches gets a count of willing coaches at the default capacity that would cover it."""
    seg = frame(
        person("A1", "AE", "top", team="Benelux SMB", region="Benelux"),
        *(person(f"S{i}", "SDR", "core", team="Benelux SMB", region="Benelux") for i in range(8)),
    )
    result = match_chains(seg)
    assert "2 more willing AE coaches with capacity 3 would cover everyone in Benelux." in result.suggestions
    assert len(result.unmatched) == 5
    assert result.unmatched["why"].str.contains("2 more willing AE coaches with capacity 3").all()


def test_no_willing_coach_is_said_plainly() -> None:
    """When no top AE may coach, the suggestion says so and what to ask."""
    seg = frame(
        person("A1", "AE", "top", willing="no"), person("A2", "AE", "top", willing=None), person("S1", "SDR", "core")
    )
    result = match_chains(seg, ChainSettings(capacity_overrides={"A2": 0}))
    assert result.pairs.empty and list(result.unmatched["rep_id"]) == ["S1"]
    assert (
        "No AE in the top tier is willing to coach the SDRs: ask the top AEs who left coach_willing blank, "
        "or raise capacity." in result.suggestions
    )


def test_preferences_on_top_of_fit() -> None:
    """Equal coaches: the same team wins over another region, and a higher coaching aptitude wins."""
    seg = frame(
        person("A1", "AE", "top", team="Benelux SMB", region="Benelux"),
        person("A2", "AE", "top"),
        person("S1", "SDR", "core"),
    )
    assert pair_set(match_chains(seg, ChainSettings(capacity={"AE": 1}))) == {("A2", "S1")}
    seg = frame(person("A1", "AE", "top"), person("A2", "AE", "top"), person("S1", "SDR", "core"))
    seg["coach_aptitude"] = [5.0, np.nan, np.nan]
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}))
    assert pair_set(result) == {("A1", "S1")}
    assert "coaching aptitude 5/5" in result.pairs.iloc[0]["reason"]


@pytest.mark.parametrize(
    ("strength", "need", "fit"),
    [(1.0, 1.0, 1.0), (1.0, 0.0, 0.4), (0.5, 0.5, 0.35), (0.0, 1.0, 0.0)],
)
def test_fit_follows_the_documented_formula(strength: float, need: float, fit: float) -> None:
    """fit = strength × (0.4 + 0.6 × need), with strength from the AE's close rate and need from the SDR."""
    seg = frame(
        person("A1", "AE", "top", close_rate=strength * 100),
        person("S1", "SDR", "core", qualified_lead_rate=(1 - need) * 100),
    )
    assert match_chains(seg).pairs.iloc[0]["fit"] == pytest.approx(fit, abs=1e-3)
    assert "0.4 + 0.6" in fit_formula()


def test_load_lists_every_eligible_coach() -> None:
    """The load has every eligible coach, even without coachees, with capacity after overrides and hours."""
    seg = frame(
        person("A1", "AE", "top"),
        person("A2", "AE", "top", willing=None),
        person("A3", "AE", "top", willing="no"),
        person("M1", "AM", "top"),
        person("S1", "SDR", "core"),
    )
    result = match_chains(seg, ChainSettings(capacity_overrides={"A1": 5}, hours_per_coachee=1.5))
    load = result.load.set_index("coach_id")
    assert set(load.index) == {"A1", "A2", "M1"}
    assert load.loc["A1", "capacity"] == 5 and load.loc["M1", "coachees"] == 0
    assert load["hours"].sum() == 1.5 and bool(load.loc["A2", "ask_first"])


def test_bad_input_is_a_sentence() -> None:
    """Missing columns and negative capacities raise a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match="lacks the column"):
        match_chains(pd.DataFrame({"rep_id": ["a"]}))
    with pytest.raises(ValueError, match="negative"):
        match_chains(frame(person("A1", "AE", "top")), ChainSettings(capacity={"AE": -1}))


def test_settings_key_is_hashable_and_distinguishes() -> None:
    """Settings give a hashable cache key that changes with any setting."""
    base = ChainSettings()
    assert hash(base.key()) == hash(ChainSettings().key())
    assert base.key() != ChainSettings(coach_the_coaches=True).key()
    assert base.key() != ChainSettings(capacity_overrides={"A1": 0}).key()


def test_empty_team_gives_empty_tables() -> None:
    """No people: empty tables with the promised columns."""
    result = match_chains(frame(person("X", "AM", "top")).iloc[0:0])
    assert list(result.pairs.columns) == list(chains.PAIR_COLUMNS)
    assert result.unmatched.empty and result.load.empty and result.suggestions == []


def test_twenty_thousand_people_match_in_seconds() -> None:
    """A 20,000-person demo matches in well under 20 s, and each level matches as many as capacity allows."""
    from core.demo import DemoSpec, generate_team
    from core.scoring.segmentation import SegmentSettings, segment

    seg = segment(generate_team(DemoSpec(reps=20_000, months=6, seed=3, end="2026-06")), SegmentSettings(replicates=0))
    start = time.perf_counter()
    result = match_chains(seg, ChainSettings(coach_the_coaches=True))
    assert time.perf_counter() - start < 20
    check_invariants(seg, ChainSettings(coach_the_coaches=True), result)
    load = result.load.set_index("coach_id")
    for coachee_role, coach_role in (("SDR", "AE"), ("AE", "AM")):
        core = int(((seg["role"] == coachee_role) & (seg["tier"] == "core")).sum())
        capacity = int(load.loc[load["role"] == coach_role, "capacity"].sum())
        core_matched = result.pairs[
            (result.pairs["coachee_role"] == coachee_role) & ~result.pairs["reason"].str.contains("coach the coaches")
        ]
        assert len(core_matched) == min(core, capacity)
    assert result.pairs["same_region"].mean() > 0.9


# --------------------------------------------------------------------------- the named steps of match_chains


def test_eligible_coaches_are_willing_top_aes_and_ams_with_capacity() -> None:
    """Only top-tier AEs and AMs who did not say no, have capacity and are not excluded may coach."""
    seg = frame(
        person("A1", "AE", "top"),
        person("A2", "AE", "top", willing="no"),
        person("A3", "AE", "core"),
        person("A4", "AE", "top", willing=None),
        person("M1", "AM", "top"),
        person("M2", "AM", "top"),
        person("S1", "SDR", "top"),
        person("X1", "AE", "top"),
    )
    people = chains._prepare(seg, frozenset({"X1"}))
    capacity = chains._capacities(people, ChainSettings(capacity_overrides={"M2": 0}))
    eligible = chains._eligible(people, capacity, chains.default_levels(people.role))
    assert sorted(str(people.ids[i]) for i in np.flatnonzero(eligible)) == ["A1", "A4", "M1"]


def test_forbidden_pairs_become_positions_and_unknown_ids_are_ignored() -> None:
    """A forbidden pair is kept as (coach, coachee) positions; one naming someone not in the data is dropped."""
    seg = frame(person("A1", "AE", "top"), person("S1", "SDR", "core"))
    people = chains._prepare(seg, frozenset())
    forbidden = chains._forbidden(people, Constraints(forbidden=(("A1", "S1"), ("A9", "S1"))))
    assert forbidden == {(people.position["A1"], people.position["S1"])}


def test_explain_unmatched_names_the_manager_edit_that_rules_out_the_free_coach() -> None:
    """A core SDR whose only free coach is forbidden for them is told so, with the region to look in."""
    seg = frame(person("A1", "AE", "top"), person("S1", "SDR", "core"), person("S2", "SDR", "core"))
    result = match_chains(seg, ChainSettings(capacity={"AE": 3}), Constraints(forbidden=(("A1", "S2"),)))
    why = result.unmatched.set_index("rep_id")["why"]
    assert list(why.index) == ["S2"]
    assert why["S2"].startswith("The AE coaches with room left are ruled out for this person by a manager's edit")
    assert why["S2"].endswith("in DACH.")


@pytest.mark.parametrize(
    ("tops", "says"),
    [
        ([person("A1", "AE", "top", willing="no")], "No AE in the top tier is willing to coach the SDRs"),
        ([person("A1", "AE", "core")], "There is no top-tier AE to coach the SDRs"),
    ],
)
def test_no_coach_at_all_says_why(tops: list[dict[str, Any]], says: str) -> None:
    """A level without any eligible coach says whether nobody is willing or nobody is top tier."""
    people = chains._prepare(frame(*tops, person("S1", "SDR", "core")), frozenset())
    assert chains._no_coach_at_all(people, "AE", "SDR").startswith(says)


def test_closing_suggestions_count_coaching_aes_left_and_coaches_to_ask() -> None:
    """After matching: how many coaching AEs lack an AM coach, and how many coaches have not said yes.

    Each comes with whom it is about: those AEs; the coaches to ask and their coachees.
    """
    seg = frame(person("A1", "AE", "top", willing=None), person("A2", "AE", "top"), person("S1", "SDR", "core"))
    people = chains._prepare(seg, frozenset())
    a1, s1 = people.position["A1"], people.position["S1"]
    state = chains._Matching(
        pairs=[chains._Pair(coach=a1, coachee=s1, level="ae-sdr", locked=False)],
        residual=np.zeros(3, dtype=np.int64),
        ctc_left=frozenset({"A1", "A2"}),
    )
    assert chains._closing_suggestions(people, state) == [
        (
            "2 top AEs who coach SDRs have no AM coach: the AM capacity went to the core AEs first; "
            "raise AM capacity to coach the coaches.",
            frozenset({"A1", "A2"}),
        ),
        (
            "1 coach has not said yes to coaching yet: their pairs are invitations — ask them first "
            "(see the invitation list) and record the answer.",
            frozenset({"A1", "S1"}),
        ),
    ]
    assert chains._closing_suggestions(people, chains._Matching(pairs=[], residual=np.zeros(3, dtype=np.int64))) == []


# --------------------------------------------------------------------------- levels (issue 14)


def test_default_levels_follow_the_team_shape() -> None:
    """Cross-role levels where both roles exist; same-role coaching for a role with no role above it."""
    assert default_levels(["AE"]) == ("ae-ae",)
    assert default_levels(["SDR", "AE"]) == ("ae-sdr", "ae-ae")
    assert default_levels(["AM"]) == ("am-am",)
    assert default_levels(["SDR"]) == ("sdr-sdr",)
    assert default_levels(["SDR", "AM"]) == ("sdr-sdr", "am-am")
    assert default_levels(["SDR", "AE", "AM"]) == ("ae-sdr", "am-ae", "am-am")


def test_parse_levels_reads_the_command_line_form() -> None:
    """Levels are read in any case and order and come back in matching order; an unknown one is a sentence."""
    assert parse_levels("AE-AE, ae-sdr") == ("ae-sdr", "ae-ae")
    with pytest.raises(ValueError, match="'ae-am' is not a coaching level"):
        parse_levels("ae-am")
    with pytest.raises(ValueError, match="at least one"):
        parse_levels(" , ")


def test_ae_only_team_with_room_gives_every_core_ae_a_peer_coach() -> None:
    """30 AEs and no other role: every core AE gets a top AE as peer coach, with a same-role reason."""
    people = []
    for i in range(30):
        rank = i + 1
        tier = "top" if rank <= 9 else ("low" if rank > 27 else "core")
        close = 100 - rank * 3
        people.append(
            person(
                f"A{i:02d}",
                "AE",
                tier,
                name="Jonas Keller" if rank == 3 else None,
                team=["DACH Mid-Market", "DACH SMB"][i % 2],
                pct=close,
                close_rate=close,
                close_rate_raw=0.80 - rank * 0.01 if rank != 3 else 0.71,
                quota_attainment=math.nan,
            )
        )
    seg = frame(*people)
    seg["rank"] = range(1, 31)
    result = match_chains(seg)
    core = set(seg.loc[seg["tier"] == "core", "rep_id"])
    assert set(result.pairs["coachee_id"]) == core and result.unmatched.empty
    assert set(result.pairs["level"]) == {"ae-ae"} and (result.pairs["status"] == "pair").all()
    jonas = result.pairs[result.pairs["coach_name"] == "Jonas Keller"].iloc[0]
    assert jonas["reason"].startswith("Jonas Keller (AE, 3rd of 30, close rate 71% vs median ")
    assert " · focus: closing" in jonas["reason"]
    check_invariants(seg, ChainSettings(), result)


def test_capacity_is_shared_across_levels() -> None:
    """An AE coaching SDRs and AEs has one capacity: SDRs (the earlier level) first, then AEs with the room left."""
    seg = frame(
        person("A1", "AE", "top", close_rate=90),
        person("A2", "AE", "core", close_rate=40),
        person("A3", "AE", "core", close_rate=30),
        person("S1", "SDR", "core"),
    )
    result = match_chains(seg, ChainSettings(capacity={"AE": 2}))
    assert result.levels == ("ae-sdr", "ae-ae")
    assert pair_set(result) == {("A1", "S1"), ("A1", "A3")}
    assert result.load.set_index("coach_id").loc["A1", "levels"] == "ae-sdr, ae-ae"
    assert (result.pairs["coach_hours"] == 4.0).all()
    left = result.unmatched.set_index("rep_id").loc["A2"]
    assert left["level"] == "ae-ae" and "at capacity" in left["why"]


def test_same_role_match_puts_strength_where_the_need_is() -> None:
    """Within a role the coach strong on the coachee's weakest metric is chosen, and the reason names that metric."""
    seg = frame(
        person("A1", "AE", "top", close_rate=95, quota_attainment=60),
        person("A2", "AE", "top", close_rate=60, quota_attainment=95),
        person("C1", "AE", "core", close_rate=10, quota_attainment=50),
        person("C2", "AE", "core", close_rate=50, quota_attainment=10),
    )
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}))
    assert pair_set(result) == {("A1", "C1"), ("A2", "C2")}
    reasons = result.pairs.set_index("coachee_id")["reason"]
    assert "close rate" in reasons["C1"] and "focus: closing" in reasons["C1"]
    assert "quota attainment" in reasons["C2"] and "focus: deal size and pipeline for quota" in reasons["C2"]


def test_unmatched_says_which_level_would_cover_them_and_whom_to_invite() -> None:
    """A core SDR left over when AE → SDR is full hears that SDR → SDR would cover them, naming the top SDR."""
    seg = frame(
        person("A1", "AE", "top"),
        person("S1", "SDR", "core"),
        person("S2", "SDR", "core"),
        person("T1", "SDR", "top", name="Mia Sommer", willing=None),
    )
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}, levels=("ae-sdr",)))
    row = result.unmatched.iloc[0]
    assert row["level"] == "sdr-sdr" and row["invite"] == "Mia Sommer"
    assert row["why"] == "The SDR → SDR level is off: switch it on, and Mia Sommer could coach them."
    assert (
        "Switch on the SDR → SDR level: 1 top SDR could coach the core SDRs without a peer coach." in result.suggestions
    )
    on = match_chains(seg, ChainSettings(capacity={"AE": 1}, levels=("ae-sdr", "sdr-sdr")))
    assert on.unmatched.empty
    invited = on.pairs[on.pairs["coach_id"] == "T1"].iloc[0]
    assert invited["status"] == "invitation" and invited["reason"].endswith("ask Mia first")


def test_blank_coaches_are_invitations_until_answered() -> None:
    """A blank answer gives invitations and an invitation list; a recorded yes makes pairs, a no removes the coach."""
    seg = frame(
        person("A1", "AE", "top", name="Jonas Keller", willing=None, close_rate=95),
        person("A2", "AE", "top", willing="yes", close_rate=60),
        *(person(f"S{i}", "SDR", "core") for i in range(4)),
    )
    result = match_chains(seg, ChainSettings(capacity={"AE": 2}, hours_per_coachee=1.5))
    invited = result.pairs[result.pairs["coach_id"] == "A1"]
    assert len(invited) == 2 and (invited["status"] == "invitation").all()
    listed = result.invitations.set_index("coach_id").loc["A1"]
    assert listed["coachees"] == 2 and listed["hours"] == 3.0 and listed["levels"] == "AE → SDR"
    assert listed["why_them"].startswith("top ") and "close rate" in listed["why_them"]
    yes = match_chains(seg, ChainSettings(capacity={"AE": 2}), Constraints(answers=(("A1", "yes"),)))
    assert (yes.pairs["status"] == "pair").all() and yes.invitations.empty
    no = match_chains(seg, ChainSettings(capacity={"AE": 2}), Constraints(answers=(("A1", "no"),)))
    assert "A1" not in set(no.pairs["coach_id"]) and "A1" not in set(no.load["coach_id"])


def test_stable_coaches_and_the_just_risen_caveat() -> None:
    """A top AE low or near low before is not proposed; one who was core is, with a caveat and less preference."""
    seg = frame(
        person("A1", "AE", "top", close_rate=95),
        person("A2", "AE", "top", close_rate=95),
        person("A3", "AE", "top", close_rate=99),
        person("S1", "SDR", "core"),
        person("S2", "SDR", "core"),
    )
    seg["previous_tier"] = ["core", "top", "core", None, None]
    seg["previous_near_low"] = [False, False, True, False, False]
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}, levels=("ae-sdr",)))
    assert {c for c, _ in pair_set(result)} == {"A1", "A2"}
    risen = result.pairs.set_index("coach_id").loc["A1"]
    assert bool(risen["just_risen"]) and "new to the top tier this window: check it holds" in risen["reason"]
    assert any("not proposed as coaches because they were low or near the low cut-off" in s for s in result.suggestions)
    one = match_chains(seg.iloc[[0, 1, 3]], ChainSettings(capacity={"AE": 1}, levels=("ae-sdr",)))
    assert pair_set(one) == {("A2", "S1")}


def test_training_and_aptitude_raise_preference_and_show() -> None:
    """Coaching training done wins between equal coaches and shows in the reason."""
    seg = frame(person("A1", "AE", "top"), person("A2", "AE", "top"), person("S1", "SDR", "core"))
    seg["coach_trained"] = ["", "yes", ""]
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}, levels=("ae-sdr",)))
    assert pair_set(result) == {("A2", "S1")}
    assert "coaching training done" in result.pairs.iloc[0]["reason"]
    assert "coaching training done" not in result.plain_reasons[("A2", "S1")]


def test_coach_credit_counts_hours_over_all_levels() -> None:
    """The credit table has one row per coach with coachees: the levels, hours a month, agreed or to be confirmed."""
    seg = frame(
        person("A1", "AE", "top", close_rate=90),
        person("A2", "AE", "top", willing=None, close_rate=80),
        person("A3", "AE", "core"),
        person("S1", "SDR", "core"),
    )
    result = match_chains(seg, ChainSettings(capacity={"AE": 1}, hours_per_coachee=2.5))
    credit = coach_credit(result).set_index("coach_id")
    assert list(coach_credit(result).columns) == list(chains.CREDIT_COLUMNS)
    assert credit["hours_per_month"].sum() == 5.0
    assert set(credit["status"]) == {"agreed", "to be confirmed"}
    assert credit.loc["A2", "status"] == "to be confirmed"


def test_a_lock_at_a_level_switched_off_or_on_oneself_is_dropped() -> None:
    """A lock whose level is off, or that pairs a person with themselves, is not kept, and a suggestion says why."""
    seg = frame(person("A1", "AE", "top"), person("A2", "AE", "core"), person("S1", "SDR", "core"))
    off = match_chains(seg, ChainSettings(levels=("ae-sdr",)), Constraints(locked=(("A1", "A2"),)))
    assert ("A1", "A2") not in pair_set(off)
    assert any("the AE → AE level is switched off" in s for s in off.suggestions)
    self_lock = match_chains(seg, constraints=Constraints(locked=(("A2", "A2"),)))
    assert any("nobody coaches themselves" in s for s in self_lock.suggestions)
