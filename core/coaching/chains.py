"""Peer-coaching chains: which AE coaches which SDR, which AM coaches which AE — and why.

PRODUCT.md ("Peer-coaching chains: AM → AE → SDR"). The input is one row per person as
:func:`core.scoring.segmentation.segment` gives it (tiers after the manager's overrides); the output is
a :class:`ChainResult`: the pairs with a one-line reason each, the core people left without a peer
coach and what would fix it, the people coached by their manager, the load per coach, and
suggestions. The rules below are product promises; ``tests/test_chains.py`` checks each of them.

* **Levels.** AEs coach SDRs (``"AE → SDR"``); AMs coach AEs (``"AM → AE"``).
* **Coaches** are the top tier of the role above, not excluded, with a capacity above 0
  (:attr:`ChainSettings.capacity` by role, :attr:`ChainSettings.capacity_overrides` per person) and
  ``coach_willing`` not ``"no"``. A blank answer is eligible but marked *ask first*. An optional
  ``coach_aptitude`` column (1–5) raises the preference for a coach; a missing value is neutral (3).
* **Coachees** are the core tier of the role below. Nobody gets two peer coaches at one level, and
  no coach gets more coachees than their capacity.
* **Coach the coaches** (:attr:`ChainSettings.coach_the_coaches`): AEs are matched to SDRs first;
  then AMs are matched to the core AEs; only the AM capacity left after that goes to the top AEs
  who coach SDRs in this result. So the number of core AEs with an AM coach is never lowered by it.
  Top AEs left without an AM this way are not "unmatched" (they are not core); a suggestion counts them.
* **Low tier** never gets a peer coach: an HR conversation comes first. They appear in none of the
  tables (``unmatched`` lists only core people who could be matched). **Top SDRs and top AMs** get no
  peer coach either and appear nowhere. **Core AMs** have no role above them: they are listed in
  ``manager_coached`` with ``"manager: <name>"``, or ``"external coach"`` when no manager is on file.
* **Constraints** (:class:`Constraints`). Excluded people are taken out of everything (pairs, tables,
  load). Locked pairs are kept first and count against the coach's capacity, even when the coach is no
  longer top tier or the locks alone exceed the capacity (then that coach gets nobody else); they are
  marked ``locked``. A lock is dropped — and a suggestion says why — when a person is missing or
  excluded, the roles do not follow the chain, the coach said no, the coachee is low tier, the pair is
  also forbidden, or the coachee already has a locked coach at that level (the first lock wins).
  Forbidden pairs are never formed.
* **Optimisation.** Each level is a min-cost max-flow (OR-Tools ``SimpleMinCostFlow``,
  ``solve_max_flow_with_min_cost``): source → coachee (capacity 1) → candidate coach (capacity 1,
  cost below) → sink (the coach's remaining capacity). So first as many coachees as possible are
  matched, then the total preference is best. Arc cost = −(round(1000 × fit) + 300 × same team +
  150 × same region + aptitude bonus (0–100, 50 when unknown)) × 64 + a tie-breaker in [0, 64) that
  depends only on the two people's positions in rep_id order. Nodes and arcs are added in rep_id
  order and the input rows are sorted by rep_id first, so the same people give the same pairs,
  whatever the order of the rows.
* **Candidates.** When a level has at most :data:`EXACT_PAIRS` coach–coachee pairs, every pair is a
  candidate and the matched count is the true maximum. Larger levels use sparse candidates: per
  coachee, every coach of the same team, and — in the same region and anywhere — the best
  :data:`TOP_K` by preference plus :data:`TOP_K` spread over the coaches' free places (so every coach
  is reachable, not only the strongest; see :func:`_block`). Then, while coachees are left over and
  coaches have room, the left-over coachees get those coaches as candidates the same way and the level
  is solved again. The count is maximal over this candidate graph; without forbidden pairs it is the
  true maximum (the left-over coachees alone can fill all the room left), and forbidden pairs can only
  cost a match in the rare case that they block every candidate of a person.
* **Fit** — see :func:`fit_formula`.
* **Focus** is the coachee's weakest metric relative to peers (lowest percentile within role).
* **Reason**: coach (role, "top N%", the coach's metric against the role median of the raw metric
  over the whole frame) · locality · focus, then "ask first" and "locked by manager" where they apply.
  :attr:`ChainResult.plain_reasons` holds the same line without the coach's figures, and
  :attr:`ChainResult.suggestion_about` whom each suggestion is about, for a manager's scoped view
  (:mod:`core.coaching.scope`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from ortools.graph.python import min_cost_flow

from core.scoring.metrics import METRICS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

COACH_OF: Final[dict[str, str]] = {"SDR": "AE", "AE": "AM"}
"""The role that coaches each coachee role."""
LEVEL_NAMES: Final[dict[str, str]] = {"SDR": "AE → SDR", "AE": "AM → AE"}
"""The ``level`` label of a pair, by the coachee's role."""
DEFAULT_CAPACITY: Final[dict[str, int]] = {"AE": 3, "AM": 3}

FOCUS: Final[dict[str, str]] = {
    "qualified_lead_rate": "qualifying leads",
    "lead_rate": "booking more first meetings",
    "qualification_efficiency": "targeting the right accounts",
    "close_rate": "closing",
    "quota_attainment": "deal size and pipeline for quota",
    "revenue_per_month": "winning more and larger deals",
    "upsell_rate": "growing existing accounts",
}
"""The coaching focus, in words, for a coachee whose weakest metric is the key."""
FOCUS_FALLBACK: Final = "overall results"

COACH_METRIC: Final[dict[str, str]] = {"AE": "close_rate", "AM": "upsell_rate"}
"""The metric that makes a coach strong (shown in the reason)."""

