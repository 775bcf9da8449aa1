"""Peer-coaching chains: who coaches whom, at which level — and why.

PRODUCT.md ("Peer-coaching chains: AM → AE → SDR") and issue 14. The input is one row per person as
:func:`core.scoring.segmentation.segment` gives it (tiers after the manager's overrides); the output is
a :class:`ChainResult`: the pairs and invitations with a one-line reason each, the core people left
without a peer coach (which level would cover them and whom to invite), the core AMs with an external
coach or their manager, the load per coach, the invitation list and suggestions. The rules below are
product promises; ``tests/coaching/test_chains.py`` checks each of them.

* **Levels** (:data:`LEVELS`, in matching order): ``ae-sdr`` (AEs coach SDRs on the qualification
  criteria), ``am-ae`` (AMs coach AEs), and same-role peer coaching ``ae-ae`` (closing), ``sdr-sdr`` and
  ``am-am`` (account growth). :attr:`ChainSettings.levels` chooses them; None takes
  :func:`default_levels` for the roles in the data: each cross-role level whose two roles are present,
  and same-role coaching for a role with no role above it in the data (an AE-only team gets ``ae-ae``,
  SDR + AE gets ``ae-sdr`` and ``ae-ae``, AMs always get ``am-am``).
* **Coaches** are the top tier of the level's coach role, not excluded, with a capacity above 0
  (:attr:`ChainSettings.capacity` by role, :attr:`ChainSettings.capacity_overrides` per person), and
  ``coach_willing`` not ``"no"`` (a manager's recorded answer, :attr:`Constraints.answers`, replaces the
  file's). **Stable**: a top person who was low, or in the core within
  :data:`core.scoring.tiers.NEAR_LOW_POINTS` of the low cut-off, in the previous window
  (``previous_near_low``) is not proposed; one who was core there (``previous_tier``) has only just
  risen: proposed, with that caveat in the reason and less preference. Unknown history counts as stable.
* **Invitations.** A pair whose coach said yes is a ``pair``; a coach who left ``coach_willing`` blank
  gives an ``invitation`` ("ask Jonas first"), never an assignment. :attr:`ChainResult.invitations`
  lists whom to ask, why them, and how many coachees and hours it would cover.
* **Coachees** are the core tier of the level's coachee role. A person gets at most one peer coach per
  level, and nobody coaches themselves. A coach's capacity is shared across all the levels they coach on:
  levels are matched in :data:`LEVELS` order, each from the room the levels before it left.
* **Coach the coaches** (:attr:`ChainSettings.coach_the_coaches`): after AMs are matched to the core AEs,
  the AM capacity left goes to the top AEs who coach SDRs in this result (marked in the reason).
* **Low tier** never gets a peer coach: an HR conversation comes first. They appear in none of the
  tables. **Core AMs** without an AM peer coach get an external coach slot: the name a manager entered
  (:attr:`ChainSettings.external_coaches`), else their manager as the fallback, shown as such
  (``manager_coached``), so the manager and coach roles stay apart where they can.
* **Constraints** (:class:`Constraints`). Excluded people are taken out of everything. Locked pairs are
  kept first and count against the coach's capacity, even when the coach is no longer top tier; a lock
  is dropped — and a suggestion says why — when a person is missing or excluded, the two roles form no
  level or that level is switched off, it pairs a person with themselves, the coach said no, the coachee
  is low tier, the pair is also forbidden, or the coachee already has a locked coach at that level.
  Forbidden pairs are never formed.
* **Optimisation.** Each level is a min-cost max-flow (OR-Tools ``SimpleMinCostFlow``,
  ``solve_max_flow_with_min_cost``): source → coachee (capacity 1) → candidate coach (capacity 1) → sink
  (the coach's room left). So first as many coachees as possible are matched at each level, then the
  total preference is best. Arc cost = −(preference × 64) + a tie-breaker in [0, 64) that depends only on
  the two people's positions in rep_id order; preference = round(1000 × fit) + 300 same team + 150 same
  region + 200 coach said yes + 100 coach stable + aptitude (0–100, 50 unknown) + 50 coaching training
  done + 2000 when the coachee has no peer coach at an earlier level. Rows are sorted by rep_id first, so
  the same people give the same pairs, whatever the order of the rows.
* **Candidates.** When a level has at most :data:`EXACT_PAIRS` coach–coachee pairs, every pair is a
  candidate and the matched count is the true maximum. Larger levels use sparse candidates (per coachee,
  every coach of the same team, and the best :data:`TOP_K` plus :data:`TOP_K` spread over the free places
  in the region and anywhere, see :func:`_block`), repaired while coachees are left and coaches have room.
* **Fit** — see :func:`fit_formula`. **Focus** is the coachee's weakest metric relative to peers, of the
  metrics their role is scored on in this dataset (the segmentation's ``scored_on``: close rate and won
  revenue per month for AEs without a quota); the AE's need across roles is judged on the same metrics.
* **Reason**: coach (role, rank "3rd of 30" — or "top N%" without a rank —, the coach's metric against
  the role median: the close rate for AEs and upsell rate for AMs across roles, the coachee's focus
  metric within a role) · locality · focus, then aptitude, training, "new to the top tier", "coach the
  coaches", "ask <first name> first" and "locked by manager" where they apply.
  :attr:`ChainResult.plain_reasons` holds the same line without the coach's figures, and
  :attr:`ChainResult.suggestion_about` whom each suggestion is about, for a manager's scoped view
  (:mod:`core.coaching.scope`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from ortools.graph.python import min_cost_flow

from core.i18n import N_, _, current, ngettext
from core.scoring.metrics import METRICS, metric_name, number_text, percent_text
from core.scoring.tiers import tier_name

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

STATUS_UNCONFIRMED = "to be confirmed"  # i18n: data (a coach-credit status code)


@dataclass(frozen=True)
class Level:
    """One level of the chains: who coaches whom."""

    id: str  # e.g. "ae-sdr", as the command line and the exports name it
    coach_role: str
    coachee_role: str

    @property
    def label(self) -> str:
        """How the page names the level, e.g. "AE → SDR"."""
        return f"{self.coach_role} → {self.coachee_role}"

    @property
    def same_role(self) -> bool:
        """Peer coaching within one role."""
        return self.coach_role == self.coachee_role


LEVELS: Final[tuple[Level, ...]] = (
    Level("ae-sdr", "AE", "SDR"),
    Level("am-ae", "AM", "AE"),
    Level("ae-ae", "AE", "AE"),
    Level("sdr-sdr", "SDR", "SDR"),
    Level("am-am", "AM", "AM"),
)
"""Every level, in the order they are matched (a coach's capacity goes to the earlier level first)."""
LEVEL_BY_ID: Final[dict[str, Level]] = {level.id: level for level in LEVELS}
ROLE_ABOVE: Final[dict[str, str]] = {"SDR": "AE", "AE": "AM"}
"""The role that coaches each role across roles."""
DEFAULT_CAPACITY: Final[dict[str, int]] = {"SDR": 3, "AE": 3, "AM": 3}

FOCUS: Final[dict[str, str]] = {
    "qualified_lead_rate": N_("qualifying leads"),
    "lead_rate": N_("booking more first meetings"),
    "qualification_efficiency": N_("targeting the right accounts"),
    "close_rate": N_("closing"),
    "quota_attainment": N_("deal size and pipeline for quota"),
    "revenue_per_month": N_("winning more and larger deals"),
    "upsell_rate": N_("growing existing accounts"),
}
"""The coaching focus, in words, for a coachee whose weakest metric is the key (else the metric's label).

English, marked: the matching writes it in the language core speaks (``core.i18n.speaking``)."""
FOCUS_FALLBACK: Final = N_("overall results")

COACH_METRIC: Final[dict[str, str]] = {"AE": "close_rate", "AM": "upsell_rate"}
"""The metric that makes a coach strong across roles (shown in the reason)."""
_METRIC_INDEX: Final[dict[str, int]] = {spec.id: k for k, spec in enumerate(METRICS)}

FIT_STRENGTH_ONLY: Final = 0.4  # share of fit a strong coach earns whatever the coachee's need
FIT_NEED: Final = 0.6  # share that grows with the coachee's need
WEIGHT_FIT: Final = 1000
WEIGHT_SAME_TEAM: Final = 300
WEIGHT_SAME_REGION: Final = 150
WEIGHT_AGREED: Final = 200  # the coach said yes: a pair now rather than an invitation
WEIGHT_STABLE: Final = 100  # the coach was top (or unknown) in the previous window, not just risen
WEIGHT_APTITUDE: Final = 100  # aptitude 5 adds this much, aptitude 1 nothing, unknown half
WEIGHT_TRAINED: Final = 50  # coaching training done
WEIGHT_UNCOACHED: Final = 2000  # the coachee has no peer coach at an earlier level yet
TIE_SCALE: Final = 64  # costs are multiplied by this; the tie-breaker lives below it

EXACT_PAIRS: Final = 90_000
"""Up to this many coach–coachee pairs in a level (or block), every pair is a candidate."""
TOP_K: Final = 8
"""Candidates per coachee by preference (and as many spread evenly) in a region or everywhere."""
REPAIR_ROUNDS: Final = 3
_CHUNK_CELLS: Final = 1_000_000  # score-matrix cells per vectorised block (8 MB: 4 MB was slower, #17)
INVITE_NAMES: Final = 3  # people named in an unmatched row's "invite"

REQUIRED_COLUMNS: Final = ("rep_id", "name", "role", "team", "region", "manager", "coach_willing", "tier")

PAIR_COLUMNS: Final = (
    "coach_id",
    "coach_name",
    "coach_role",
    "coachee_id",
    "coachee_name",
    "coachee_role",
    "level",
    "status",
    "team",
    "fit",
    "same_team",
    "same_region",
    "locked",
    "ask_first",
    "just_risen",
    "focus",
    "coach_hours",
    "reason",
)
UNMATCHED_COLUMNS: Final = ("rep_id", "name", "role", "team", "region", "tier", "level", "invite", "why")
MANAGER_COLUMNS: Final = ("rep_id", "name", "role", "team", "manager", "external_coach", "coach", "why")
LOAD_COLUMNS: Final = (
    "coach_id",
    "name",
    "role",
    "team",
    "region",
    "levels",
    "coachees",
    "capacity",
    "hours",
    "ask_first",
)
INVITATION_COLUMNS: Final = (
    "coach_id",
    "name",
    "role",
    "team",
    "region",
    "why_them",
    "levels",
    "coachees",
    "coachee_names",
    "hours",
)
CREDIT_COLUMNS: Final = ("coach_id", "name", "role", "team", "levels", "coachees", "hours_per_month", "status")


def default_levels(roles: Iterable[str]) -> tuple[str, ...]:
    """The levels for a team with these roles: cross-role where both roles exist, same-role where none is above.

    >>> default_levels(["AE"])
    ('ae-ae',)
    >>> default_levels(["SDR", "AE", "AM"])
    ('ae-sdr', 'am-ae', 'am-am')
    """
    present = {str(r) for r in roles}
    chosen = []
    for level in LEVELS:
        if level.coach_role not in present or level.coachee_role not in present:
            continue
        if level.same_role and ROLE_ABOVE.get(level.coachee_role) in present:
            continue
        chosen.append(level.id)
    return tuple(chosen)


def parse_levels(text: str) -> tuple[str, ...]:
    """Levels written as ``ae-sdr,ae-ae`` (commas, semicolons or spaces; any case), in matching order.

    Raises:
        ValueError: An unknown level, or none at all.
    """
    names = [part.strip().lower() for part in re.split(r"[,;\s]+", text) if part.strip()]
    unknown = [name for name in names if name not in LEVEL_BY_ID]
    if unknown:
        raise ValueError(
            _("'{value}' is not a coaching level; use {items}.").format(value=unknown[0], items=", ".join(LEVEL_BY_ID))
        )
    if not names:
        raise ValueError(_("Name at least one coaching level: {items}.").format(items=", ".join(LEVEL_BY_ID)))
    return tuple(level.id for level in LEVELS if level.id in names)


def level_label(level_id: object) -> str:
    """A level's label ("AE → AE") from its id; an unknown id as it is."""
    level = LEVEL_BY_ID.get(str(level_id))
    return level.label if level else str(level_id)


@dataclass(frozen=True)
class ChainSettings:
    """Which levels run, how much coaching each coach can give, and who the AMs' external coaches are."""

    capacity: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))  # by role; else default
    capacity_overrides: Mapping[str, int] = field(default_factory=dict)  # rep_id -> capacity (0 = not coaching)
    hours_per_coachee: float = 2.0  # coaching hours per coachee per month
    coach_the_coaches: bool = False  # AMs may also coach the top AEs who coach SDRs
    levels: tuple[str, ...] | None = None  # level ids; None = default_levels for the roles in the data
    external_coaches: Mapping[str, str] = field(default_factory=dict)  # AM rep_id -> external coach's name

    def key(self) -> tuple[object, ...]:
        """A hashable key for caches."""
        return (
            tuple(sorted((str(k), int(v)) for k, v in self.capacity.items())),
            tuple(sorted((str(k), int(v)) for k, v in self.capacity_overrides.items())),
            float(self.hours_per_coachee),
            bool(self.coach_the_coaches),
            None if self.levels is None else tuple(str(v) for v in self.levels),
            tuple(sorted((str(k), str(v)) for k, v in self.external_coaches.items())),
        )


