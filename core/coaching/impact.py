"""Is coaching working? Coached core people against uncoached core peers, with honest intervals.

The method (difference-in-differences, DiD):

* Every month each person gets a score 0–100 within their role and a percentile within role for
  each metric — single-month windows, from :func:`core.scoring.tiers.score_history`.
* A coachee's **change** is the mean of their months from the start on (up to ``post_months``)
  minus the mean of the ``pre_months`` calendar months before the start.
* Their **peers** are the uncoached people of the same role who were in the **core** tier before
  the start (tiers from the ``window`` months before the earliest start); a peer's change uses the
  same calendar months. **DiD** = the coachee's change − the mean change of the peers. What
  moved everyone (season, a new product, a market) cancels out; what moved only the coachee stays.
* The **focus metric** is the coachee's weakest metric (lowest percentile) before the start; its
  DiD is computed the same way on that metric's monthly percentile.
* **Intervals** come from a bootstrap with a fixed seed (``replicates`` re-draws, percentile
  interval at ``level``). For one coachee: their own pre and post months and the peers are
  re-drawn with replacement. For a coach or the programme: the coachees and the peers are re-drawn.
  A coach with one coachee gets no interval — there is nothing to re-draw between coachees.

What it cannot prove: this is not a randomised trial. Managers choose whom to coach, and people
who start low tend to drift back up anyway (regression to the mean); comparing with uncoached
core peers removes part of that, not all. Monthly percentiles are relative: when coachees rise,
their peers' ranks fall a little, which widens the difference slightly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import N_, _, current, ngettext
from core.i18n.formats import format_number
from core.months import month_index, month_indices, month_label, months_between
from core.scoring.metrics import METRICS, metrics_for, score_people
from core.scoring.tiers import PRESETS, Cutoffs, assign_tiers, score_history

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCORE = "score"
PCT_COLUMNS: tuple[str, ...] = tuple(f"{spec.id}_pct" for spec in METRICS)
MEASURES: tuple[str, ...] = (SCORE, *PCT_COLUMNS)  # what the comparison is made on: the score, then each metric
_ROLE_ORDER = {"SDR": 0, "AE": 1, "AM": 2}
LABELS: dict[str, str] = {spec.id: spec.label for spec in METRICS}
MIN_PEERS = 2  # fewer uncoached core peers than this and there is nothing to compare with
FEW_COACHEES = 3  # below this a coach's interval is marked as rough and ranked after the others
ONE_COACHEE = N_("1 coachee: the interval cannot be estimated")

COACHEE_COLUMNS: tuple[str, ...] = (
    "coachee_id",
    "coachee_name",
    "role",
    "coach_id",
    "coach_name",
    "start",
    "pre_months",
    "post_months",
    "pre",
    "post",
    "change",
    "peers",
    "peer_change",
    "did",
    "low",
    "high",
    "focus_metric",
    "focus_label",
    "focus_change",
    "focus_peer_change",
    "focus_did",
    "focus_low",
    "focus_high",
)
COACH_COLUMNS: tuple[str, ...] = ("coach_id", "coach_name", "coach_role", "coachees", "lift", "low", "high", "note")
PROGRAMME_COLUMNS: tuple[str, ...] = ("group", "coachees", "peers", "did", "low", "high", "note")
SKIPPED_COLUMNS: tuple[str, ...] = ("coachee_id", "coach_id", "start", "why")


def signed(value: float, digits: int = 1) -> str:
    """A difference with its sign, in the language core speaks now: ``+3.4`` / ``+3,4``; "n/a" when unknown."""
    if pd.isna(value):
        return _("n/a")
    return format_number(value, current().language, digits=digits, signed=True)


def interval_text(low: float, high: float) -> str:
    """An interval as a reader sees it ("+3.4 to +11.8"), or "no interval" where none could be estimated."""
    if pd.isna(low) or pd.isna(high):
        return _("no interval")
    return _("{low} to {high}").format(low=signed(low), high=signed(high))


@dataclass(frozen=True)
class ImpactSettings:
    """How the before/after comparison is made."""

    pre_months: int = 3  # calendar months before the start
    post_months: int = 6  # months from the start on (fewer when the data ends earlier)
    replicates: int = 1000  # bootstrap re-draws
    level: float = 0.95  # interval coverage
    seed: int = 0
    window: int | None = 3  # months before the earliest start that decide who was core; None = all of them
    cutoffs: Cutoffs = PRESETS["10/60/30"]

    def key(self) -> tuple[object, ...]:
        """A hashable key for caches."""
        return (
            self.pre_months,
            self.post_months,
            self.replicates,
            self.level,
            self.seed,
            self.window,
            self.cutoffs,
        )


@dataclass(frozen=True)
class ImpactResult:
    """The estimates.

    Attributes:
        coachees: One row per coachee estimated, :data:`COACHEE_COLUMNS` (score points 0–100;
            focus values in percentile points of that metric within role).
        coaches: The leaderboard, :data:`COACH_COLUMNS`: coaches with at least :data:`FEW_COACHEES`
            coachees first, each group ranked by the interval's lower end (a coach with one or two lucky
            coachees does not come first); coaches without an interval last.
        programme: Per coachee role and ``all``: :data:`PROGRAMME_COLUMNS`.
        skipped: Started pairs that could not be estimated, with why.
    """

    coachees: pd.DataFrame
    coaches: pd.DataFrame
    programme: pd.DataFrame
    skipped: pd.DataFrame


def _check(settings: ImpactSettings) -> None:
    if settings.pre_months < 1 or settings.post_months < 1:
        raise ValueError(_("Compare at least 1 month before and 1 month after the start."))
    if settings.replicates < 100:
        raise ValueError(_("Use at least 100 bootstrap re-draws for an interval."))
    if not 0.5 <= settings.level < 1.0:
        raise ValueError(_("The interval level is between 50% and 99%."))


def impact_history(
    records: pd.DataFrame,
    starts: Iterable[str],
    settings: ImpactSettings | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Monthly score and metric percentiles within role for the months the comparison needs.

    Args:
        records: Canonical records.
        starts: The start months (``YYYY-MM``) of the pairs to estimate.
        settings: For ``pre_months``.
        weights: Metric weights of the score (default weights when None).

    Returns:
        :func:`core.scoring.tiers.score_history` from ``pre_months`` before the earliest start to the
        latest month, with every ``<metric>_pct`` column.
    """
    settings = settings or ImpactSettings()
    months = sorted(set(starts))
    if records.empty or not months:
        return score_history(records.head(0), lambda r, e: score_people(r, window=1, end=e), months=1)
    latest = month_label(int(month_indices(records["period"].unique()).max()))
    span = max(months_between(months[0], latest) + settings.pre_months + 1, 1)
    chosen = dict(weights) if weights else None
    return score_history(
        records,
        lambda recs, end: score_people(recs, window=1, end=end, weights=chosen),
        months=span,
        columns=PCT_COLUMNS,
    )