FIT_STRENGTH_ONLY: Final = 0.4  # share of fit a strong coach earns whatever the coachee's need
FIT_NEED: Final = 0.6  # share that grows with the coachee's need
WEIGHT_FIT: Final = 1000
WEIGHT_SAME_TEAM: Final = 300
WEIGHT_SAME_REGION: Final = 150
WEIGHT_APTITUDE: Final = 100  # aptitude 5 adds this much, aptitude 1 nothing, unknown half
TIE_SCALE: Final = 64  # costs are multiplied by this; the tie-breaker lives below it

EXACT_PAIRS: Final = 90_000
"""Up to this many coach–coachee pairs in a level (or block), every pair is a candidate."""
TOP_K: Final = 8
"""Candidates per coachee by preference (and as many spread evenly) in a region or everywhere."""
REPAIR_ROUNDS: Final = 3
_CHUNK_CELLS: Final = 4_000_000  # score-matrix cells per vectorised block

REQUIRED_COLUMNS: Final = ("rep_id", "name", "role", "team", "region", "manager", "coach_willing", "tier")

PAIR_COLUMNS: Final = (
    "coach_id",
    "coach_name",
    "coach_role",
    "coachee_id",
    "coachee_name",
    "coachee_role",
    "level",
    "team",
    "fit",
    "same_team",
    "same_region",
    "locked",
    "ask_first",
    "focus",
    "reason",
)
UNMATCHED_COLUMNS: Final = ("rep_id", "name", "role", "team", "region", "tier", "why")
MANAGER_COLUMNS: Final = ("rep_id", "name", "role", "team", "manager", "coach", "why")
LOAD_COLUMNS: Final = ("coach_id", "name", "role", "team", "region", "coachees", "capacity", "hours", "ask_first")


@dataclass(frozen=True)
class ChainSettings:
    """How much coaching each coach can give, and whether AMs also coach the coaching AEs."""

    capacity: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))  # by coach role
    capacity_overrides: Mapping[str, int] = field(default_factory=dict)  # rep_id -> capacity (0 = not coaching)
    hours_per_coachee: float = 2.0  # coaching hours per coachee per month
    coach_the_coaches: bool = False  # AMs may also coach the top AEs who coach SDRs

    def key(self) -> tuple[object, ...]:
        """A hashable key for caches."""
        return (
            tuple(sorted((str(k), int(v)) for k, v in self.capacity.items())),
            tuple(sorted((str(k), int(v)) for k, v in self.capacity_overrides.items())),
            float(self.hours_per_coachee),
            bool(self.coach_the_coaches),
        )


@dataclass(frozen=True)
class Constraints:
    """A manager's edits the matching must respect."""

    locked: tuple[tuple[str, str], ...] = ()  # (coach_id, coachee_id), kept first
    excluded: frozenset[str] = frozenset()  # rep_ids taken out of matching entirely
    forbidden: tuple[tuple[str, str], ...] = ()  # (coach_id, coachee_id) never formed