@dataclass(frozen=True)
class Constraints:
    """A manager's edits the matching must respect."""

    locked: tuple[tuple[str, str], ...] = ()  # (coach_id, coachee_id), kept first
    excluded: frozenset[str] = frozenset()  # rep_ids taken out of matching entirely
    forbidden: tuple[tuple[str, str], ...] = ()  # (coach_id, coachee_id) never formed
    answers: tuple[tuple[str, str], ...] = ()  # (rep_id, "yes" | "no"): a coach's answer a manager recorded


@dataclass(frozen=True)
class ChainResult:
    """What the matching gives: pairs and invitations, who is left, load per coach, invitations, suggestions.

    Attributes:
        pairs: PAIR_COLUMNS: coach and coachee (id, name, role), ``level`` (an id of :data:`LEVELS`),
            ``status`` ("pair" when the coach said yes, "invitation" when they have not been asked),
            team (the coachee's), fit (0–1), same_team, same_region, locked, ask_first (= invitation),
            just_risen (the coach only just rose into the top tier), focus, coach_hours (the coach's
            hours a month over all their pairs and invitations) and reason.
        unmatched: Core people (not AMs) without a peer coach at any level: rep_id, name, role, team,
            region, tier, level (the level that would cover them), invite (whom to ask), why.
        manager_coached: Core AMs without an AM peer coach: rep_id, name, role, team, manager,
            external_coach (the name a manager entered, or ""), coach, why.
        load: One row per eligible coach (and per coach holding a lock): coach_id, name, role, team,
            region, levels (the levels of their pairs), coachees, capacity, hours, ask_first.
        suggestions: Sentences saying what would cover everyone, and which locks were not kept.
        suggestion_about: The rep_ids each suggestion is about, in the order of ``suggestions``.
        plain_reasons: (coach_id, coachee_id) → the pair's reason without the coach's figures (standing,
            metric, aptitude, training, caveat), for a viewer who may name that coach but not see their scores.
        invitations: One row per coach to ask (INVITATION_COLUMNS): why them, the levels, how many
            coachees and hours a month it would cover.
        levels: The level ids that ran.
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    manager_coached: pd.DataFrame
    load: pd.DataFrame
    suggestions: list[str]
    suggestion_about: tuple[frozenset[str], ...] = ()
    plain_reasons: Mapping[tuple[str, str], str] = field(default_factory=dict)
    invitations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(INVITATION_COLUMNS)))
    levels: tuple[str, ...] = ()


def fit_formula() -> str:
    """The fit formula in plain words, as the page shows it."""
    return _(
        "fit = coach strength × (0.4 + 0.6 × coachee need), from 0 to 1: a strong coach is always a good "
        "match, and best where the coachee most needs it. AE → SDR: strength = the AE's close-rate "
        "percentile ÷ 100, need = 1 − the SDR's qualified-lead-rate percentile ÷ 100. AM → AE: strength = "
        "the AM's upsell-rate percentile ÷ 100, need = 1 − the AE's lowest percentile of the metrics AEs are "
        "scored on here (close rate and quota attainment, or won revenue per month without a quota) ÷ 100. Within "
        "a role (AE → AE, SDR → SDR, AM → AM): the coachee's weakest metric of those their role is scored on decides, "
        "strength = the coach's percentile on that metric ÷ 100, need = 1 − the coachee's. A missing "
        "percentile counts as 50. On top of fit, the matching prefers the same team (+0.3), a coach who said "
        "yes (+0.2), the same region (+0.15), a coach who was not just new to the top tier (+0.1), a higher "
        "coaching aptitude (up to +0.1; unknown counts as 3 of 5) and coaching training done (+0.05); and, "
        "at a later level, people who have no peer coach yet. It first matches as many people as possible "
        "at each level, then maximises these preferences."
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
    strength: FloatArray  # as a coach of the role below (0.5 when unknown)
    need: FloatArray  # as a coachee of the role above (0.5 when unknown)
    pct: FloatArray  # (people, METRICS) percentile within role, NaN when unknown
    raw: FloatArray  # (people, METRICS) raw value
    focus_metric: IntArray  # index into METRICS of the weakest metric, −1 when unknown
    aptitude: FloatArray  # 1–5, NaN when unknown
    trained: BoolArray  # coaching training done
    just_risen: BoolArray  # core in the previous window, top now
    unsteady: BoolArray  # low or near low in the previous window: not proposed as a coach
    percentile: FloatArray  # within role, NaN when unknown
    rank: FloatArray  # 1 = best within role, NaN when unknown
    role_size: IntArray  # people ranked in the person's role
    names: npt.NDArray[np.object_]
    bonus: FloatArray  # the coach's preference on top of fit (see WEIGHT_*)
    focus: npt.NDArray[np.object_]
    excluded: BoolArray
    position: dict[str, int]

    @functools.cached_property
    def cells(self) -> dict[str, npt.NDArray[np.object_]]:
        """The frame's name, team and region as arrays: a pandas lookup per cell cost seconds in the loops (#17)."""
        return {c: self.frame[c].to_numpy(dtype=object) for c in ("name", "team", "region")}