def baseline_people(
    records: pd.DataFrame,
    start: str,
    settings: ImpactSettings | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Who was low, core or top in the ``window`` months before ``start`` (the peers' pool).

    Returns:
        One row per person scored before the start: rep_id, name, role, team, tier.

    Raises:
        ValueError: When the data has no month before ``start``.
    """
    settings = settings or ImpactSettings()
    before = records[records["period"] < start]
    if before.empty:
        raise ValueError(
            _("The data has no month before {start}: nothing to compare the coached months with.").format(start=start)
        )
    scored = score_people(before, window=settings.window, weights=dict(weights) if weights else None)
    tiers = assign_tiers(scored, settings.cutoffs)
    return tiers[["rep_id", "name", "role", "team", "tier"]].reset_index(drop=True)


def _nanmean(values: FloatArray, axis: int) -> FloatArray:
    """Mean over finite values; NaN where there are none (without warnings)."""
    ok = np.isfinite(values)
    count = ok.sum(axis=axis)
    total = np.where(ok, values, 0.0).sum(axis=axis)
    return np.asarray(np.divide(total, count, out=np.full(np.shape(total), np.nan), where=count > 0), dtype=np.float64)


def _interval(replicates: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval along the last axis; NaN rows stay NaN."""
    tail = (1.0 - level) / 2.0
    rows = replicates.reshape(-1, replicates.shape[-1])
    low = np.full(rows.shape[0], np.nan)
    high = np.full(rows.shape[0], np.nan)
    ok = np.isfinite(rows).all(axis=1)
    if ok.any():
        low[ok], high[ok] = np.quantile(rows[ok], [tail, 1.0 - tail], axis=1)
    return low.reshape(replicates.shape[:-1]), high.reshape(replicates.shape[:-1])


def _boot_means(values: FloatArray, rng: np.random.Generator, replicates: int) -> FloatArray:
    """Bootstrap means of each row's finite values (its observed months), re-drawn with replacement.

    A re-draw of ``c`` values with replacement is a multinomial count per value, so the means are a
    matrix product: rows with the same number of observed values share the count draws (each row's
    own interval is unaffected by that). Rows without a value give NaN.

    Args:
        values: (k, width) values, NaN where missing.
        rng: The generator.
        replicates: Re-draws B.

    Returns:
        (k, B) re-drawn means.
    """
    ordered = np.sort(values, axis=1)  # NaN last
    count = np.isfinite(ordered).sum(axis=1)
    out = np.full((values.shape[0], replicates), np.nan)
    for c in np.unique(count[count > 0]):
        rows = count == c
        weights = rng.multinomial(int(c), np.full(int(c), 1.0 / c), size=replicates).T / c  # (c, B)
        out[rows] = ordered[rows, : int(c)] @ weights
    return out


def _boot_peer_means(peer_change: FloatArray, rng: np.random.Generator, replicates: int) -> FloatArray:
    """Re-drawn mean change of the peers per measure: (peers, M) → (M, B), skipping a peer's missing measures."""
    n = peer_change.shape[0]
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=replicates).astype(np.float64)  # (B, peers)
    present = np.isfinite(peer_change)
    totals = counts @ np.where(present, peer_change, 0.0)  # (B, M)
    weights = counts @ present.astype(np.float64)
    means = np.divide(totals, weights, out=np.full(totals.shape, np.nan), where=weights > 0)
    return np.asarray(means.T, dtype=np.float64)


@dataclass(frozen=True)
class _Boot:
    """Per coachee: point DiD, own change and cohort; per cohort: the re-drawn peer means (cohorts, B)."""

    did: FloatArray
    change: FloatArray
    cohort: IntArray
    peer: FloatArray

    def subset(self, mask: npt.NDArray[np.bool_]) -> _Boot:
        """The same for some coachees."""
        return _Boot(self.did[mask], self.change[mask], self.cohort[mask], self.peer)


def _group_replicates(
    groups: IntArray, boot: _Boot, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Point DiD and bootstrap replicates per group, re-drawing the group's coachees (and the peers).

    Args:
        groups: Group code per coachee (0..G-1, every code used).
        boot: The coachees' values and their cohorts' re-drawn peer means.
        rng: The generator.

    Returns:
        Point estimates (G,), replicates (G, B) and group sizes (G,).
    """
    order = np.argsort(groups, kind="stable")
    g_sorted = groups[order]
    sizes = np.bincount(g_sorted).astype(np.int64)
    first = np.cumsum(sizes) - sizes
    point = np.bincount(g_sorted, weights=boot.did[order]) / sizes
    replicates = boot.peer.shape[1]
    u = rng.random((replicates, order.size))
    pick = first[g_sorted][None, :] + (u * sizes[g_sorted][None, :]).astype(np.int64)  # sorted positions
    chosen = order[pick]
    values = boot.change[chosen] - boot.peer[boot.cohort[chosen], np.arange(replicates)[:, None]]
    sums = np.add.reduceat(values, first, axis=1)
    return point, (sums / sizes[None, :]).T, sizes


@dataclass(frozen=True)
class _Who:
    """Each person's name, role and tier before the start, by rep_id."""

    names: dict[str, str]
    roles: dict[str, str]
    tiers: dict[str, object]


def _checked_inputs(pairs: pd.DataFrame, people: pd.DataFrame) -> tuple[pd.DataFrame, _Who]:
    """The started pairs (one per coachee, ids and start as text) and who everyone is; refuse missing columns."""
    for frame, needed in ((pairs, ("coach_id", "coachee_id", "start")), (people, ("rep_id", "name", "role", "tier"))):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(_("The impact estimate needs the column(s) {columns}.").format(columns=", ".join(missing)))
    pairs = pairs.astype({"coach_id": str, "coachee_id": str, "start": str}).drop_duplicates("coachee_id", keep="last")
    info = people.assign(rep_id=people["rep_id"].astype(str)).drop_duplicates("rep_id").set_index("rep_id")
    who = _Who(
        names={str(k): str(v) for k, v in info["name"].items()},
        roles={str(k): str(v) for k, v in info["role"].items()},
        tiers={str(k): v for k, v in info["tier"].items()},
    )
    return pairs, who


@dataclass(frozen=True)
class _Wide:
    """Everyone's monthly measures on a calendar axis without gaps.

    Attributes:
        values: (people, measures, months), NaN where a person was not scored; measures as :data:`MEASURES`.
        position: rep_id → row.
        first_month: The month index (:func:`core.months.month_index`) of the first column.
    """

    values: FloatArray
    position: dict[str, int]
    first_month: int

    @property
    def months(self) -> int:
        """How many calendar months the axis has."""
        return int(self.values.shape[2])


def _wide_history(history: pd.DataFrame) -> _Wide:
    """Lay the long history (rep_id, period, measures) out as a (people, measures, months) array."""
    if history.empty:
        return _Wide(np.full((0, len(MEASURES), 0), np.nan), {}, 0)
    labels, inverse = np.unique(history["period"].astype(str).to_numpy(), return_inverse=True)
    months = month_indices(labels)[inverse]
    first = int(months.min())
    ids, row = np.unique(history["rep_id"].astype(str).to_numpy(dtype=object), return_inverse=True)
    values = np.full((ids.size, len(MEASURES), int(months.max()) - first + 1), np.nan)
    for m, column in enumerate(MEASURES):
        if column in history.columns:
            values[row, m, months - first] = history[column].to_numpy(dtype=np.float64)
    return _Wide(values, {str(r): i for i, r in enumerate(ids)}, first)


def _pre_post_columns(wide: _Wide, start: str, settings: ImpactSettings) -> tuple[IntArray, IntArray]:
    """The axis columns of the ``pre_months`` before ``start`` and of up to ``post_months`` from it on."""
    s = month_index(start) - wide.first_month
    pre = np.arange(max(s - settings.pre_months, 0), min(max(s, 0), wide.months), dtype=np.int64)
    post = np.arange(max(s, 0), min(s + settings.post_months, wide.months), dtype=np.int64)
    return pre, post


def _skip_reason(
    coachee: str, start: str, role: object, wide: _Wide, columns: tuple[IntArray, IntArray], settings: ImpactSettings
) -> str:
    """Why a coachee cannot be estimated, as the ``why`` of :data:`SKIPPED_COLUMNS`; "" when they can."""
    pre_cols, post_cols = columns
    row = wide.position.get(coachee)
    if row is None or not isinstance(role, str):
        return _("not in the data before the start")
    if not pre_cols.size or not np.isfinite(wide.values[row, 0, pre_cols]).any():
        n = settings.pre_months
        return ngettext(
            "no scored month in the {n} month before {start}", "no scored month in the {n} months before {start}", n
        ).format(n=n, start=start)
    if not post_cols.size or not np.isfinite(wide.values[row, 0, post_cols]).any():
        return _("no scored month from {start} on yet").format(start=start)
    return ""


def _peer_rows(role: object, who: _Who, coached: set[str], wide: _Wide) -> IntArray:
    """The rows of the uncoached people of ``role`` who were core before the start."""
    return np.array(
        [
            wide.position[r]
            for r, rl in who.roles.items()
            if rl == role and who.tiers.get(r) == "core" and r not in coached and r in wide.position
        ],
        dtype=np.int64,
    )


@dataclass(frozen=True)
class _Cohort:
    """The estimable coachees of one role who started in the same month, and their comparison."""

    role: str
    start: str
    members: list[tuple[str, str]]  # (coachee_id, coach_id)
    peers: IntArray  # rows of the uncoached core peers
    pre_cols: IntArray
    post_cols: IntArray


def _focus(all_pre: FloatArray, rows: IntArray, role: str) -> tuple[npt.NDArray[np.bool_], IntArray]:
    """Each coachee's focus metric: the weakest (lowest mean percentile) before the start, as a measure index."""
    role_m = [MEASURES.index(f"{spec.id}_pct") for spec in metrics_for(role)] if role in _ROLE_ORDER else []
    pre_metrics = all_pre[rows][:, role_m] if role_m else np.full((rows.size, 1), np.nan)
    has_focus = np.asarray(np.isfinite(pre_metrics).any(axis=1), dtype=np.bool_)
    weakest = np.argmin(np.where(np.isfinite(pre_metrics), pre_metrics, np.inf), axis=1)
    focus_m = np.array(role_m, dtype=np.int64)[weakest] if role_m else np.zeros(rows.size, dtype=np.int64)
    return has_focus, focus_m


def _estimate_cohort(
    cohort: _Cohort, wide: _Wide, who: _Who, settings: ImpactSettings, rng: np.random.Generator
) -> tuple[pd.DataFrame, FloatArray] | None:
    """The cohort's coachee rows (:data:`COACHEE_COLUMNS`) and the re-drawn peer mean change of the score (B,).

    Returns:
        None when fewer than :data:`MIN_PEERS` peers have months before and after.
    """
    values, pre_cols, post_cols = wide.values, cohort.pre_cols, cohort.post_cols
    all_pre = _nanmean(values[:, :, pre_cols], axis=2) if pre_cols.size else np.full(values.shape[:2], np.nan)
    all_post = _nanmean(values[:, :, post_cols], axis=2) if post_cols.size else np.full(values.shape[:2], np.nan)
    all_change = all_post - all_pre  # (people, measures)
    peer_change = all_change[cohort.peers] if cohort.peers.size else np.full((0, len(MEASURES)), np.nan)
    peer_change = peer_change[np.isfinite(peer_change[:, 0])]
    if peer_change.shape[0] < MIN_PEERS:
        return None
    peer_mean = _nanmean(peer_change, axis=0)  # (measures,)
    b = settings.replicates
    peer_boot = _boot_peer_means(peer_change, rng, b)  # (M, B)

    rows = np.array([wide.position[e] for e, _ in cohort.members], dtype=np.int64)
    has_focus, focus_m = _focus(all_pre, rows, cohort.role)
    own_score = _boot_means(values[rows, 0][:, post_cols], rng, b) - _boot_means(values[rows, 0][:, pre_cols], rng, b)
    focus_vals = values[rows, focus_m]  # (k, months)
    own_focus = _boot_means(focus_vals[:, post_cols], rng, b) - _boot_means(focus_vals[:, pre_cols], rng, b)
    low, high = _interval(own_score - peer_boot[0][None, :], settings.level)
    focus_low, focus_high = _interval(own_focus - peer_boot[focus_m], settings.level)
    change = all_change[rows, 0]
    focus_change = all_change[rows, focus_m]
    focus_id = [MEASURES[m].removesuffix("_pct") if h else None for m, h in zip(focus_m, has_focus, strict=True)]
    nan = np.full(rows.size, np.nan)
    frame = pd.DataFrame(
        {
            "coachee_id": [e for e, _ in cohort.members],
            "coachee_name": [who.names.get(e, e) for e, _ in cohort.members],
            "role": cohort.role,
            "coach_id": [c for _, c in cohort.members],
            "coach_name": [who.names.get(c, c) for _, c in cohort.members],
            "start": cohort.start,
            "pre_months": np.isfinite(values[rows, 0][:, pre_cols]).sum(axis=1),
            "post_months": np.isfinite(values[rows, 0][:, post_cols]).sum(axis=1),
            "pre": all_pre[rows, 0],
            "post": all_post[rows, 0],
            "change": change,
            "peers": int(peer_change.shape[0]),
            "peer_change": peer_mean[0],
            "did": change - peer_mean[0],
            "low": low,
            "high": high,
            "focus_metric": focus_id,
            "focus_label": [LABELS.get(f) if f is not None else None for f in focus_id],
            "focus_change": np.where(has_focus, focus_change, nan),
            "focus_peer_change": np.where(has_focus, peer_mean[focus_m], nan),
            "focus_did": np.where(has_focus, focus_change - peer_mean[focus_m], nan),
            "focus_low": np.where(has_focus, focus_low, nan),
            "focus_high": np.where(has_focus, focus_high, nan),
        }
    )
    return frame, peer_boot[0]


def _by_role_and_start(pairs: pd.DataFrame, who: _Who) -> list[tuple[object, str, pd.DataFrame]]:
    """The pairs grouped by coachee role (SDR, AE, AM, then unknown) and start, in a fixed order."""
    roles = pairs["coachee_id"].map(who.roles)
    ordered = pairs.assign(_role=roles, _rank=roles.map(_ROLE_ORDER).fillna(9)).sort_values(
        ["_rank", "start", "coachee_id"], kind="stable"
    )
    groups = ordered.groupby(["_role", "start"], sort=False, dropna=False)
    return [(role, str(start), group) for (role, start), group in groups]


def _skipped(coachee: str, coach: str, start: str, why: str) -> dict[str, object]:
    """One row of :data:`SKIPPED_COLUMNS`."""
    return {"coachee_id": coachee, "coach_id": coach, "start": start, "why": why}


def _summarise(
    parts: list[pd.DataFrame], peer_boots: list[FloatArray], who: _Who, skipped: pd.DataFrame, settings: ImpactSettings
) -> ImpactResult:
    """Put the cohorts together and rank the coaches and the programme, re-drawing coachees and peers."""
    if not parts:
        empty = pd.DataFrame(columns=list(COACHEE_COLUMNS))
        return ImpactResult(
            empty, pd.DataFrame(columns=list(COACH_COLUMNS)), pd.DataFrame(columns=list(PROGRAMME_COLUMNS)), skipped
        )
    coachees = pd.concat(parts, ignore_index=True)[list(COACHEE_COLUMNS)]
    boot = _Boot(
        did=coachees["did"].to_numpy(dtype=np.float64),
        change=coachees["change"].to_numpy(dtype=np.float64),
        cohort=np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(parts)]),
        peer=np.stack(peer_boots),  # (cohorts, B)
    )
    rng = np.random.default_rng([settings.seed, 10_000])
    coaches = _coaches(coachees, who.roles, who.names, boot, rng, settings.level)
    programme = _programme(coachees, boot, rng, settings.level)
    return ImpactResult(coachees, coaches, programme, skipped)