@dataclass(frozen=True)
class ChainResult:
    """What the matching gives: pairs, who is left, who the manager coaches, load per coach, suggestions.

    Attributes:
        pairs: coach_id, coach_name, coach_role, coachee_id, coachee_name, coachee_role, level,
            team (the coachee's), fit (0–1), same_team, same_region, locked, ask_first, focus, reason.
        unmatched: Core SDRs and AEs without a peer coach: rep_id, name, role, team, region, tier, why.
        manager_coached: Core AMs: rep_id, name, role, team, manager, coach, why.
        load: One row per eligible coach (and per coach holding a lock): coach_id, name, role, team,
            region, coachees, capacity, hours, ask_first.
        suggestions: Sentences saying what would cover everyone, and which locks were not kept.
        suggestion_about: The rep_ids each suggestion is about, in the order of ``suggestions`` (a dropped
            lock: its coachee; a shortage: the people left without a coach; "ask first": those coaches and
            their coachees), so a manager's view keeps only the sentences about their people.
        plain_reasons: (coach_id, coachee_id) → the pair's reason without the coach's figures (standing,
            metric, aptitude), for a viewer who may name that coach but not see their scores.
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    manager_coached: pd.DataFrame
    load: pd.DataFrame
    suggestions: list[str]
    suggestion_about: tuple[frozenset[str], ...] = ()
    plain_reasons: Mapping[tuple[str, str], str] = field(default_factory=dict)


def fit_formula() -> str:
    """The fit formula in plain words, as the page shows it."""
    return (
        "fit = coach strength × (0.4 + 0.6 × coachee need), from 0 to 1: a strong coach is always a good "
        "match, and best where the coachee most needs it. AE → SDR: strength = the AE's close-rate "
        "percentile ÷ 100, need = 1 − the SDR's qualified-lead-rate percentile ÷ 100. AM → AE: strength = "
        "the AM's upsell-rate percentile ÷ 100, need = 1 − the AE's lower percentile of close rate and quota "
        "attainment ÷ 100. A missing percentile counts as 50. On top of fit, the matching prefers the same "
        "team (+0.3) and, less, the same region (+0.15), and coaches with a higher coaching aptitude "
        "(up to +0.1; unknown counts as 3 of 5). It first matches as many people as possible, then "
        "maximises these preferences."
    )


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class _People:
    """The input as arrays, sorted by rep_id; positions index every array."""

    frame: pd.DataFrame
    ids: npt.NDArray[np.object_]
    role: npt.NDArray[np.object_]
    tier: npt.NDArray[np.object_]
    willing: npt.NDArray[np.object_]  # "yes", "no" or ""
    team: IntArray  # code, -1 when blank
    region: IntArray
    strength: FloatArray  # as a coach of the level below (0.5 when unknown)
    need: FloatArray  # as a coachee (0.5 when unknown)
    aptitude: FloatArray  # 1–5, NaN when unknown
    percentile: FloatArray  # within role, NaN when unknown
    coach_raw: FloatArray  # the raw value of the coach metric of the person's role (COACH_METRIC)
    names: npt.NDArray[np.object_]
    bonus: FloatArray  # aptitude preference, 0–100
    focus: npt.NDArray[np.object_]
    excluded: BoolArray
    position: dict[str, int]


def _text(values: pd.Series) -> npt.NDArray[np.object_]:
    """Strings with blanks (NA, empty, spaces) as ""."""
    out = values.astype(object).where(values.notna(), "")
    return np.array([str(v).strip() for v in out], dtype=object)


def _codes(values: npt.NDArray[np.object_]) -> IntArray:
    """Integer codes in sorted order of the values; a blank is −1 (never the same as anything)."""
    lookup = {value: code for code, value in enumerate(sorted({str(v) for v in values if v != ""}))}
    return np.array([lookup.get(str(v), -1) for v in values], dtype=np.int64)


def _pct(frame: pd.DataFrame, metric: str) -> FloatArray:
    column = f"{metric}_pct"
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return np.asarray(pd.to_numeric(frame[column], errors="coerce"), dtype=np.float64)


def _fit(strength: FloatArray, need: FloatArray) -> FloatArray:
    """fit = strength × (0.4 + 0.6 × need): in [0, 1], increasing in both."""
    return np.asarray(strength * (FIT_STRENGTH_ONLY + FIT_NEED * need), dtype=np.float64)


def _prepare(segmented: pd.DataFrame, excluded: frozenset[str]) -> _People:
    missing = [c for c in REQUIRED_COLUMNS if c not in segmented.columns]
    if missing:
        raise ValueError(f"The segmentation lacks the column(s) {', '.join(missing)}; run the segmentation first.")
    frame = segmented.copy()
    frame["rep_id"] = _text(frame["rep_id"])
    if (frame["rep_id"] == "").any():
        raise ValueError("Every person needs a rep_id to be matched.")
    duplicated = frame["rep_id"][frame["rep_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"rep_id {duplicated.iloc[0]} appears more than once; each person needs one row.")
    frame = frame.sort_values("rep_id", kind="stable").reset_index(drop=True)
    for column in ("name", "role", "team", "region", "manager", "tier"):
        frame[column] = _text(frame[column])
    frame["willing"] = [v.lower() for v in _text(frame["coach_willing"])]
    frame.loc[~frame["willing"].isin(["yes", "no"]), "willing"] = ""
    n = len(frame)
    role = frame["role"].to_numpy(dtype=object)

    strength = np.full(n, np.nan)
    coach_raw = np.full(n, np.nan)
    for coach_role, metric in COACH_METRIC.items():
        is_role = role == coach_role
        strength[is_role] = _pct(frame, metric)[is_role] / 100.0
        if f"{metric}_raw" in frame.columns:
            raw = np.asarray(pd.to_numeric(frame[f"{metric}_raw"], errors="coerce"), dtype=np.float64)
            coach_raw[is_role] = raw[is_role]
    need = np.full(n, np.nan)
    sdr = role == "SDR"
    need[sdr] = 1.0 - _pct(frame, "qualified_lead_rate")[sdr] / 100.0
    ae = role == "AE"
    both = np.column_stack([_pct(frame, "close_rate"), _pct(frame, "quota_attainment")])
    has = np.isfinite(both).any(axis=1)
    lowest = np.full(n, np.nan)
    lowest[has] = np.nanmin(both[has], axis=1)
    need[ae] = 1.0 - lowest[ae] / 100.0
    strength = np.clip(np.where(np.isfinite(strength), strength, 0.5), 0.0, 1.0)
    need = np.clip(np.where(np.isfinite(need), need, 0.5), 0.0, 1.0)

    if "coach_aptitude" in frame.columns:
        aptitude = np.asarray(pd.to_numeric(frame["coach_aptitude"], errors="coerce"), dtype=np.float64)
        aptitude = np.where(np.isfinite(aptitude), np.clip(aptitude, 1.0, 5.0), np.nan)
    else:
        aptitude = np.full(n, np.nan)
    bonus = np.where(np.isfinite(aptitude), (aptitude - 1.0) / 4.0, 0.5) * WEIGHT_APTITUDE

    focus = np.full(n, FOCUS_FALLBACK, dtype=object)
    for coachee_role in COACH_OF:
        specs = [spec for spec in METRICS if spec.role == coachee_role]
        pct = np.column_stack([_pct(frame, spec.id) for spec in specs])
        pct = np.where(np.isfinite(pct), pct, np.inf)
        weakest = np.argmin(pct, axis=1)  # the first of equals, in display order
        known = np.isfinite(pct).any(axis=1)
        words = np.array([FOCUS[spec.id] for spec in specs], dtype=object)[weakest]
        is_role = (role == coachee_role) & known
        focus[is_role] = words[is_role]

    ids = frame["rep_id"].to_numpy(dtype=object)
    return _People(
        frame=frame,
        ids=ids,
        role=role,
        tier=frame["tier"].to_numpy(dtype=object),
        willing=frame["willing"].to_numpy(dtype=object),
        team=_codes(frame["team"].to_numpy(dtype=object)),
        region=_codes(frame["region"].to_numpy(dtype=object)),
        strength=strength,
        need=need,
        aptitude=aptitude,
        percentile=np.asarray(
            pd.to_numeric(frame["percentile"], errors="coerce") if "percentile" in frame else np.full(n, np.nan),
            dtype=np.float64,
        ),
        coach_raw=coach_raw,
        names=frame["name"].to_numpy(dtype=object),
        bonus=bonus,
        focus=focus,
        excluded=np.isin(ids, np.array(sorted(excluded), dtype=object)),
        position={str(rep): i for i, rep in enumerate(ids)},
    )


def _preference(people: _People, coachees: IntArray, coaches: IntArray) -> FloatArray:
    """Preference of every (coachee, coach) pair of two person-index arrays, as a matrix."""
    fit = _fit(people.strength[coaches][None, :], people.need[coachees][:, None])
    team_a, team_b = people.team[coachees][:, None], people.team[coaches][None, :]
    region_a, region_b = people.region[coachees][:, None], people.region[coaches][None, :]
    same_team = (team_a == team_b) & (team_a >= 0)
    same_region = (region_a == region_b) & (region_a >= 0)
    return np.asarray(
        np.round(WEIGHT_FIT * fit)
        + WEIGHT_SAME_TEAM * same_team
        + WEIGHT_SAME_REGION * same_region
        + np.round(people.bonus[coaches])[None, :],
        dtype=np.float64,
    )


# --------------------------------------------------------------------------- candidates


def _block(
    people: _People, rows: IntArray, cols: IntArray, coachee: IntArray, coach: IntArray, room: IntArray
) -> IntArray:
    """Candidate pairs (local coachee, local coach) within one block, as an (n, 2) array.

    ``rows``/``cols`` are local positions; ``coachee``/``coach`` map local positions to people and
    ``room`` gives each local coach's free capacity. A small block gives every pair. A large one gives
    each coachee its :data:`TOP_K` best coaches by preference, and :data:`TOP_K` coaches spread over the
    coaches' free places (each coach repeated once per place): coachee t gets place t first, so up to
    the number of places, every coachee has a place of its own — the block alone can fill all the room.
    """
    n, m = len(rows), len(cols)
    if n == 0 or m == 0:
        return np.empty((0, 2), dtype=np.int64)
    if n * m <= EXACT_PAIRS or m <= 2 * TOP_K:
        r = np.repeat(rows, m)
        c = np.tile(cols, n)
        return np.column_stack([r, c])
    parts: list[IntArray] = []
    places = np.repeat(cols, np.clip(room[cols], 1, n))
    step = max(1, len(places) // TOP_K)
    spread = (np.arange(n)[:, None] + np.arange(TOP_K)[None, :] * step) % len(places)
    parts.append(np.column_stack([np.repeat(rows, TOP_K), places[spread.ravel()]]))
    chunk = max(1, _CHUNK_CELLS // m)
    for start in range(0, n, chunk):
        sub = rows[start : start + chunk]
        score = _preference(people, coachee[sub], coach[cols])
        best = np.argpartition(-score, TOP_K - 1, axis=1)[:, :TOP_K]
        parts.append(np.column_stack([np.repeat(sub, TOP_K), cols[best.ravel()]]))
    return np.concatenate(parts)


def _grouped(codes_a: IntArray, codes_b: IntArray) -> list[tuple[IntArray, IntArray]]:
    """Local positions of a and b sharing each code (codes below 0 never match)."""
    out: list[tuple[IntArray, IntArray]] = []
    for code in np.unique(codes_a[codes_a >= 0]):
        a = np.flatnonzero(codes_a == code).astype(np.int64)
        b = np.flatnonzero(codes_b == code).astype(np.int64)
        if len(b):
            out.append((a, b))
    return out


def _candidates(people: _People, coachee: IntArray, coach: IntArray, room: IntArray) -> IntArray:
    """The candidate graph of one level: (local coachee, local coach) pairs, before forbidden pairs."""
    n, m = len(coachee), len(coach)
    every_a = np.arange(n, dtype=np.int64)
    every_b = np.arange(m, dtype=np.int64)
    if n * m <= EXACT_PAIRS:
        return _block(people, every_a, every_b, coachee, coach, room)
    parts = [np.empty((0, 2), dtype=np.int64)]
    team_a, team_b = people.team[coachee], people.team[coach]
    for a, b in _grouped(team_a, team_b):
        parts.append(_block(people, a, b, coachee, coach, room))
    region_a, region_b = people.region[coachee], people.region[coach]
    for a, b in _grouped(region_a, region_b):
        parts.append(_block(people, a, b, coachee, coach, room))
    parts.append(_block(people, every_a, every_b, coachee, coach, room))
    return np.concatenate(parts)


# --------------------------------------------------------------------------- solver


def _arcs(coachee: IntArray, coach: IntArray, pairs: IntArray, forbidden: IntArray, size: int) -> IntArray:
    """Unique candidate pairs, sorted by coachee then coach, without the forbidden ones.

    ``forbidden`` holds coachee × ``size`` + coach for each forbidden pair (people's positions).
    """
    if len(pairs) == 0:
        return pairs
    m = len(coach)
    keys = np.unique(pairs[:, 0] * m + pairs[:, 1])
    out = np.column_stack([keys // m, keys % m]).astype(np.int64)
    if len(forbidden):
        out = out[~np.isin(coachee[out[:, 0]] * size + coach[out[:, 1]], forbidden)]
    return out


def _flow(people: _People, coachee: IntArray, coach: IntArray, residual: IntArray, arcs: IntArray) -> IntArray:
    """Min-cost max-flow over the candidate arcs; returns the local coach of each coachee, or −1."""
    n, m = len(coachee), len(coach)
    match = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0 or len(arcs) == 0:
        return match
    a, b = arcs[:, 0], arcs[:, 1]
    pa, pb = coachee[a], coach[b]
    fit = _fit(people.strength[pb], people.need[pa])
    same_team = (people.team[pa] == people.team[pb]) & (people.team[pa] >= 0)
    same_region = (people.region[pa] == people.region[pb]) & (people.region[pa] >= 0)
    preference = (
        np.round(WEIGHT_FIT * fit).astype(np.int64)
        + WEIGHT_SAME_TEAM * same_team.astype(np.int64)
        + WEIGHT_SAME_REGION * same_region.astype(np.int64)
        + np.round(people.bonus[pb]).astype(np.int64)
    )
    # A deterministic tie-breaker below one unit of preference, from the people's positions.
    tie = ((pa + 1) * 40_503 + (pb + 1) * 2_654_435_761) % TIE_SCALE
    cost = -preference * TIE_SCALE + tie

    source, sink = 0, n + m + 1
    tails = np.concatenate([np.zeros(n, dtype=np.int64), 1 + a, 1 + n + np.arange(m, dtype=np.int64)])
    heads = np.concatenate([1 + np.arange(n, dtype=np.int64), 1 + n + b, np.full(m, sink, dtype=np.int64)])
    caps = np.concatenate([np.ones(n, dtype=np.int64), np.ones(len(a), dtype=np.int64), residual])
    costs = np.concatenate([np.zeros(n, dtype=np.int64), cost, np.zeros(m, dtype=np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    arc_ids = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    solver.set_node_supply(source, n)
    solver.set_node_supply(sink, -n)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:  # pragma: no cover - integer capacities always solve
        raise RuntimeError(f"The coaching match could not be solved (status {status}).")
    middle = np.asarray(arc_ids)[n : n + len(a)]
    used = np.asarray(solver.flows(middle)) > 0
    match[a[used]] = b[used]
    return match


def _solve_level(
    people: _People, coachee: IntArray, coach: IntArray, residual: IntArray, forbidden: IntArray
) -> IntArray:
    """Match one level; returns the local coach of each coachee, or −1. Coaches need ``residual`` > 0.

    ``forbidden`` as in :func:`_arcs`. The first solve uses the sparse candidates; each repair round
    adds the left-over coachees × the coaches with room left and solves again, while that helps.
    """
    usable = residual > 0
    coach, residual = coach[usable], residual[usable]
    keep_local = np.flatnonzero(usable)
    n, m, size = len(coachee), len(coach), len(people.ids)
    if n == 0 or m == 0:
        return np.full(n, -1, dtype=np.int64)
    arcs = _arcs(coachee, coach, _candidates(people, coachee, coach, residual), forbidden, size)
    match = _flow(people, coachee, coach, residual, arcs)
    for _ in range(REPAIR_ROUNDS):
        left = np.flatnonzero(match < 0).astype(np.int64)
        room = residual - np.bincount(match[match >= 0], minlength=m)
        free = np.flatnonzero(room > 0).astype(np.int64)
        if len(left) == 0 or len(free) == 0:
            break
        extra = _arcs(coachee, coach, _block(people, left, free, coachee, coach, room), forbidden, size)
        fresh = extra[~np.isin(extra[:, 0] * m + extra[:, 1], arcs[:, 0] * m + arcs[:, 1])]
        if len(fresh) == 0:
            break
        arcs = _arcs(coachee, coach, np.concatenate([arcs, fresh]), np.empty(0, dtype=np.int64), size)
        better = _flow(people, coachee, coach, residual, arcs)
        improved = (better >= 0).sum() > (match >= 0).sum()
        match = better
        if not improved:
            break
    return np.where(match >= 0, keep_local[np.maximum(match, 0)], -1)


# --------------------------------------------------------------------------- locks


@dataclass
class _Pair:
    coach: int
    coachee: int
    locked: bool
    coach_the_coaches: bool = False


def _ids(people: _People, positions: Sequence[int] | IntArray) -> frozenset[str]:
    """The rep_ids at these positions."""
    return frozenset(str(people.ids[i]) for i in positions)


def _name(people: _People, i: int) -> str:
    return str(people.names[i] or people.ids[i])


def _locks(
    people: _People, constraints: Constraints, forbidden: set[tuple[int, int]]
) -> tuple[list[_Pair], list[tuple[str, frozenset[str]]]]:
    """The locked pairs kept, and a sentence for each one dropped (with the coachee it is about)."""
    kept: list[_Pair] = []
    notes: list[tuple[str, frozenset[str]]] = []
    has_lock: set[int] = set()
    for coach_id, coachee_id in constraints.locked:
        c, e = people.position.get(str(coach_id)), people.position.get(str(coachee_id))
        label = f"The lock {coach_id} → {coachee_id}"
        about = frozenset({str(coachee_id)})
        if c is None or e is None:
            notes.append((f"{label} was not kept: {coach_id if c is None else coachee_id} is not in this data.", about))
            continue
        label = f"The lock {_name(people, c)} → {_name(people, e)}"
        problem = ""
        if people.excluded[c] or people.excluded[e]:
            problem = f"{_name(people, c if people.excluded[c] else e)} is excluded from matching"
        elif COACH_OF.get(str(people.role[e])) != people.role[c]:
            problem = f"a {people.role[c]} does not coach a {people.role[e]} (AEs coach SDRs, AMs coach AEs)"
        elif people.willing[c] == "no":
            problem = f"{_name(people, c)} said no to coaching"
        elif people.tier[e] == "low":
            problem = f"{_name(people, e)} is in the low tier, where an HR conversation comes first"
        elif (c, e) in forbidden:
            problem = "the pair is also forbidden"
        elif e in has_lock:
            problem = f"{_name(people, e)} already has a locked coach"
        if problem:
            notes.append((f"{label} was not kept: {problem}.", about))
            continue
        has_lock.add(e)
        kept.append(_Pair(coach=c, coachee=e, locked=True))
    return kept, notes


# --------------------------------------------------------------------------- texts


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%" if abs(value) >= 0.1 else f"{value * 100:.1f}%"


def _more_coaches(role: str, people_left: int, capacity: int, where: str) -> str:
    if capacity <= 0:
        return f"{role} coaches have capacity 0: raise it to cover everyone {where}."
    more = math.ceil(people_left / capacity)
    noun = "coach" if more == 1 else "coaches"
    return f"{more} more willing {role} {noun} with capacity {capacity} would cover everyone {where}."


def _where(region: str) -> str:
    return f"in {region}" if region else "without a region on file"


def _medians(people: _People) -> dict[str, float]:
    """The role median of each coach role's raw metric, over everyone in the frame."""
    out: dict[str, float] = {}
    for role in COACH_METRIC:
        values = people.coach_raw[people.role == role]
        values = values[np.isfinite(values)]
        out[role] = float(np.median(values)) if len(values) else float("nan")
    return out


def _reason(people: _People, pair: _Pair, medians: Mapping[str, float], *, figures: bool = True) -> str:
    """The pair's one-line reason; without ``figures``, the coach's standing, metric and aptitude are left out."""
    frame = people.frame
    c, e = pair.coach, pair.coachee
    role = str(people.role[c])
    if people.tier[c] == "top":
        value = float(people.percentile[c])
        standing = f"top {max(1, round(100 - value))}%" if math.isfinite(value) else "top tier"
    else:
        standing = f"now {people.tier[c] or 'untiered'} tier"
    metric = COACH_METRIC[role]
    inside = [role, standing] if figures else [role]
    raw = float(people.coach_raw[c])
    if figures and math.isfinite(raw):
        label = next(spec.label for spec in METRICS if spec.id == metric).lower()
        median = medians.get(role, float("nan"))
        versus = f" vs median {_percent(median)}" if math.isfinite(median) else ""
        inside.append(f"{label} {_percent(raw)}{versus}")
    parts = [f"{_name(people, c)} ({', '.join(inside)})"]
    if people.team[c] == people.team[e] and people.team[e] >= 0:
        parts.append(f"same team {frame['team'].iat[e]}")
    elif people.region[c] == people.region[e] and people.region[e] >= 0:
        parts.append(f"same region {frame['region'].iat[e]}")
    else:
        parts.append(f"other region ({frame['region'].iat[c]})" if frame["region"].iat[c] else "other team")
    parts.append(f"focus: {people.focus[e]}")
    if figures and math.isfinite(people.aptitude[c]):
        parts.append(f"coaching aptitude {people.aptitude[c]:.0f}/5")
    if pair.coach_the_coaches:
        parts.append("coach the coaches")
    if people.willing[c] != "yes":
        parts.append("ask first")
    if pair.locked:
        parts.append("locked by manager")
    return " · ".join(parts)


# --------------------------------------------------------------------------- the match


def _capacities(people: _People, settings: ChainSettings) -> IntArray:
    capacity = np.array([int(settings.capacity.get(str(r), 0)) for r in people.role], dtype=np.int64)
    for rep_id, value in settings.capacity_overrides.items():
        i = people.position.get(str(rep_id))
        if i is not None:
            capacity[i] = int(value)
    return capacity


def _check(settings: ChainSettings) -> None:
    negative = [f"{k}: {v}" for k, v in {**settings.capacity, **settings.capacity_overrides}.items() if int(v) < 0]
    if negative:
        raise ValueError(f"A capacity cannot be negative ({', '.join(negative)}).")
    if not math.isfinite(settings.hours_per_coachee) or settings.hours_per_coachee < 0:
        raise ValueError("Hours per coachee must be a number of 0 or more.")


def _index(positions: Sequence[int] | IntArray) -> IntArray:
    return np.asarray(sorted(int(p) for p in positions), dtype=np.int64)


def _forbidden(people: _People, constraints: Constraints) -> set[tuple[int, int]]:
    """The forbidden (coach, coachee) pairs as positions; pairs naming someone not in the data are ignored."""
    return {
        (people.position[str(c)], people.position[str(e)])
        for c, e in constraints.forbidden
        if str(c) in people.position and str(e) in people.position
    }


def _eligible(people: _People, capacity: IntArray) -> BoolArray:
    """Who may coach: top-tier AEs and AMs who did not say no, have capacity and are not excluded."""
    return np.asarray(
        (people.tier == "top")
        & (people.willing != "no")
        & (capacity > 0)
        & ~people.excluded
        & np.isin(people.role, ["AE", "AM"]),
        dtype=np.bool_,
    )


@dataclass
class _Matching:
    """The matching's state: the pairs so far, each coach's room left, and who is still without a coach."""

    pairs: list[_Pair]
    residual: IntArray  # room left per position (0 for anyone who does not coach)
    left_over: dict[str, IntArray] = field(default_factory=dict)  # core coachees without a coach, by role
    ctc_left: frozenset[str] = frozenset()  # rep_ids of coaching AEs without an AM coach (coach the coaches)


def _solve(
    people: _People, settings: ChainSettings, eligible: BoolArray, forbidden: set[tuple[int, int]], state: _Matching
) -> None:
    """Match level by level (AE → SDR, then AM → AE, then optionally AM → coaching AE), filling ``state``."""
    n = len(people.ids)
    forbidden_keys = np.array(sorted(e * n + c for c, e in forbidden), dtype=np.int64)
    has_coach: dict[str, set[int]] = {"SDR": set(), "AE": set()}
    for p in state.pairs:
        has_coach[str(people.role[p.coachee])].add(p.coachee)
    active = ~people.excluded
    for coachee_role in ("SDR", "AE"):
        coaches = _index(np.flatnonzero(eligible & (people.role == COACH_OF[coachee_role])))
        stages = [_index(np.flatnonzero(active & (people.role == coachee_role) & (people.tier == "core")))]
        if coachee_role == "AE" and settings.coach_the_coaches:
            coaching = {p.coach for p in state.pairs if people.role[p.coachee] == "SDR"}
            stages.append(_index([i for i in coaching if people.tier[i] == "top" and active[i]]))
        for stage, candidates in enumerate(stages):
            coachees = _index([i for i in candidates if i not in has_coach[coachee_role]])
            match = _solve_level(people, coachees, coaches, state.residual[coaches], forbidden_keys)
            for local, chosen in enumerate(match):
                if chosen >= 0:
                    coach = int(coaches[chosen])
                    state.pairs.append(
                        _Pair(coach=coach, coachee=int(coachees[local]), locked=False, coach_the_coaches=stage == 1)
                    )
                    state.residual[coach] -= 1
                    has_coach[coachee_role].add(int(coachees[local]))
            if stage == 0:
                state.left_over[coachee_role] = coachees[match < 0]
            else:
                state.ctc_left = frozenset(str(people.ids[i]) for i in coachees[match < 0])


def _no_coach_at_all(people: _People, coach_role: str, coachee_role: str) -> str:
    """Why a level has no eligible coach: nobody top-tier is willing, or there is no top-tier coach role."""
    tops = int(((people.role == coach_role) & (people.tier == "top") & ~people.excluded).sum())
    if tops:
        return (
            f"No {coach_role} in the top tier is willing to coach: ask the top {coach_role}s who left "
            f"coach_willing blank, or raise capacity."
        )
    return f"There is no top-tier {coach_role} to coach the {coachee_role}s: until there is, their managers coach them."


def _explain_unmatched(
    people: _People,
    settings: ChainSettings,
    eligible: BoolArray,
    forbidden: set[tuple[int, int]],
    state: _Matching,
) -> tuple[list[dict[str, object]], list[tuple[str, frozenset[str]]]]:
    """Why each core person left without a coach has none (rows of UNMATCHED_COLUMNS), and what would cover them.

    Each suggestion comes with the rep_ids it is about: the people it would cover.
    """
    rows: list[dict[str, object]] = []
    suggestions: list[tuple[str, frozenset[str]]] = []
    frame = people.frame
    for coachee_role in ("SDR", "AE"):
        coach_role = COACH_OF[coachee_role]
        default = int(settings.capacity.get(coach_role, 0))
        left = state.left_over.get(coachee_role, np.empty(0, dtype=np.int64))
        if len(left) == 0:
            continue
        coaches = np.flatnonzero(eligible & (people.role == coach_role))
        free = coaches[state.residual[coaches] > 0]
        general = _no_coach_at_all(people, coach_role, coachee_role) if len(coaches) == 0 else ""
        if general:
            suggestions.append((general, _ids(people, left)))
        regions = frame["region"].to_numpy(dtype=object)[left]
        short = {str(r): int((regions == r).sum()) for r in sorted(set(regions.tolist()))}
        if len(free) == 0:
            suggestions.extend(
                (_more_coaches(coach_role, count, default, _where(r)), _ids(people, left[regions == r]))
                for r, count in short.items()
            )
        for i in left:
            region = str(frame["region"].iat[i])
            if general:
                why = general
            elif len(free) == 0:
                why = f"Every {coach_role} coach is at capacity; " + _more_coaches(
                    coach_role, short[region], default, _where(region)
                )
            elif all((int(c), int(i)) in forbidden for c in free):
                why = (
                    f"The {coach_role} coaches with room left are ruled out for this person by a manager's edit: "
                    f"lift one, or add a willing {coach_role} coach {_where(region)}."
                )
            else:
                why = (
                    f"No {coach_role} coach with room left was among this person's candidates: lock a pair by hand, "
                    f"or raise a {coach_role} coach's capacity {_where(region)}."
                )
            rows.append(
                {
                    "rep_id": people.ids[i],
                    "name": frame["name"].iat[i],
                    "role": coachee_role,
                    "team": frame["team"].iat[i],
                    "region": region,
                    "tier": people.tier[i],
                    "why": why,
                }
            )
    return rows, suggestions


def _closing_suggestions(people: _People, state: _Matching) -> list[tuple[str, frozenset[str]]]:
    """What is left to ask after matching: coaching AEs without an AM coach, coaches who have not said yes.

    Each with the rep_ids it is about: those AEs; the coaches to ask and their coachees.
    """
    out: list[tuple[str, frozenset[str]]] = []
    if state.ctc_left:
        count = len(state.ctc_left)
        noun = "AE who coaches" if count == 1 else "AEs who coach"
        out.append(
            (
                f"{count} top {noun} SDRs have no AM coach: the AM capacity went to the core AEs first; "
                f"raise AM capacity to coach the coaches.",
                state.ctc_left,
            )
        )
    asked = [p for p in state.pairs if people.willing[p.coach] != "yes"]
    if asked:
        coaches = {p.coach for p in asked}
        noun = "coach has" if len(coaches) == 1 else "coaches have"
        out.append(
            (
                f"{len(coaches)} {noun} not said yes to coaching yet: ask them first (marked 'ask first').",
                _ids(people, [i for p in asked for i in (p.coach, p.coachee)]),
            )
        )
    return out


def _pairs_frame(people: _People, pairs: list[_Pair]) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """The pairs as PAIR_COLUMNS, SDR level first, then by coach and coachee id; and each pair's plain reason.

    The plain reason (by (coach_id, coachee_id)) is the reason without the coach's figures, for
    :attr:`ChainResult.plain_reasons`.
    """
    frame = people.frame
    medians = _medians(people)
    level_order = {"SDR": 0, "AE": 1}
    ordered = sorted(
        pairs, key=lambda p: (level_order[str(people.role[p.coachee])], people.ids[p.coach], people.ids[p.coachee])
    )
    rows: list[dict[str, object]] = []
    plain: dict[tuple[str, str], str] = {}
    for p in ordered:
        c, e = p.coach, p.coachee
        plain[(str(people.ids[c]), str(people.ids[e]))] = _reason(people, p, medians, figures=False)
        rows.append(
            {
                "coach_id": people.ids[c],
                "coach_name": frame["name"].iat[c],
                "coach_role": people.role[c],
                "coachee_id": people.ids[e],
                "coachee_name": frame["name"].iat[e],
                "coachee_role": people.role[e],
                "level": LEVEL_NAMES[str(people.role[e])],
                "team": frame["team"].iat[e],
                "fit": round(float(_fit(people.strength[[c]], people.need[[e]])[0]), 3),
                "same_team": bool(people.team[c] == people.team[e] and people.team[e] >= 0),
                "same_region": bool(people.region[c] == people.region[e] and people.region[e] >= 0),
                "locked": p.locked,
                "ask_first": people.willing[c] != "yes",
                "focus": people.focus[e],
                "reason": _reason(people, p, medians),
            }
        )
    out = pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    for column in ("same_team", "same_region", "locked", "ask_first"):
        out[column] = out[column].astype(bool)
    out["fit"] = out["fit"].astype(np.float64)
    return out, plain


def _load_frame(
    people: _People, pairs: list[_Pair], eligible: BoolArray, capacity: IntArray, settings: ChainSettings
) -> pd.DataFrame:
    """One row per eligible coach and per coach holding a pair (LOAD_COLUMNS), by role then id."""
    frame = people.frame
    coachees_of = np.bincount([p.coach for p in pairs], minlength=len(people.ids))
    in_load = np.flatnonzero(eligible | (coachees_of > 0))
    in_load = in_load[np.lexsort((people.ids[in_load].astype(str), people.role[in_load].astype(str)))]
    load = pd.DataFrame(
        {
            "coach_id": people.ids[in_load],
            "name": frame["name"].to_numpy(dtype=object)[in_load],
            "role": people.role[in_load],
            "team": frame["team"].to_numpy(dtype=object)[in_load],
            "region": frame["region"].to_numpy(dtype=object)[in_load],
            "coachees": coachees_of[in_load].astype(np.int64),
            "capacity": capacity[in_load].astype(np.int64),
            "hours": coachees_of[in_load].astype(np.float64) * float(settings.hours_per_coachee),
            "ask_first": people.willing[in_load] != "yes",
        },
        columns=list(LOAD_COLUMNS),
    )
    load["ask_first"] = load["ask_first"].astype(bool)
    return load


def _manager_frame(people: _People) -> pd.DataFrame:
    """The core AMs (MANAGER_COLUMNS): no role above them coaches peers, so their manager coaches them."""
    frame = people.frame
    core_am = np.flatnonzero(~people.excluded & (people.role == "AM") & (people.tier == "core"))
    managers = frame["manager"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "rep_id": people.ids[core_am],
            "name": frame["name"].to_numpy(dtype=object)[core_am],
            "role": people.role[core_am],
            "team": frame["team"].to_numpy(dtype=object)[core_am],
            "manager": managers[core_am],
            "coach": [f"manager: {m}" if m else "external coach" for m in managers[core_am]],
            "why": [
                "Core AM: no role above AMs coaches peers, so their manager coaches them."
                if m
                else "Core AM with no manager on file: an external coach."
                for m in managers[core_am]
            ],
        },
        columns=list(MANAGER_COLUMNS),
    )