def _text(values: pd.Series) -> npt.NDArray[np.object_]:
    """Strings with blanks (NA, empty, spaces) as ""."""
    out = values.astype(object).where(values.notna(), "").to_numpy(dtype=object)
    if pd.api.types.infer_dtype(out, skipna=False) == "string":
        # Every cell a str: strip each distinct value once (most columns hold few), not 20,000 cells one by one
        # (#17). Other cells go one by one: 1, 1.0 and True factorize alike but read differently.
        codes, distinct = pd.factorize(out)
        return np.array([str(v).strip() for v in distinct] + [""], dtype=object)[codes]  # (no cell is NA here)
    return np.array([str(v).strip() for v in out], dtype=object)


def _codes(values: npt.NDArray[np.object_]) -> IntArray:
    """Integer codes in sorted order of the values; a blank is −1 (never the same as anything)."""
    lookup = {value: code for code, value in enumerate(sorted({str(v) for v in values if v != ""}))}
    if pd.api.types.infer_dtype(values, skipna=False) == "string":  # look each distinct value up once (#17)
        seen, distinct = pd.factorize(values)
        return np.array([lookup.get(str(v), -1) for v in distinct] + [-1], dtype=np.int64)[seen]
    return np.array([lookup.get(str(v), -1) for v in values], dtype=np.int64)


def _numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return np.asarray(pd.to_numeric(frame[column], errors="coerce"), dtype=np.float64)


def _pct(frame: pd.DataFrame, metric: str) -> FloatArray:
    return _numbers(frame, f"{metric}_pct")


def _yes(frame: pd.DataFrame, column: str) -> BoolArray:
    """True where a yes/no column says yes (also true / 1 / ja / oui); False where absent or anything else."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=np.bool_)
    if frame[column].dtype == np.bool_:  # True reads "true", False "false": the column as it is
        return frame[column].to_numpy(dtype=np.bool_)
    # Each distinct text once (a yes/no column holds a handful), not 20,000 cells (#17).
    codes, distinct = pd.factorize(_text(frame[column]))
    yes = [str(v).lower() in ("yes", "y", "true", "1", "1.0", "ja", "j") for v in distinct]
    return np.array([*yes, False], dtype=np.bool_)[codes]


def _fit(strength: FloatArray, need: FloatArray) -> FloatArray:
    """fit = strength × (0.4 + 0.6 × need): in [0, 1], increasing in both."""
    return np.asarray(strength * (FIT_STRENGTH_ONLY + FIT_NEED * need), dtype=np.float64)


def _scored(frame: pd.DataFrame, role: npt.NDArray[np.object_]) -> BoolArray:
    """(people, METRICS): whether the person's role was scored on the metric in this dataset.

    From the segmentation's ``scored_on`` (``close_rate=0.6;revenue_per_month=0.4``); a person without it
    (an older caller, a frame written by hand) counts every metric of their role, as before.
    """
    n = len(frame)
    roles = np.array([spec.role for spec in METRICS], dtype=object)
    mine = np.asarray(np.asarray(role, dtype=object).reshape(n, 1) == roles[None, :], dtype=np.bool_)
    if "scored_on" not in frame.columns:
        return mine
    index = {spec.id: k for k, spec in enumerate(METRICS)}
    out = mine.copy()
    texts = _text(frame["scored_on"])
    for text in pd.unique(texts):  # one per role and weighting, not one per person
        used = {part.partition("=")[0].strip() for part in str(text).split(";") if part.strip()}
        used = {m for m in used if m in index}
        if used:
            rows = texts == text
            out[rows] = mine[rows] & np.array([spec.id in used for spec in METRICS], dtype=np.bool_)
    return out


def _cross_role(
    frame: pd.DataFrame, role: npt.NDArray[np.object_], pct: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Strength as a coach of the role below, need as a coachee of the role above, and the coach metric's raw value.

    ``pct`` holds the percentiles of the metrics each person's role is scored on (NaN elsewhere): an AE's
    need is their lowest of those (close rate and quota attainment, or won revenue per month without a quota).
    """
    n = len(frame)
    strength = np.full(n, np.nan)
    coach_raw = np.full(n, np.nan)
    for coach_role, metric in COACH_METRIC.items():
        is_role = role == coach_role
        strength[is_role] = _pct(frame, metric)[is_role] / 100.0
        coach_raw[is_role] = _numbers(frame, f"{metric}_raw")[is_role]
    need = np.full(n, np.nan)
    sdr = role == "SDR"
    need[sdr] = 1.0 - _pct(frame, "qualified_lead_rate")[sdr] / 100.0
    both = pct[:, [k for k, spec in enumerate(METRICS) if spec.role == "AE"]] if n else np.empty((0, 1))
    has = np.isfinite(both).any(axis=1)
    lowest = np.full(n, np.nan)
    lowest[has] = np.nanmin(both[has], axis=1)
    ae = role == "AE"
    need[ae] = 1.0 - lowest[ae] / 100.0
    strength = np.clip(np.where(np.isfinite(strength), strength, 0.5), 0.0, 1.0)
    need = np.clip(np.where(np.isfinite(need), need, 0.5), 0.0, 1.0)
    return strength, need, coach_raw


def _focus(pct: FloatArray, role: npt.NDArray[np.object_]) -> tuple[IntArray, npt.NDArray[np.object_]]:
    """Each person's weakest metric of their role (index into METRICS, −1 unknown) and its focus in words."""
    n = len(role)
    index = np.full(n, -1, dtype=np.int64)
    words = np.full(n, _(FOCUS_FALLBACK), dtype=object)
    for r in sorted({str(v) for v in role}):
        columns = [k for k, spec in enumerate(METRICS) if spec.role == r]
        if not columns:
            continue
        values = pct[:, columns]
        values = np.where(np.isfinite(values), values, np.inf)
        weakest = np.argmin(values, axis=1)  # the first of equals, in display order
        mine = (role == r) & np.isfinite(values).any(axis=1)
        chosen = np.asarray(columns, dtype=np.int64)[weakest]
        index[mine] = chosen[mine]
        texts = np.array(
            [_(FOCUS[METRICS[k].id]) if METRICS[k].id in FOCUS else metric_name(METRICS[k].label, in_sentence=True)
             for k in columns],
            dtype=object,
        )  # fmt: skip
        words[mine] = texts[weakest][mine]
    return index, words


def _prepare(segmented: pd.DataFrame, excluded: frozenset[str], answers: Sequence[tuple[str, str]] = ()) -> _People:
    missing = [c for c in REQUIRED_COLUMNS if c not in segmented.columns]
    if missing:
        raise ValueError(
            _("The segmentation lacks the column(s) {items}; run the segmentation first.").format(
                items=", ".join(missing)
            )
        )
    frame = segmented.copy()
    frame["rep_id"] = _text(frame["rep_id"])
    if (frame["rep_id"] == "").any():
        raise ValueError(_("Every person needs a rep_id to be matched."))
    duplicated = frame["rep_id"][frame["rep_id"].duplicated()]
    if len(duplicated):
        raise ValueError(
            _("rep_id {value} appears more than once; each person needs one row.").format(value=duplicated.iloc[0])
        )
    frame = frame.sort_values("rep_id", kind="stable").reset_index(drop=True)
    for column in ("name", "role", "team", "region", "manager", "tier"):
        frame[column] = _text(frame[column])
    frame["willing"] = [v.lower() for v in _text(frame["coach_willing"])]
    frame.loc[~frame["willing"].isin(["yes", "no"]), "willing"] = ""
    recorded = {str(rep): str(answer) for rep, answer in answers if str(answer) in ("yes", "no")}
    if recorded:
        hit = frame["rep_id"].isin(list(recorded))
        frame.loc[hit, "willing"] = frame.loc[hit, "rep_id"].map(recorded)
    n = len(frame)
    role = frame["role"].to_numpy(dtype=object)
    pct = np.column_stack([_pct(frame, spec.id) for spec in METRICS]) if n else np.empty((0, len(METRICS)))
    pct = np.where(_scored(frame, role), pct, np.nan)  # only the metrics the role is scored on count
    strength, need, _coach_raw = _cross_role(frame, role, pct)
    raw = np.column_stack([_numbers(frame, f"{spec.id}_raw") for spec in METRICS]) if n else pct.copy()
    focus_metric, focus = _focus(pct, role)

    aptitude = _numbers(frame, "coach_aptitude")
    aptitude = np.where(np.isfinite(aptitude), np.clip(aptitude, 1.0, 5.0), np.nan)
    trained = _yes(frame, "coach_trained")
    previous = _text(frame["previous_tier"]) if "previous_tier" in frame.columns else np.full(n, "", dtype=object)
    unsteady = _yes(frame, "previous_near_low")
    just_risen = (previous == "core") & ~unsteady
    willing = frame["willing"].to_numpy(dtype=object)
    bonus = (
        np.where(np.isfinite(aptitude), (aptitude - 1.0) / 4.0, 0.5) * WEIGHT_APTITUDE
        + WEIGHT_TRAINED * trained
        + WEIGHT_AGREED * (willing == "yes")
        + WEIGHT_STABLE * ~just_risen
    )
    rank = _numbers(frame, "rank")
    ranked = pd.Series(np.isfinite(rank)).groupby(frame["role"].to_numpy()).transform("sum")
    ids = frame["rep_id"].to_numpy(dtype=object)
    return _People(
        frame=frame,
        ids=ids,
        role=role,
        tier=frame["tier"].to_numpy(dtype=object),
        willing=willing,
        team=_codes(frame["team"].to_numpy(dtype=object)),
        region=_codes(frame["region"].to_numpy(dtype=object)),
        strength=strength,
        need=need,
        pct=np.asarray(pct, dtype=np.float64),
        raw=np.asarray(raw, dtype=np.float64),
        focus_metric=focus_metric,
        aptitude=aptitude,
        trained=trained,
        just_risen=np.asarray(just_risen, dtype=np.bool_),
        unsteady=unsteady,
        percentile=_numbers(frame, "percentile"),
        rank=rank,
        role_size=np.asarray(ranked, dtype=np.int64) if n else np.empty(0, dtype=np.int64),
        names=frame["name"].to_numpy(dtype=object),
        bonus=np.asarray(bonus, dtype=np.float64),
        focus=focus,
        excluded=np.isin(ids, np.array(sorted(excluded), dtype=object)),
        position={str(rep): i for i, rep in enumerate(ids)},
    )