def estimate_impact(
    history: pd.DataFrame,
    pairs: pd.DataFrame,
    people: pd.DataFrame,
    settings: ImpactSettings | None = None,
) -> ImpactResult:
    """Estimate the lift of coaching per coachee, per coach and for the programme.

    Args:
        history: :func:`impact_history` (rep_id, period, score, ``<metric>_pct``).
        pairs: Started pairs: coach_id, coachee_id, start (``YYYY-MM``); one per coachee (the last wins).
        people: :func:`baseline_people` — rep_id, name, role, tier before the start.
        settings: Months compared, re-draws, interval level and seed.

    Returns:
        The :class:`ImpactResult`; see the module docstring for the method.

    Raises:
        ValueError: Settings out of range, or columns missing.
    """
    settings = settings or ImpactSettings()
    _check(settings)
    pairs, who = _checked_inputs(pairs, people)
    wide = _wide_history(history)
    coached = set(pairs["coachee_id"])
    skipped: list[dict[str, object]] = []
    parts: list[pd.DataFrame] = []
    peer_boots: list[FloatArray] = []  # per estimated cohort: the re-drawn peer mean change of the score (B,)
    for number, (role, start, group) in enumerate(_by_role_and_start(pairs, who)):
        columns = _pre_post_columns(wide, start, settings)
        members: list[tuple[str, str]] = []
        for e, c in zip(group["coachee_id"], group["coach_id"], strict=True):
            why = _skip_reason(e, start, role, wide, columns, settings)
            if why:
                skipped.append(_skipped(e, c, start, why))
            else:
                members.append((e, c))
        if not members:
            continue
        cohort = _Cohort(str(role), start, members, _peer_rows(role, who, coached, wide), *columns)
        estimate = _estimate_cohort(cohort, wide, who, settings, np.random.default_rng([settings.seed, number]))
        if estimate is None:
            why = _("fewer than {n} uncoached core {role} peers with months before and after").format(
                n=MIN_PEERS, role=role
            )
            skipped.extend(_skipped(e, c, start, why) for e, c in members)
            continue
        parts.append(estimate[0])
        peer_boots.append(estimate[1])
    return _summarise(parts, peer_boots, who, pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS)), settings)