def match_chains(
    segmented: pd.DataFrame,
    settings: ChainSettings | None = None,
    constraints: Constraints | None = None,
) -> ChainResult:
    """Match peer coaches: AEs coach core SDRs, AMs coach core AEs (and, optionally, the coaching AEs).

    Args:
        segmented: One row per person, as :func:`core.scoring.segmentation.segment` gives it (``tier`` after
            overrides, ``<metric>_pct`` and ``<metric>_raw`` columns; ``coach_aptitude`` optional).
        settings: Capacities, hours per coachee, and coach the coaches.
        constraints: Locked, excluded and forbidden, from the manager's edits.

    Returns:
        The pairs, the core people without a peer coach, the core AMs coached by their manager, the
        load per coach and suggestions (see :class:`ChainResult` and the module docstring).

    Raises:
        ValueError: A missing column, a blank or repeated rep_id, a negative capacity or hours.
    """
    settings = settings or ChainSettings()
    constraints = constraints or Constraints()
    _check(settings)
    people = _prepare(segmented, constraints.excluded)
    capacity = _capacities(people, settings)
    forbidden = _forbidden(people, constraints)
    locked, notes = _locks(people, constraints, forbidden)
    eligible = _eligible(people, capacity)
    locks_per_coach = np.bincount([p.coach for p in locked], minlength=len(people.ids)).astype(np.int64)
    residual = np.where(eligible, np.maximum(capacity - locks_per_coach, 0), 0).astype(np.int64)
    state = _Matching(pairs=locked, residual=residual)
    _solve(people, settings, eligible, forbidden, state)
    unmatched_rows, shortfall = _explain_unmatched(people, settings, eligible, forbidden, state)
    suggestions = [*notes, *shortfall, *_closing_suggestions(people, state)]
    pairs, plain_reasons = _pairs_frame(people, state.pairs)
    return ChainResult(
        pairs=pairs.reset_index(drop=True),
        unmatched=pd.DataFrame(unmatched_rows, columns=list(UNMATCHED_COLUMNS)).reset_index(drop=True),
        manager_coached=_manager_frame(people).reset_index(drop=True),
        load=_load_frame(people, state.pairs, eligible, capacity, settings).reset_index(drop=True),
        suggestions=[text for text, _ in suggestions],
        suggestion_about=tuple(about for _, about in suggestions),
        plain_reasons=plain_reasons,
    )


__all__ = ["ChainResult", "ChainSettings", "Constraints", "fit_formula", "match_chains"]