def _level_fit(people: _People, level: Level, coachee: IntArray, coach: IntArray) -> FloatArray:
    """Fit of coachee × coach positions (arrays that broadcast): across roles, or on the coachee's weakest metric."""
    if not level.same_role:
        return _fit(people.strength[coach], people.need[coachee])
    metric = people.focus_metric[coachee]
    known = metric >= 0
    column = np.maximum(metric, 0)
    strength = people.pct[coach, column] / 100.0
    strength = np.where(known, strength, people.percentile[coach] / 100.0)
    need = np.where(known, 1.0 - people.pct[coachee, column] / 100.0, 1.0 - people.percentile[coachee] / 100.0)
    strength = np.clip(np.where(np.isfinite(strength), strength, 0.5), 0.0, 1.0)
    need = np.clip(np.where(np.isfinite(need), need, 0.5), 0.0, 1.0)
    return _fit(np.asarray(strength, dtype=np.float64), np.asarray(need, dtype=np.float64))


def _preference(people: _People, level: Level, coachees: IntArray, coaches: IntArray) -> FloatArray:
    """Preference of every (coachee, coach) pair of two person-index arrays, as a matrix.

    Built in place, one matrix for the whole sum: every term is a whole number, so the order of the
    additions cannot change a value. A temporary matrix per term took twice as long on the 20,000-person
    demo (#17).
    """
    a, b = coachees[:, None], coaches[None, :]
    score = np.asarray(_level_fit(people, level, a, b), dtype=np.float64)
    score *= WEIGHT_FIT
    np.round(score, out=score)
    score += np.round(people.bonus[b])
    for codes, weight in ((people.team, WEIGHT_SAME_TEAM), (people.region, WEIGHT_SAME_REGION)):
        mine = np.where(codes[a] >= 0, codes[a], -2)  # a blank (−1) matches nobody
        np.add(score, float(weight), out=score, where=mine == codes[b])
    return score


# --------------------------------------------------------------------------- candidates