def _coaches(
    coachees: pd.DataFrame,
    roles: Mapping[str, str],
    names: Mapping[str, str],
    boot: _Boot,
    rng: np.random.Generator,
    level: float,
) -> pd.DataFrame:
    """The leaderboard: each coach's mean coachee DiD, with an interval when there are 2+ coachees."""
    coach_ids, codes = np.unique(coachees["coach_id"].astype(str).to_numpy(dtype=object), return_inverse=True)
    point, replicates, sizes = _group_replicates(codes.astype(np.int64), boot, rng)
    low, high = _interval(replicates, level)
    few = sizes < 2
    low[few], high[few] = np.nan, np.nan
    note = np.where(
        sizes < 2,
        _(ONE_COACHEE),
        np.where(
            sizes < FEW_COACHEES,
            _("{n} coachees: a rough interval, likely too narrow").format(n=FEW_COACHEES - 1),
            "",
        ),
    )
    out = pd.DataFrame(
        {
            "coach_id": coach_ids.astype(str),
            "coach_name": [names.get(str(c), str(c)) for c in coach_ids],
            "coach_role": [roles.get(str(c), "") for c in coach_ids],
            "coachees": sizes,
            "lift": point,
            "low": low,
            "high": high,
            "note": note,
        }
    )
    # Coaches with enough coachees first, then by the interval's lower end: two lucky coachees give a
    # bootstrap interval that is too narrow, so they should not head the board.
    out["_enough"] = out["coachees"] >= FEW_COACHEES
    out["_rank"] = np.where(np.isfinite(out["low"]), out["low"], -np.inf)
    out = out.sort_values(
        ["_enough", "_rank", "lift", "coach_id"], ascending=[False, False, False, True], kind="stable"
    )
    return out.drop(columns=["_enough", "_rank"]).reset_index(drop=True)