def _block(
    people: _People, level: Level, rows: IntArray, cols: IntArray, coachee: IntArray, coach: IntArray, room: IntArray
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

    def best_of(sub: IntArray) -> IntArray:
        score = np.negative(_preference(people, level, coachee[sub], coach[cols]))
        best = np.argpartition(score, TOP_K - 1, axis=1)[:, :TOP_K]
        return np.column_stack([np.repeat(sub, TOP_K), cols[best.ravel()]])

    subs = [rows[start : start + chunk] for start in range(0, n, chunk)]
    if len(subs) == 1:
        return np.concatenate([*parts, best_of(subs[0])])
    # A whole level's block is many chunks: two threads share them (numpy lets go of the interpreter; #17).
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts.extend(pool.map(best_of, subs))
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


def _candidates(people: _People, level: Level, coachee: IntArray, coach: IntArray, room: IntArray) -> IntArray:
    """The candidate graph of one level: (local coachee, local coach) pairs, before forbidden pairs."""
    n, m = len(coachee), len(coach)
    every_a = np.arange(n, dtype=np.int64)
    every_b = np.arange(m, dtype=np.int64)
    if n * m <= EXACT_PAIRS:
        return _block(people, level, every_a, every_b, coachee, coach, room)
    parts = [np.empty((0, 2), dtype=np.int64)]
    team_a, team_b = people.team[coachee], people.team[coach]
    for a, b in _grouped(team_a, team_b):
        parts.append(_block(people, level, a, b, coachee, coach, room))
    region_a, region_b = people.region[coachee], people.region[coach]
    for a, b in _grouped(region_a, region_b):
        parts.append(_block(people, level, a, b, coachee, coach, room))
    parts.append(_block(people, level, every_a, every_b, coachee, coach, room))
    return np.concatenate(parts)


# --------------------------------------------------------------------------- solver


def _arcs(coachee: IntArray, coach: IntArray, pairs: IntArray, forbidden: IntArray, size: int) -> IntArray:
    """Unique candidate pairs, sorted by coachee then coach, without the forbidden ones.

    ``forbidden`` holds coachee × ``size`` + coach for each forbidden pair (people's positions).
    """
    if len(pairs) == 0:
        return pairs
    m = len(coach)
    keys = np.sort(pairs[:, 0] * m + pairs[:, 1])  # np.unique, by a sort: its hash table was slower here
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    out = np.column_stack([keys // m, keys % m]).astype(np.int64)
    if len(forbidden):
        out = out[~np.isin(coachee[out[:, 0]] * size + coach[out[:, 1]], forbidden)]
    return out


def _flow(
    people: _People,
    level: Level,
    coachee: IntArray,
    coach: IntArray,
    residual: IntArray,
    arcs: IntArray,
    uncoached: BoolArray,
) -> IntArray:
    """Min-cost max-flow over the candidate arcs; returns the local coach of each coachee, or −1.

    ``uncoached`` marks the (local) coachees without a peer coach at an earlier level: they come first.
    """
    n, m = len(coachee), len(coach)
    match = np.full(n, -1, dtype=np.int64)
    if n == 0 or m == 0 or len(arcs) == 0:
        return match
    a, b = arcs[:, 0], arcs[:, 1]
    pa, pb = coachee[a], coach[b]
    fit = _level_fit(people, level, pa, pb)
    same_team = (people.team[pa] == people.team[pb]) & (people.team[pa] >= 0)
    same_region = (people.region[pa] == people.region[pb]) & (people.region[pa] >= 0)
    preference = (
        np.round(WEIGHT_FIT * fit).astype(np.int64)
        + WEIGHT_SAME_TEAM * same_team.astype(np.int64)
        + WEIGHT_SAME_REGION * same_region.astype(np.int64)
        + np.round(people.bonus[pb]).astype(np.int64)
        + WEIGHT_UNCOACHED * uncoached[a].astype(np.int64)
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
        raise RuntimeError(_("The coaching match could not be solved (status {status}).").format(status=status))
    middle = np.asarray(arc_ids)[n : n + len(a)]
    used = np.asarray(solver.flows(middle)) > 0
    match[a[used]] = b[used]
    return match


def _solve_level(
    people: _People,
    level: Level,
    coachee: IntArray,
    coach: IntArray,
    residual: IntArray,
    forbidden: IntArray,
    uncoached: BoolArray,
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
    arcs = _arcs(coachee, coach, _candidates(people, level, coachee, coach, residual), forbidden, size)
    match = _flow(people, level, coachee, coach, residual, arcs, uncoached)
    for _round in range(REPAIR_ROUNDS):
        left = np.flatnonzero(match < 0).astype(np.int64)
        room = residual - np.bincount(match[match >= 0], minlength=m)
        free = np.flatnonzero(room > 0).astype(np.int64)
        if len(left) == 0 or len(free) == 0:
            break
        extra = _arcs(coachee, coach, _block(people, level, left, free, coachee, coach, room), forbidden, size)
        fresh = extra[~np.isin(extra[:, 0] * m + extra[:, 1], arcs[:, 0] * m + arcs[:, 1])]
        if len(fresh) == 0:
            break
        arcs = _arcs(coachee, coach, np.concatenate([arcs, fresh]), np.empty(0, dtype=np.int64), size)
        better = _flow(people, level, coachee, coach, residual, arcs, uncoached)
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
    level: str
    locked: bool
    coach_the_coaches: bool = False


def _ids(people: _People, positions: Sequence[int] | IntArray) -> frozenset[str]:
    """The rep_ids at these positions."""
    return frozenset(str(people.ids[i]) for i in positions)


def _name(people: _People, i: int) -> str:
    return str(people.names[i] or people.ids[i])


def _first_name(people: _People, i: int) -> str:
    return _name(people, i).split()[0]


def _level_of(coach_role: str, coachee_role: str) -> Level | None:
    return next((lv for lv in LEVELS if lv.coach_role == coach_role and lv.coachee_role == coachee_role), None)


def _lock_problem(
    people: _People,
    c: int,
    e: int,
    levels: Sequence[str],
    forbidden: set[tuple[int, int]],
    has_lock: set[tuple[int, str]],
) -> str:
    """Why a lock cannot be kept, or "" when it can."""
    level = _level_of(str(people.role[c]), str(people.role[e]))
    if people.excluded[c] or people.excluded[e]:
        return _("{name} is excluded from matching").format(name=_name(people, c if people.excluded[c] else e))
    if c == e:
        return _("nobody coaches themselves")
    if level is None:
        return _("a {coach_role} does not coach a {coachee_role} at any level").format(
            coach_role=people.role[c], coachee_role=people.role[e]
        )
    if level.id not in levels:
        return _("the {level} level is switched off").format(level=level.label)
    if people.willing[c] == "no":
        return _("{name} said no to coaching").format(name=_name(people, c))
    if people.tier[e] == "low":
        return _("{name} is in the low tier, where an HR conversation comes first").format(name=_name(people, e))
    if (c, e) in forbidden:
        return _("the pair is also forbidden")
    if (e, level.id) in has_lock:
        return _("{name} already has a locked coach at the {level} level").format(
            name=_name(people, e), level=level.label
        )
    return ""


def _locks(
    people: _People, constraints: Constraints, forbidden: set[tuple[int, int]], levels: Sequence[str]
) -> tuple[list[_Pair], list[tuple[str, frozenset[str]]]]:
    """The locked pairs kept, and a sentence for each one dropped (with the coachee it is about)."""
    kept: list[_Pair] = []
    notes: list[tuple[str, frozenset[str]]] = []
    has_lock: set[tuple[int, str]] = set()
    for coach_id, coachee_id in constraints.locked:
        c, e = people.position.get(str(coach_id)), people.position.get(str(coachee_id))
        about = frozenset({str(coachee_id)})
        if c is None or e is None:
            missing = coach_id if c is None else coachee_id
            notes.append(
                (
                    _("The lock {coach} → {coachee} was not kept: {missing} is not in this data.").format(
                        coach=coach_id, coachee=coachee_id, missing=missing
                    ),
                    about,
                )
            )
            continue
        problem = _lock_problem(people, c, e, levels, forbidden, has_lock)
        if problem:
            notes.append(
                (
                    _("The lock {coach} → {coachee} was not kept: {problem}.").format(
                        coach=_name(people, c), coachee=_name(people, e), problem=problem
                    ),
                    about,
                )
            )
            continue
        level = _level_of(str(people.role[c]), str(people.role[e]))
        assert level is not None
        has_lock.add((e, level.id))
        kept.append(_Pair(coach=c, coachee=e, level=level.id, locked=True))
    return kept, notes


# --------------------------------------------------------------------------- texts


def _percent(value: float) -> str:
    return percent_text(value) if abs(value) >= 0.1 else percent_text(value, digits=1)


def _ordinal(n: int) -> str:
    """``3rd`` in English, ``3.`` in German, ``3e`` in Dutch."""
    lang = current().language
    if lang == "de":
        return f"{n}."
    if lang == "nl":
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _value(metric: int, value: float) -> str:
    """A raw metric value as the reason shows it (a rate as a percentage, else one decimal)."""
    return _percent(value) if METRICS[metric].unit == "%" else number_text(value, digits=1)


def _more_coaches(role: str, people_left: int, capacity: int, where: str) -> str:
    if capacity <= 0:
        return _("{role} coaches have capacity 0: raise it to cover everyone {where}.").format(role=role, where=where)
    more = math.ceil(people_left / capacity)
    return ngettext(
        "{n} more willing {role} coach with capacity {capacity} would cover everyone {where}.",
        "{n} more willing {role} coaches with capacity {capacity} would cover everyone {where}.",
        more,
    ).format(n=more, role=role, capacity=capacity, where=where)


def _where(region: str) -> str:
    return _("in {region}").format(region=region) if region else _("without a region on file")


def _medians(people: _People) -> FloatArray:
    """The role median of each metric's raw value (METRICS order), over everyone of the role in the frame."""
    out = np.full(len(METRICS), np.nan)
    for k, spec in enumerate(METRICS):
        values = people.raw[people.role == spec.role, k] if len(people.ids) else np.empty(0)
        values = values[np.isfinite(values)]
        if len(values):
            out[k] = float(np.median(values))
    return out


def _standing(people: _People, c: int) -> str:
    """The coach's place in their role: "3rd of 30" from the rank, else "top 8%", else the tier."""
    if people.tier[c] != "top":
        return _("now {tier} tier").format(tier=tier_name(people.tier[c]) if people.tier[c] else _("untiered"))
    if math.isfinite(people.rank[c]) and people.role_size[c] > 0:
        return _("{rank} of {size}").format(rank=_ordinal(int(people.rank[c])), size=int(people.role_size[c]))
    value = float(people.percentile[c])
    return (
        _("top {share}").format(share=percent_text(max(1, round(100 - value)) / 100))
        if math.isfinite(value)
        else _("top tier")
    )


def _coach_metric(people: _People, level: Level, c: int, e: int) -> int:
    """The metric the reason shows for the coach (index into METRICS), or −1."""
    if level.same_role:
        return int(people.focus_metric[e])
    wanted = COACH_METRIC.get(level.coach_role)
    return _METRIC_INDEX.get(wanted, -1) if wanted else -1


def _metric_words(medians: FloatArray) -> list[tuple[str, str]]:
    """Per metric (METRICS order): its name in a sentence, and " vs median …" ("" without a median).

    Written once per result, not once per pair: the medians are the same for every pair, and in German and
    Dutch each number goes through Babel (#17).
    """
    out = []
    for metric, spec in enumerate(METRICS):
        median = float(medians[metric])
        versus = _(" vs median {median}").format(median=_value(metric, median)) if math.isfinite(median) else ""
        out.append((metric_name(spec.label, in_sentence=True), versus))
    return out


def _about_coach(people: _People, level: Level, c: int, e: int, words: Sequence[tuple[str, str]]) -> list[str]:
    """Inside the brackets after the coach's name: role, standing, the metric against the role median.

    ``words`` as :func:`_metric_words` gives them.
    """
    inside = [str(people.role[c]), _standing(people, c)]
    metric = _coach_metric(people, level, c, e)
    if metric >= 0 and math.isfinite(people.raw[c, metric]):
        name, versus = words[metric]
        inside.append(f"{name} {_value(metric, float(people.raw[c, metric]))}{versus}")
    return inside


def _coach_notes(people: _People, c: int) -> list[str]:
    """Aptitude, training and a just-risen caveat about a coach, where they apply."""
    notes = []
    if math.isfinite(people.aptitude[c]):
        notes.append(_("coaching aptitude {score}/5").format(score=f"{people.aptitude[c]:.0f}"))
    if people.trained[c]:
        notes.append(_("coaching training done"))
    if people.just_risen[c] and people.tier[c] == "top":
        notes.append(_("new to the top tier this window: check it holds"))
    return notes


class _Reasons:
    """Each pair's one-line reason, with the coach's figures and without (the plain reason).

    What depends on the coach alone — the brackets after their name (per metric shown), their notes, "ask
    <first name> first" — is written once per coach, and both lines share the rest. Written per pair and per
    line, the texts were most of the 0.4 s the pairs table took on the 20,000-person demo (#17).
    """

    def __init__(self, people: _People, words: Sequence[tuple[str, str]]) -> None:
        self.people, self.words = people, words
        self._inside: dict[tuple[int, int], str] = {}  # (coach, metric shown) -> "Jonas Weber (AE, 3rd of 30, …)"
        self._tail: dict[int, tuple[list[str], list[str]]] = {}  # coach -> (notes, "ask … first" or nothing)
        # The sentences every pair uses, translated once (the language cannot change during one result).
        self.same_team, self.same_region = _("same team {team}"), _("same region {region}")
        self.other_region, self.other_team = _("other region ({region})"), _("other team")
        self.focus = _("focus: {focus}")
        self.coach_the_coaches, self.locked = _("coach the coaches"), _("locked by manager")

    def _coach(self, level: Level, c: int, e: int) -> str:
        key = (c, _coach_metric(self.people, level, c, e))
        if key not in self._inside:
            inside = _about_coach(self.people, level, c, e, self.words)
            self._inside[key] = f"{_name(self.people, c)} ({', '.join(inside)})"
        return self._inside[key]

    def _coach_tail(self, c: int) -> tuple[list[str], list[str]]:
        if c not in self._tail:
            people = self.people
            ask = [_("ask {name} first").format(name=_first_name(people, c))] if people.willing[c] != "yes" else []
            self._tail[c] = (_coach_notes(people, c), ask)
        return self._tail[c]

    def __call__(self, pair: _Pair) -> tuple[str, str]:
        """The pair's reason and its plain reason (without the coach's standing, metric and notes)."""
        people = self.people
        c, e = pair.coach, pair.coachee
        cells = people.cells
        if people.team[c] == people.team[e] and people.team[e] >= 0:
            where = self.same_team.format(team=cells["team"][e])
        elif people.region[c] == people.region[e] and people.region[e] >= 0:
            where = self.same_region.format(region=cells["region"][e])
        else:
            where = self.other_region.format(region=cells["region"][c]) if cells["region"][c] else self.other_team
        focus = self.focus.format(focus=people.focus[e])
        notes, ask = self._coach_tail(c)
        after = [
            *([self.coach_the_coaches] if pair.coach_the_coaches else []),
            *ask,
            *([self.locked] if pair.locked else []),
        ]
        full = " · ".join([self._coach(LEVEL_BY_ID[pair.level], c, e), where, focus, *notes, *after])
        plain = " · ".join([f"{_name(people, c)} ({people.role[c]})", where, focus, *after])
        return full, plain


# --------------------------------------------------------------------------- the match


def _role_capacity(settings: ChainSettings, role: str) -> int:
    """A coach role's capacity: the settings', else the default for a role the settings leave out."""
    return int(settings.capacity.get(role, DEFAULT_CAPACITY.get(role, 0)))


def _capacities(people: _People, settings: ChainSettings) -> IntArray:
    capacity = np.array([_role_capacity(settings, str(r)) for r in people.role], dtype=np.int64)
    for rep_id, value in settings.capacity_overrides.items():
        i = people.position.get(str(rep_id))
        if i is not None:
            capacity[i] = int(value)
    return capacity


def _check(settings: ChainSettings) -> None:
    negative = [f"{k}: {v}" for k, v in {**settings.capacity, **settings.capacity_overrides}.items() if int(v) < 0]
    if negative:
        raise ValueError(_("A capacity cannot be negative ({items}).").format(items=", ".join(negative)))
    if not math.isfinite(settings.hours_per_coachee) or settings.hours_per_coachee < 0:
        raise ValueError(_("Hours per coachee must be a number of 0 or more."))
    unknown = [v for v in settings.levels or () if v not in LEVEL_BY_ID]
    if unknown:
        raise ValueError(
            _("'{value}' is not a coaching level; use {items}.").format(value=unknown[0], items=", ".join(LEVEL_BY_ID))
        )


def _levels(people: _People, settings: ChainSettings) -> tuple[str, ...]:
    """The levels that run, in matching order."""
    if settings.levels is None:
        return default_levels(people.role[people.role != ""])
    return tuple(level.id for level in LEVELS if level.id in settings.levels)


def _index(positions: Sequence[int] | IntArray) -> IntArray:
    return np.asarray(sorted(int(p) for p in positions), dtype=np.int64)


def _forbidden(people: _People, constraints: Constraints) -> set[tuple[int, int]]:
    """The forbidden (coach, coachee) pairs as positions; pairs naming someone not in the data are ignored."""
    return {
        (people.position[str(c)], people.position[str(e)])
        for c, e in constraints.forbidden
        if str(c) in people.position and str(e) in people.position
    }


def _pool(people: _People, capacity: IntArray) -> BoolArray:
    """Who may coach at a level of their role: top tier, not no, capacity above 0, not excluded, stable."""
    return np.asarray(
        (people.tier == "top") & (people.willing != "no") & (capacity > 0) & ~people.excluded & ~people.unsteady,
        dtype=np.bool_,
    )


def _eligible(people: _People, capacity: IntArray, levels: Sequence[str] = ()) -> BoolArray:
    """Who coaches in this result: the pool of the coach roles of the levels that run."""
    roles = sorted({LEVEL_BY_ID[v].coach_role for v in levels})
    return np.asarray(_pool(people, capacity) & np.isin(people.role, roles), dtype=np.bool_)


@dataclass
class _Matching:
    """The matching's state: the pairs so far, each coach's room left, and who is still without a coach."""

    pairs: list[_Pair]
    residual: IntArray  # room left per position (0 for anyone who does not coach)
    left_over: dict[str, IntArray] = field(default_factory=dict)  # core coachees without a coach, by level
    ctc_left: frozenset[str] = frozenset()  # rep_ids of coaching AEs without an AM coach (coach the coaches)


def _solve(
    people: _People,
    settings: ChainSettings,
    levels: Sequence[str],
    eligible: BoolArray,
    forbidden: set[tuple[int, int]],
    state: _Matching,
) -> None:
    """Match level by level in LEVELS order (and, after AM → AE, optionally AM → coaching AE), filling ``state``."""
    n = len(people.ids)
    forbidden_keys = np.array(sorted(e * n + c for c, e in forbidden), dtype=np.int64)
    has_coach = {(p.coachee, p.level) for p in state.pairs}
    coached = np.zeros(n, dtype=np.bool_)
    coached[[p.coachee for p in state.pairs]] = True
    active = ~people.excluded
    for level in (LEVEL_BY_ID[v] for v in levels):
        coaches = _index(np.flatnonzero(eligible & (people.role == level.coach_role)))
        stages = [_index(np.flatnonzero(active & (people.role == level.coachee_role) & (people.tier == "core")))]
        if level.id == "am-ae" and settings.coach_the_coaches:
            coaching = {p.coach for p in state.pairs if p.level == "ae-sdr"}
            stages.append(_index([i for i in coaching if people.tier[i] == "top" and active[i]]))
        for stage, candidates in enumerate(stages):
            coachees = _index([i for i in candidates if (i, level.id) not in has_coach])
            uncoached = ~coached[coachees]
            match = _solve_level(people, level, coachees, coaches, state.residual[coaches], forbidden_keys, uncoached)
            for local, chosen in enumerate(match):
                if chosen >= 0:
                    coach, coachee = int(coaches[chosen]), int(coachees[local])
                    state.pairs.append(
                        _Pair(coach=coach, coachee=coachee, level=level.id, locked=False, coach_the_coaches=stage == 1)
                    )
                    state.residual[coach] -= 1
                    has_coach.add((coachee, level.id))
                    coached[coachee] = True
            if stage == 0:
                state.left_over[level.id] = coachees[match < 0]
            else:
                state.ctc_left = frozenset(str(people.ids[i]) for i in coachees[match < 0])


def _no_coach_at_all(people: _People, coach_role: str, coachee_role: str) -> str:
    """Why a level has no eligible coach: nobody top-tier is willing, or there is no top-tier coach role."""
    tops = int(((people.role == coach_role) & (people.tier == "top") & ~people.excluded).sum())
    same = coach_role == coachee_role
    if tops:
        sentence = (
            _(
                "No {coach_role} in the top tier is willing to coach other {coachee_role}s: ask the top {coach_role}s "
                "who left coach_willing blank, or raise capacity."
            )
            if same
            else _(
                "No {coach_role} in the top tier is willing to coach the {coachee_role}s: ask the top {coach_role}s "
                "who left coach_willing blank, or raise capacity."
            )
        )
    else:
        sentence = (
            _(
                "There is no top-tier {coach_role} to coach other {coachee_role}s: until there is, their managers "
                "coach them."
            )
            if same
            else _(
                "There is no top-tier {coach_role} to coach the {coachee_role}s: until there is, their managers "
                "coach them."
            )
        )
    return sentence.format(coach_role=coach_role, coachee_role=coachee_role)


def _names(people: _People, positions: IntArray) -> str:
    """Up to INVITE_NAMES names, strongest first (by percentile, then rep_id)."""
    at = np.asarray(positions, dtype=np.int64)
    # One vectorised sort (lexsort: the last key leads), not a Python key per coach: with 20,000 people it
    # ran for every core person left without a coach, most of the chains' time (#17).
    ranked = at[np.lexsort((people.ids[at].astype(str), -np.nan_to_num(people.percentile[at])))]
    order = [int(i) for i in ranked]
    names = [_name(people, i) for i in order[:INVITE_NAMES]]
    more = len(order) - len(names)
    listed = ", ".join(names)
    return _("{names} and {n} more").format(names=listed, n=more) if more > 0 else listed


@dataclass(frozen=True)
class _Gap:
    """What would cover a core person without a peer coach: the level, whom to invite, why, and the suggestion."""

    level: str
    invite: str
    why: str
    suggestion: str  # the sentence for ChainResult.suggestions ("" when it is about this person alone)
    region_short: bool = False  # every coach of the level is at capacity: counted per region


def _gap(
    people: _People,
    i: int,
    levels: Sequence[str],
    pool: BoolArray,
    residual: IntArray,
    forbidden: set[tuple[int, int]],
) -> _Gap:
    """The level that would cover person ``i`` (running levels first, then LEVELS order) and what it takes."""
    role, region = str(people.role[i]), str(people.cells["region"][i])
    covering = sorted((lv for lv in LEVELS if lv.coachee_role == role), key=lambda lv: lv.id not in levels)
    for level in covering:
        coaches = np.flatnonzero(pool & (people.role == level.coach_role))
        free = coaches[residual[coaches] > 0]
        if len(free) == 0:
            continue
        if level.id not in levels:
            names = _names(people, free)
            return _Gap(
                level.id,
                names,
                _("The {level} level is off: switch it on, and {names} could coach them.").format(
                    level=level.label, names=names
                ),
                ngettext(
                    "Switch on the {level} level: {n} top {coach_role} could coach the core {role}s without a "
                    "peer coach.",
                    "Switch on the {level} level: {n} top {coach_role}s could coach the core {role}s without a "
                    "peer coach.",
                    len(free),
                ).format(level=level.label, n=len(free), coach_role=level.coach_role, role=role),
            )
        invite = _names(people, free[people.willing[free] == ""])
        if all((int(c), i) in forbidden for c in free):
            why = _(
                "The {role} coaches with room left are ruled out for this person by a manager's edit: lift one, or "
                "add a willing {role} coach {where}."
            ).format(role=level.coach_role, where=_where(region))
        else:
            why = _(
                "No {role} coach with room left was among this person's candidates: lock a pair by hand, or raise "
                "a {role} coach's capacity {where}."
            ).format(role=level.coach_role, where=_where(region))
        return _Gap(level.id, invite, why, "")
    for level in covering:
        if (pool & (people.role == level.coach_role)).any():
            return _Gap(level.id, "", "", "", region_short=True)
    first = covering[0]
    general = _no_coach_at_all(people, first.coach_role, role)
    return _Gap(first.id, "", general, general)


def _gaps(
    people: _People,
    left: Sequence[int],
    levels: Sequence[str],
    pool: BoolArray,
    residual: IntArray,
    forbidden: set[tuple[int, int]],
) -> dict[int, _Gap]:
    """:func:`_gap` of each person in ``left``, worked out once per role and region.

    A gap depends on the person only through their role, their region and the forbidden pairs naming
    them as coachee; so people no forbidden pair names share one gap per (role, region). Per person, each
    gap scanned every coach of the covering levels: with 20,000 people and a thousand left without a
    coach, that was half of the matching's time (#17).
    """
    ruled_out = {e for _c, e in forbidden}
    shared: dict[tuple[str, str], _Gap] = {}
    out: dict[int, _Gap] = {}
    for i in left:
        if i in ruled_out:
            out[i] = _gap(people, i, levels, pool, residual, forbidden)
            continue
        key = (str(people.role[i]), str(people.cells["region"][i]))
        if key not in shared:
            shared[key] = _gap(people, i, levels, pool, residual, forbidden)
        out[i] = shared[key]
    return out


def _explain_unmatched(
    people: _People,
    settings: ChainSettings,
    levels: Sequence[str],
    pool: BoolArray,
    forbidden: set[tuple[int, int]],
    state: _Matching,
) -> tuple[list[dict[str, object]], list[tuple[str, frozenset[str]]]]:
    """Core people (not AMs) without a peer coach at any level (UNMATCHED_COLUMNS), and what would cover them.

    Each suggestion comes with the rep_ids it is about: the people it would cover.
    """
    frame = people.frame
    coached = {p.coachee for p in state.pairs}
    candidates = np.flatnonzero(~people.excluded & (people.tier == "core") & np.isin(people.role, ["SDR", "AE"]))
    left = [int(i) for i in candidates if int(i) not in coached]
    regions = frame["region"].to_numpy(dtype=object)
    gaps = _gaps(people, left, levels, pool, state.residual, forbidden)
    short: dict[tuple[str, str], int] = {}
    for i, gap in gaps.items():
        if gap.region_short:
            short[(gap.level, str(regions[i]))] = short.get((gap.level, str(regions[i])), 0) + 1
    rows: list[dict[str, object]] = []
    grouped: dict[str, list[int]] = {}
    for i, gap in gaps.items():
        why, suggestion = gap.why, gap.suggestion
        if gap.region_short:
            level, region = LEVEL_BY_ID[gap.level], str(regions[i])
            default = _role_capacity(settings, level.coach_role)
            suggestion = _more_coaches(level.coach_role, short[(gap.level, region)], default, _where(region))
            if level.id in levels:
                why = _("Every {role} coach is at capacity; {suggestion}").format(
                    role=level.coach_role, suggestion=suggestion
                )
            else:
                why = _("The {level} level is off and its coaches are at capacity; {suggestion}").format(
                    level=level.label, suggestion=suggestion
                )
        rows.append(
            {
                "rep_id": people.ids[i],
                "name": people.cells["name"][i],
                "role": people.role[i],
                "team": people.cells["team"][i],
                "region": regions[i],
                "tier": people.tier[i],
                "level": gap.level,
                "invite": gap.invite,
                "why": why,
            }
        )
        if suggestion:
            grouped.setdefault(suggestion, []).append(i)
    return rows, [(sentence, _ids(people, who)) for sentence, who in grouped.items()]


def _closing_suggestions(
    people: _People, state: _Matching, unsteady: Sequence[int] = ()
) -> list[tuple[str, frozenset[str]]]:
    """What is left to ask after matching: coaching AEs without an AM coach, coaches who have not said yes,
    top people not proposed because they were low or near low in the previous window.

    Each with the rep_ids it is about.
    """
    out: list[tuple[str, frozenset[str]]] = []
    if state.ctc_left:
        count = len(state.ctc_left)
        out.append(
            (
                ngettext(
                    "{n} top AE who coaches SDRs have no AM coach: the AM capacity went to the core AEs first; "
                    "raise AM capacity to coach the coaches.",
                    "{n} top AEs who coach SDRs have no AM coach: the AM capacity went to the core AEs first; "
                    "raise AM capacity to coach the coaches.",
                    count,
                ).format(n=count),
                state.ctc_left,
            )
        )
    asked = [p for p in state.pairs if people.willing[p.coach] != "yes"]
    if asked:
        coaches = {p.coach for p in asked}
        out.append(
            (
                ngettext(
                    "{n} coach has not said yes to coaching yet: their pairs are invitations — ask them first "
                    "(see the invitation list) and record the answer.",
                    "{n} coaches have not said yes to coaching yet: their pairs are invitations — ask them first "
                    "(see the invitation list) and record the answer.",
                    len(coaches),
                ).format(n=len(coaches)),
                _ids(people, [i for p in asked for i in (p.coach, p.coachee)]),
            )
        )
    if len(unsteady):
        count = len(unsteady)
        out.append(
            (
                ngettext(
                    "{n} top-tier person is not proposed as coaches because they were low or near the low cut-off "
                    "in the previous window: once the top tier holds, they can coach.",
                    "{n} top-tier people are not proposed as coaches because they were low or near the low cut-off "
                    "in the previous window: once the top tier holds, they can coach.",
                    count,
                ).format(n=count),
                _ids(people, unsteady),
            )
        )
    return out


# --------------------------------------------------------------------------- tables


def _pairs_frame(
    people: _People, pairs: list[_Pair], hours_per_coachee: float, words: Sequence[tuple[str, str]]
) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """The pairs as PAIR_COLUMNS, in LEVELS order, then by coach and coachee id; and each pair's plain reason.

    The plain reason (by (coach_id, coachee_id)) is the reason without the coach's figures, for
    :attr:`ChainResult.plain_reasons`. Column by column over arrays of positions, the fit once per level:
    a dict and a fit per pair cost a tenth of a second on the 20,000-person demo (#17).
    """
    order = {level.id: k for k, level in enumerate(LEVELS)}
    per_coach = np.bincount([p.coach for p in pairs], minlength=len(people.ids))
    # Positions are in rep_id order (_prepare sorts by it): comparing them compares the ids, without a lookup.
    ordered = sorted(pairs, key=lambda p: (order[p.level], p.coach, p.coachee))
    c = np.array([p.coach for p in ordered], dtype=np.int64)
    e = np.array([p.coachee for p in ordered], dtype=np.int64)
    level_of = np.array([p.level for p in ordered], dtype=object)
    fit = np.zeros(len(ordered), dtype=np.float64)
    for level in LEVELS:
        mine = level_of == level.id
        if mine.any():
            fit[mine] = _level_fit(people, level, e[mine], c[mine])
    write = _Reasons(people, words)
    texts = [write(p) for p in ordered]
    ids_c, ids_e = people.ids[c], people.ids[e]
    plain = {(str(a), str(b)): text[1] for a, b, text in zip(ids_c, ids_e, texts, strict=True)}
    agreed = people.willing[c] == "yes"
    columns: dict[str, list[object]] = {
        "coach_id": list(ids_c),
        "coach_name": list(people.cells["name"][c]),
        "coach_role": list(people.role[c]),
        "coachee_id": list(ids_e),
        "coachee_name": list(people.cells["name"][e]),
        "coachee_role": list(people.role[e]),
        "level": list(level_of),
        "status": ["pair" if yes else "invitation" for yes in agreed],
        "team": list(people.cells["team"][e]),
        "fit": [round(float(v), 3) for v in fit],
        "same_team": list((people.team[c] == people.team[e]) & (people.team[e] >= 0)),
        "same_region": list((people.region[c] == people.region[e]) & (people.region[e] >= 0)),
        "locked": [p.locked for p in ordered],
        "ask_first": list(~agreed),
        "just_risen": list(people.just_risen[c] & (people.tier[c] == "top")),
        "focus": list(people.focus[e]),
        "coach_hours": list(per_coach[c].astype(np.float64) * float(hours_per_coachee)),
        "reason": [text[0] for text in texts],
    }
    out = pd.DataFrame(columns if ordered else [], columns=list(PAIR_COLUMNS))  # no pairs: object columns
    for column in ("same_team", "same_region", "locked", "ask_first", "just_risen"):
        out[column] = out[column].astype(bool)
    for column in ("fit", "coach_hours"):
        out[column] = out[column].astype(np.float64)
    return out, plain


def _levels_of(pairs: list[_Pair], n: int) -> npt.NDArray[np.object_]:
    """Per position, the ids of the levels the person coaches on, comma-separated in LEVELS order ("" for none)."""
    seen: dict[int, set[str]] = {}
    for p in pairs:
        seen.setdefault(p.coach, set()).add(p.level)
    out = np.full(n, "", dtype=object)
    for coach, mine in seen.items():
        out[coach] = ", ".join(lv.id for lv in LEVELS if lv.id in mine)
    return out


def _load_frame(
    people: _People, pairs: list[_Pair], eligible: BoolArray, capacity: IntArray, settings: ChainSettings
) -> pd.DataFrame:
    """One row per eligible coach and per coach holding a pair (LOAD_COLUMNS), by role then id."""
    frame = people.frame
    coachees_of = np.bincount([p.coach for p in pairs], minlength=len(people.ids))
    in_load = np.flatnonzero(eligible | (coachees_of > 0))
    in_load = in_load[np.lexsort((people.ids[in_load].astype(str), people.role[in_load].astype(str)))]
    levels = _levels_of(pairs, len(people.ids))
    load = pd.DataFrame(
        {
            "coach_id": people.ids[in_load],
            "name": frame["name"].to_numpy(dtype=object)[in_load],
            "role": people.role[in_load],
            "team": frame["team"].to_numpy(dtype=object)[in_load],
            "region": frame["region"].to_numpy(dtype=object)[in_load],
            "levels": levels[in_load] if len(levels) else np.empty(0, dtype=object),
            "coachees": coachees_of[in_load].astype(np.int64),
            "capacity": capacity[in_load].astype(np.int64),
            "hours": coachees_of[in_load].astype(np.float64) * float(settings.hours_per_coachee),
            "ask_first": people.willing[in_load] != "yes",
        },
        columns=list(LOAD_COLUMNS),
    )
    load["ask_first"] = load["ask_first"].astype(bool)
    return load


def _invitations_frame(
    people: _People, pairs: list[_Pair], hours_per_coachee: float, words: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    """One row per coach whose pairs are invitations (INVITATION_COLUMNS), strongest first."""
    asked: dict[int, list[_Pair]] = {}
    for p in pairs:
        if people.willing[p.coach] != "yes":
            asked.setdefault(p.coach, []).append(p)
    rows = []
    order = sorted(asked, key=lambda c: (-np.nan_to_num(people.percentile[c]), people.ids[c]))
    levels = _levels_of(pairs, len(people.ids))
    for c in order:
        mine = sorted(asked[c], key=lambda p: people.ids[p.coachee])
        first = mine[0]
        about = _about_coach(people, LEVEL_BY_ID[first.level], c, first.coachee, words)
        why = ", ".join(about[1:]) if len(about) > 1 else str(people.role[c])
        rows.append(
            {
                "coach_id": people.ids[c],
                "name": people.cells["name"][c],
                "role": people.role[c],
                "team": people.cells["team"][c],
                "region": people.cells["region"][c],
                "why_them": " · ".join([why, *_coach_notes(people, c)]),
                "levels": ", ".join(level_label(v) for v in levels[c].split(", ") if v),
                "coachees": len(mine),
                "coachee_names": ", ".join(_name(people, p.coachee) for p in mine),
                "hours": len(mine) * float(hours_per_coachee),
            }
        )
    out = pd.DataFrame(rows, columns=list(INVITATION_COLUMNS))
    out["coachees"] = out["coachees"].astype(np.int64)
    out["hours"] = out["hours"].astype(np.float64)
    return out


def _manager_frame(people: _People, pairs: list[_Pair], levels: Sequence[str], settings: ChainSettings) -> pd.DataFrame:
    """The core AMs without an AM peer coach (MANAGER_COLUMNS): an external coach, else their manager as fallback."""
    frame = people.frame
    peer = {p.coachee for p in pairs if p.level == "am-am"}
    core_am = [
        int(i)
        for i in np.flatnonzero(~people.excluded & (people.role == "AM") & (people.tier == "core"))
        if i not in peer
    ]
    managers = frame["manager"].to_numpy(dtype=object)
    external = {str(k): " ".join(str(v).split()) for k, v in settings.external_coaches.items() if str(v).strip()}
    if "am-am" not in levels:
        gap = _("The AM → AM level is off")
    else:
        tops = ((people.role == "AM") & (people.tier == "top") & ~people.excluded).any()
        gap = _("No top-tier AM had room to coach them") if tops else _("There is no top-tier AM to coach other AMs")
    # The sentences translated once, not once per AM (the language cannot change during one result).
    external_coach, external_why = _("external coach: {name}"), _("{gap}: an external coach, {name}, coaches them.")
    fallback = _("manager (fallback): {name}")
    fallback_why = _("{gap}: name an external coach; until then their manager, {name}, coaches them.")
    unnamed, unnamed_why = (
        _("external coach: to be named"),
        _("{gap}, and no manager is on file: name an external coach."),
    )
    rows = []
    for i in core_am:
        name, boss = external.get(str(people.ids[i]), ""), str(managers[i])
        if name:
            coach = external_coach.format(name=name)
            why = external_why.format(gap=gap, name=name)
        elif boss:
            coach = fallback.format(name=boss)
            why = fallback_why.format(gap=gap, name=boss)
        else:
            coach = unnamed
            why = unnamed_why.format(gap=gap)
        rows.append(
            {
                "rep_id": people.ids[i],
                "name": people.cells["name"][i],
                "role": people.role[i],
                "team": people.cells["team"][i],
                "manager": boss,
                "external_coach": name,
                "coach": coach,
                "why": why,
            }
        )
    return pd.DataFrame(rows, columns=list(MANAGER_COLUMNS))


def coach_credit(result: ChainResult) -> pd.DataFrame:
    """The coach-credit table for a review or incentive plan: every coach with coachees, hours a month over all levels.

    Returns:
        CREDIT_COLUMNS: coach_id, name, role, team, levels (labels), coachees, hours_per_month, status
        ("agreed", or "to be confirmed" for a coach who has not said yes). Most hours first.
    """
    load = result.load
    load = load[load["coachees"] > 0] if len(load) else load
    out = pd.DataFrame(
        {
            "coach_id": load["coach_id"],
            "name": load["name"],
            "role": load["role"],
            "team": load["team"],
            "levels": [", ".join(level_label(v) for v in str(text).split(", ") if v) for text in load["levels"]],
            "coachees": load["coachees"].astype(np.int64),
            "hours_per_month": load["hours"].astype(np.float64),
            # i18n: data — status codes; the page shows them in the reader's words
            "status": np.where(load["ask_first"].astype(bool), STATUS_UNCONFIRMED, "agreed"),
        },
        columns=list(CREDIT_COLUMNS),
    )
    return out.sort_values(["hours_per_month", "coach_id"], ascending=[False, True]).reset_index(drop=True)


def match_chains(
    segmented: pd.DataFrame,
    settings: ChainSettings | None = None,
    constraints: Constraints | None = None,
) -> ChainResult:
    """Match peer coaches level by level (see the module docstring for every rule).

    Args:
        segmented: One row per person, as :func:`core.scoring.segmentation.segment` gives it (``tier`` after
            overrides, ``<metric>_pct`` and ``<metric>_raw`` columns, ``rank``, ``previous_tier`` and
            ``previous_near_low``; ``coach_aptitude`` and ``coach_trained`` optional).
        settings: Levels, capacities, hours per coachee, coach the coaches and the AMs' external coaches.
        constraints: Locked, excluded and forbidden, and recorded answers, from the manager's edits.

    Returns:
        The pairs and invitations, the core people without a peer coach, the core AMs with an external
        coach or their manager, the load per coach, the invitation list and suggestions (:class:`ChainResult`).

    Raises:
        ValueError: A missing column, a blank or repeated rep_id, a negative capacity or hours, an unknown level.
    """
    settings = settings or ChainSettings()
    constraints = constraints or Constraints()
    _check(settings)
    people = _prepare(segmented, constraints.excluded, constraints.answers)
    levels = _levels(people, settings)
    capacity = _capacities(people, settings)
    forbidden = _forbidden(people, constraints)
    locked, notes = _locks(people, constraints, forbidden, levels)
    pool = _pool(people, capacity)
    eligible = _eligible(people, capacity, levels)
    locks_per_coach = np.bincount([p.coach for p in locked], minlength=len(people.ids)).astype(np.int64)
    residual = np.where(pool, np.maximum(capacity - locks_per_coach, 0), 0).astype(np.int64)
    state = _Matching(pairs=locked, residual=residual)
    _solve(people, settings, levels, eligible, forbidden, state)
    unmatched_rows, shortfall = _explain_unmatched(people, settings, levels, pool, forbidden, state)
    coach_roles = {LEVEL_BY_ID[v].coach_role for v in levels}
    unsteady = np.flatnonzero(
        people.unsteady
        & (people.tier == "top")
        & (people.willing != "no")
        & ~people.excluded
        & np.isin(people.role, sorted(coach_roles))
    )
    suggestions = [*notes, *shortfall, *_closing_suggestions(people, state, [int(i) for i in unsteady])]
    words = _metric_words(_medians(people))
    pairs, plain_reasons = _pairs_frame(people, state.pairs, settings.hours_per_coachee, words)
    return ChainResult(
        pairs=pairs.reset_index(drop=True),
        unmatched=pd.DataFrame(unmatched_rows, columns=list(UNMATCHED_COLUMNS)).reset_index(drop=True),
        manager_coached=_manager_frame(people, state.pairs, levels, settings).reset_index(drop=True),
        load=_load_frame(people, state.pairs, eligible, capacity, settings).reset_index(drop=True),
        suggestions=[text for text, _about in suggestions],
        suggestion_about=tuple(about for _text, about in suggestions),
        plain_reasons=plain_reasons,
        invitations=_invitations_frame(people, state.pairs, settings.hours_per_coachee, words),
        levels=levels,
    )


__all__ = [
    "CREDIT_COLUMNS",
    "INVITATION_COLUMNS",
    "LEVELS",
    "LEVEL_BY_ID",
    "ChainResult",
    "ChainSettings",
    "Constraints",
    "Level",
    "coach_credit",
    "default_levels",
    "fit_formula",
    "level_label",
    "match_chains",
    "parse_levels",
]