def _programme(coachees: pd.DataFrame, boot: _Boot, rng: np.random.Generator, level: float) -> pd.DataFrame:
    """The programme's mean DiD per coachee role and for everyone, re-drawing coachees and peers."""
    rows: list[dict[str, object]] = []
    role_list = [r for r in ("SDR", "AE", "AM") if r in set(coachees["role"])]
    groups = {r: (coachees["role"] == r).to_numpy() for r in role_list}
    if len(role_list) > 1:
        groups["all"] = np.ones(len(coachees), dtype=bool)
    for name, mask in groups.items():
        k = int(mask.sum())
        point, replicates, _sizes = _group_replicates(np.zeros(k, dtype=np.int64), boot.subset(mask), rng)
        low, high = _interval(replicates, level)
        peers = coachees.loc[mask].drop_duplicates(["role", "start"])["peers"].sum()
        rows.append(
            {
                "group": name,
                "coachees": k,
                "peers": int(peers),
                "did": float(point[0]),
                "low": float(low[0]) if k > 1 else np.nan,
                "high": float(high[0]) if k > 1 else np.nan,
                "note": "" if k > 1 else _(ONE_COACHEE),
            }
        )
    return pd.DataFrame(rows, columns=list(PROGRAMME_COLUMNS))


def estimate_from_records(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: ImpactSettings | None = None,
    weights: Mapping[str, float] | None = None,
) -> ImpactResult:
    """The whole job on records: history, who was core before the earliest start, and the estimate.

    Raises:
        ValueError: No started pairs, or no month before the earliest start.
    """
    settings = settings or ImpactSettings()
    if pairs.empty:
        raise ValueError(_("No coaching pair has been started, so there is nothing to estimate yet."))
    starts = sorted(pairs["start"].astype(str).unique())
    # Tiers before the earliest start that has data before it; pairs started earlier are skipped later.
    first_month = str(records["period"].min()) if len(records) else ""
    usable = [start for start in starts if start > first_month] or starts
    people = baseline_people(records, usable[0], settings, weights)
    history = impact_history(records, starts, settings, weights)
    return estimate_impact(history, pairs, people, settings)


def pairs_matched_before(
    records: pd.DataFrame,
    start: str,
    *,
    capacity: int = 3,
    window: int | None = 3,
    cutoffs: Cutoffs = PRESETS["10/60/30"],
) -> pd.DataFrame:
    """The pairs the chains match on the months before ``start``, all started then (for a file).

    Returns:
        coach_id, coachee_id, start.

    Raises:
        ValueError: When the data has no month before ``start``.
    """
    from core.coaching.chains import ChainSettings, match_chains
    from core.scoring.segmentation import SegmentSettings, segment

    before = records[records["period"] < start]
    if before.empty:
        raise ValueError(_("The data has no month before {start}: nothing to match the chains on.").format(start=start))
    segmented = segment(before, SegmentSettings(window=window, cutoffs=cutoffs, replicates=0))
    matched = match_chains(segmented, ChainSettings(capacity={"AE": capacity, "AM": capacity})).pairs
    return pd.DataFrame(
        {"coach_id": matched["coach_id"].astype(str), "coachee_id": matched["coachee_id"].astype(str), "start": start}
    )


EXPORT_COLUMNS: tuple[str, ...] = (
    "kind",
    "role",
    "rep_id",
    "name",
    "coach_id",
    "coach_name",
    "start",
    "coachees",
    "peers",
    "lift",
    "low",
    "high",
    "note",
    "change",
    "peer_change",
    "focus_metric",
    "focus_lift",
    "focus_low",
    "focus_high",
)


def export_table(result: ImpactResult) -> pd.DataFrame:
    """One table for a spreadsheet: the programme, each coach and each coachee, marked by ``kind``.

    ``lift`` is the DiD in score points (the mean of the coachees' for a coach or the programme);
    ``low``/``high`` its interval (empty where it cannot be estimated).
    """
    programme = pd.DataFrame(
        {
            "kind": "programme",
            "role": result.programme["group"],
            "coachees": result.programme["coachees"],
            "peers": result.programme["peers"],
            "lift": result.programme["did"],
            "low": result.programme["low"],
            "high": result.programme["high"],
            "note": result.programme["note"],
        }
    )
    coaches = pd.DataFrame(
        {
            "kind": "coach",
            "role": result.coaches["coach_role"],
            "rep_id": result.coaches["coach_id"],
            "name": result.coaches["coach_name"],
            "coachees": result.coaches["coachees"],
            "lift": result.coaches["lift"],
            "low": result.coaches["low"],
            "high": result.coaches["high"],
            "note": result.coaches["note"],
        }
    )
    c = result.coachees
    coachees = pd.DataFrame(
        {
            "kind": "coachee",
            "role": c["role"],
            "rep_id": c["coachee_id"],
            "name": c["coachee_name"],
            "coach_id": c["coach_id"],
            "coach_name": c["coach_name"],
            "start": c["start"],
            "peers": c["peers"],
            "lift": c["did"],
            "low": c["low"],
            "high": c["high"],
            "change": c["change"],
            "peer_change": c["peer_change"],
            "focus_metric": c["focus_metric"],
            "focus_lift": c["focus_did"],
            "focus_low": c["focus_low"],
            "focus_high": c["focus_high"],
        }
    )
    parts = [frame for frame in (programme, coaches, coachees) if not frame.empty]
    if not parts:
        return pd.DataFrame(columns=list(EXPORT_COLUMNS))
    out = pd.concat(parts, ignore_index=True).reindex(columns=list(EXPORT_COLUMNS))
    numeric = ["lift", "low", "high", "change", "peer_change", "focus_lift", "focus_low", "focus_high"]
    out[numeric] = out[numeric].astype(np.float64).round(2)
    out[["coachees", "peers"]] = out[["coachees", "peers"]].astype("Int64")
    return out


def export_json(result: ImpactResult) -> str:
    """JSON with ``programme``, ``coaches``, ``coachees`` and ``skipped`` lists (missing values null)."""
    import json

    from core.export import to_json_text

    def rounded(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.round({c: 2 for c in frame.columns if frame[c].dtype == np.float64})

    body = {
        "programme": json.loads(to_json_text(rounded(result.programme))),
        "coaches": json.loads(to_json_text(rounded(result.coaches))),
        "coachees": json.loads(to_json_text(rounded(result.coachees))),
        "skipped": json.loads(to_json_text(result.skipped)),
    }
    return json.dumps(body, ensure_ascii=False, indent=2)
