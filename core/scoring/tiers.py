"""Tiers within each role — low, core, top — and how far each tier can be trusted.

PRODUCT.md ("Tiers: why 10 / 60 / 30"): the bottom ~10% of a role need a different conversation,
the core ~60% is where coaching pays, the top ~30% are the pool of peer coaches. This module turns
scores (one row per person, ``score`` 0–100 within role, as :func:`core.scoring.metrics.score_people`
gives) into tiers by configurable cut-offs, and adds what a reviewer needs before acting on one:

* ``tie_at_boundary`` — the same score as someone on the other side of a cut-off;
* ``meaningful`` — the role has enough people for a percentage split to mean anything;
* :func:`borderline` (and :func:`flip_share`) — would the tier change if other months had been drawn?
  All replicates at once, with a replicate axis, when given a :data:`StackedScorer`;
* :func:`persistence` — low in several non-overlapping windows (:func:`window_ends`), not one bad quarter;
* :func:`trend` / :func:`score_history` — the monthly percentile and its slope.

It never imports :mod:`core.scoring.metrics`: anything that needs scores for another window or a
resampled table takes a ``scorer`` callable, so it can be tested with any simple scorer.
Everything is vectorised over people; loops run only over windows or months (and over replicates
only for a plain per-table scorer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import N_, NP_, _, pgettext
from core.months import last_months, month_index, month_indices, month_label

Cutoffs = tuple[int, int, int]
"""(low %, core %, top %) of a role, whole numbers that sum to 100."""

Scorer = Callable[[pd.DataFrame], pd.DataFrame]
"""Scores the records it is given: records in, one row per rep (rep_id, role, score) out."""

StackedScorer = Callable[[pd.DataFrame, npt.NDArray[np.int64]], tuple[pd.DataFrame, npt.NDArray[np.float64]]]
"""Scores many resamples at once: (records, draws of shape (resamples, len(records))) in; (people with rep_id
and role, one row each, sorted by rep_id; scores of shape (resamples, people)) out. Resample ``r``'s row ``i``
keeps row ``i``'s person and month and carries the values of row ``draws[r, i]`` (see
:func:`core.scoring.metrics.score_replicates`)."""

WindowScorer = Callable[[pd.DataFrame, str], pd.DataFrame]
"""Scores the window ending at a month (``YYYY-MM``): (records, end_period) in, rep_id, role, score out."""

PRESETS: Final[dict[str, Cutoffs]] = {
    "10/60/30": (10, 60, 30),
    "20/70/10": (20, 70, 10),
    "16/68/16": (16, 68, 16),
    "20/60/20": (20, 60, 20),
}
PRESET_NOTES: Final[dict[str, str]] = {
    "10/60/30": N_(
        "Default. CEB / Sales Executive Council research (Dixon & Adamson, HBR): coaching pays in the core."
    ),
    "20/70/10": N_("GE's 'vitality curve': top 20%, vital 70%, bottom 10% — here low 20%, core 70%, top 10%."),
    "16/68/16": N_("±1 standard deviation of a normal curve: 16% below, 68% within, 16% above."),
    "20/60/20": N_("A common even split: a fifth at each end, the middle three fifths in the core."),
}
"""Where each preset comes from, in English, marked for translation: show it as ``_(PRESET_NOTES[name])``."""
MIN_MEANINGFUL: Final = 5
TIERS: Final = ("low", "core", "top")
TIER_NAMES: Final[dict[str, str]] = {"low": NP_("tier", "low"), "core": NP_("tier", "core"), "top": NP_("tier", "top")}
"""The tiers as the data holds them; :func:`tier_name` says them in the reader's words (GLOSSARY.md)."""
TREND_WORDS: Final[dict[str, str]] = {
    "improving": N_("improving"),
    "declining": N_("declining"),
    "stable": N_("stable"),
    "n/a": N_("n/a"),
}
"""The trends as the data holds them; :func:`trend_name` says them in the reader's words."""


def tier_name(tier: object) -> str:
    """A tier (``"core"``) in the language core speaks now: ``core``, ``Kernteam``, ``kerngroep``; else as given."""
    return pgettext("tier", str(tier)) if tier in TIER_NAMES else str(tier)


def trend_name(value: object) -> str:
    """A trend (``"improving"``) in the language core speaks now; other text as given."""
    return _(TREND_WORDS[str(value)]) if value in TREND_WORDS else str(value)


PERSISTENT_MIN_LOW: Final = 2
"""Persistent low = low in the current window and low in at least this many of the windows seen."""
NEAR_LOW_POINTS: Final = 10.0
"""Borderline-low: in the core, but less than this many percentile points above the low cut-off."""
TREND_SLOPE: Final = 3.0
TREND_T: Final = 2.0  # a trend's slope must be this many standard errors from zero
"""Percentile points per month at or beyond which a trend is "improving" or "declining"."""
TREND_MIN_MONTHS: Final = 3
"""Fewer scored months than this and the trend is "n/a"."""

_LOW, _CORE, _TOP = 0, 1, 2
_TIER_NAMES = np.array(TIERS, dtype=object)
_SPLIT = re.compile(r"[,/;]")
_WHOLE = re.compile(r"[+-]?\d+")
_SLOPE_TOLERANCE = 1e-9  # a slope of exactly 3.0 computed in floating point must still count as 3


# --------------------------------------------------------------------------- cut-offs and sizes


def _check_cutoffs(cutoffs: Sequence[int]) -> Cutoffs:
    if len(cutoffs) != 3:
        raise ValueError(_("Cut-offs need three numbers (low, core, top); got {value}.").format(value=len(cutoffs)))
    low, core, top = (int(v) for v in cutoffs)
    if min(low, core, top) < 0:
        raise ValueError(_("Cut-offs cannot be negative; got {low}/{core}/{top}.").format(low=low, core=core, top=top))
    if low + core + top != 100:
        raise ValueError(
            _("Cut-offs must add up to 100; {low} + {core} + {top} = {value}.").format(
                low=low, core=core, top=top, value=low + core + top
            )
        )
    return low, core, top


def parse_cutoffs(text: str) -> Cutoffs:
    """Read cut-offs typed by a person: ``"10,60,30"``, ``"10/60/30"``, ``"10; 60; 30"`` or a preset name.

    Args:
        text: Three whole percentages for low, core and top (a trailing ``%`` is allowed), or a key
            of :data:`PRESETS`.

    Returns:
        The cut-offs as ``(low, core, top)``.

    Raises:
        ValueError: With a sentence, when the text is not three whole numbers ≥ 0 that sum to 100.
    """
    cleaned = text.strip()
    if cleaned in PRESETS:
        return PRESETS[cleaned]
    parts = [p.strip().removesuffix("%").strip() for p in _SPLIT.split(cleaned)]
    if len(parts) != 3 or not all(_WHOLE.fullmatch(p) for p in parts):
        raise ValueError(
            _(
                "Cut-offs '{text}' are not understood: give three whole percentages for low, core and top that "
                "add up to 100, e.g. 10,60,30 or 10/60/30."
            ).format(text=text)
        )
    return _check_cutoffs([int(p) for p in parts])


def _round_half_up(n: npt.NDArray[np.int64], percent: int) -> npt.NDArray[np.int64]:
    # Integer arithmetic, so 2.5 always becomes 3 (no banker's rounding, no float error).
    return (n * percent + 50) // 100


def _sizes(n: npt.NDArray[np.int64], cutoffs: Cutoffs) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(low count, top count) per role size; the rule is documented on :func:`tier_sizes`."""
    low = _round_half_up(n, cutoffs[0])
    top = np.minimum(_round_half_up(n, cutoffs[2]), n - low)
    return low, top


def tier_sizes(n: int, cutoffs: Cutoffs) -> tuple[int, int, int]:
    """How many of ``n`` people in a role go to the low, core and top tier.

    The rule: ``low = round_half_up(n × low% / 100)``, ``top = round_half_up(n × top% / 100)``,
    ``core = n − low − top``; if ``low + top`` would exceed ``n``, ``top`` shrinks first. Rounding
    half up is exact (integer arithmetic): 10% of 15 people is 1.5 → 2 low; 30% of 5 is 1.5 → 2 top.
    The three always sum to ``n``. Core absorbs the rounding, so the tiers with consequences (an HR
    conversation, a coaching role) are never larger than half a person above their share.

    Args:
        n: People in the role (≥ 0).
        cutoffs: ``(low %, core %, top %)``.

    Returns:
        ``(low, core, top)`` head counts.

    Raises:
        ValueError: For a negative ``n`` or cut-offs that are not three numbers ≥ 0 summing to 100.
    """
    if n < 0:
        raise ValueError(_("A role cannot have {n} people.").format(n=n))
    checked = _check_cutoffs(cutoffs)
    low, top = _sizes(np.array([n], dtype=np.int64), checked)
    return int(low[0]), n - int(low[0]) - int(top[0]), int(top[0])


# --------------------------------------------------------------------------- ranking


_ARROW_CODES_FROM: Final = 1000
"""Text columns at least this long are ranked by Arrow (:func:`_codes`)."""


def _codes(values: pd.Series) -> npt.NDArray[np.int64]:
    """Integer codes whose order is the values' natural order (numbers numerically, text alphabetically)."""
    if values.dtype == object and len(values) >= _ARROW_CODES_FROM:
        # Texts (rep_ids of a big team): Arrow ranks them in C++ a third of the time pandas takes to sort the
        # distinct texts in Python — UTF-8 byte order is code-point order, a blank ranks last as factorize puts it.
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            text = pa.array(values.to_numpy(), type=pa.string())
        except (pa.ArrowException, UnicodeError):
            pass  # not all texts (or not UTF-8): pandas below
        else:
            ranks = pc.rank(text, sort_keys="ascending", tiebreaker="dense")  # nulls at the end by default
            return np.asarray(ranks.to_numpy(), dtype=np.int64) - 1
    try:
        codes, _uniques = pd.factorize(values, sort=True, use_na_sentinel=False)
    except TypeError:  # mixed types cannot be ordered: fall back to their text
        codes, _uniques = pd.factorize(values.astype(str), sort=True, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)


def _percentile(groups: npt.NDArray[np.int64], score: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Mid-rank percentile within each group: 0 = worst, 100 = best, ties share the mean of their ranks.

    ``(average ascending rank − 1) / (n − 1) × 100``; a group of one (or all tied) is at 50.
    """
    # One sort by group, then score (a missing score last, unranked); ties share the mean of their positions —
    # what pandas' groupby rank gives, without its machinery for a few thousand numbers (#17).
    size = score.size
    if size == 0:
        return np.empty(0, dtype=np.float64)
    order = np.argsort(score)  # equal scores share a rank, so any order among them will do; NaN last
    if -(2**15) <= groups.min() and groups.max() < 2**15:  # then by group, keeping that order: a radix sort
        order = order[np.argsort(groups[order].astype(np.int16), kind="stable")]
    else:
        order = np.lexsort((score, groups))
    g, v = groups[order], score[order]
    new_group = np.ones(size, dtype=bool)
    new_group[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group) - 1
    position = np.arange(size, dtype=np.float64) - starts[group_of] + 1.0  # 1-based within the group
    new_tie = new_group.copy()
    new_tie[1:] |= ~(v[1:] == v[:-1])  # NaN never equals: each missing score stands alone
    tie = np.cumsum(new_tie) - 1
    mean = np.bincount(tie, weights=position) / np.bincount(tie)
    ranks = np.empty(size, dtype=np.float64)
    ranks[order] = np.where(np.isnan(v), np.nan, mean[tie])
    n = np.empty(size, dtype=np.float64)
    n[order] = np.diff(np.append(starts, size)).astype(np.float64)[group_of]  # everyone in the group counts
    spread = np.where(n > 1, n - 1, 1.0)
    return np.where(n > 1, (ranks - 1.0) / spread * 100.0, 50.0)


def _scores(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    return pd.to_numeric(frame["score"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _check_scored(scored: pd.DataFrame) -> None:
    """Refuse scores without rep_id, role and score, or with a rep_id twice, in a sentence."""
    missing = [c for c in ("rep_id", "role", "score") if c not in scored.columns]
    if missing:
        raise ValueError(_("Scores need the column(s) {items} to assign tiers.").format(items=", ".join(missing)))
    if scored["rep_id"].duplicated().any():
        dupes = scored.loc[scored["rep_id"].duplicated(), "rep_id"].astype(str).unique()[:3]
        raise ValueError(
            _("Each person must appear once to assign tiers; repeated rep_id: {items}.").format(items=", ".join(dupes))
        )


def _ties_across_cutoffs(
    role: npt.NDArray[np.int64], score: npt.NDArray[np.float64], tier: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Who is in a tie that a cut-off splits, for rows sorted by role then score.

    A tie group is a run of equal scores in one role (contiguous after the sort); it straddles a
    cut-off when its members ended up in more than one tier.
    """
    m = score.size
    if m == 0:
        return np.zeros(0, dtype=bool)
    first = np.ones(m, dtype=bool)
    first[1:] = (role[1:] != role[:-1]) | (score[1:] != score[:-1])
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    spread = np.maximum.reduceat(tier, starts) != np.minimum.reduceat(tier, starts)
    return np.asarray(spread[group], dtype=np.bool_)


def assign_tiers(scored: pd.DataFrame, cutoffs: Cutoffs = PRESETS["10/60/30"]) -> pd.DataFrame:
    """Rank people within their role and place them in the low, core or top tier.

    Within each role people are ordered by ``score`` descending, then ``rep_id`` ascending — the
    deterministic tie-break, independent of row order. The first ``top`` people (see
    :func:`tier_sizes`) are "top", the last ``low`` are "low", the rest "core". Where equal scores
    straddle a cut-off the tie-break decides, and every person in that tie is flagged with
    ``tie_at_boundary`` so a reviewer sees that the line fell between equals.

    People whose score is missing are not ranked: ``rank``, ``percentile`` and ``tier`` stay empty,
    ``tie_at_boundary`` and ``meaningful`` are False, and they do not count towards their role's size.

    Args:
        scored: At least ``rep_id`` (unique), ``role`` and ``score`` (higher is better); other
            columns are carried through.
        cutoffs: ``(low %, core %, top %)``, default 10/60/30.

    Returns:
        A copy of ``scored`` (same rows, order and index) plus ``rank`` (Int64, 1 = best within role),
        ``percentile`` (0–100 within role, 100 = best, mid-rank for ties), ``tier`` ("low", "core",
        "top"), ``tie_at_boundary`` (bool) and ``meaningful`` (bool: the role has at least
        :data:`MIN_MEANINGFUL` scored people).

    Raises:
        ValueError: Missing columns, duplicate rep_ids, or invalid cut-offs.
    """
    checked = _check_cutoffs(cutoffs)
    _check_scored(scored)
    ranked = _rank(_codes(scored["role"]), _codes(scored["rep_id"]), _scores(scored), checked)
    out = scored.copy()
    out["rank"] = pd.Series(ranked.rank, index=out.index, dtype="Int64").mask(ranked.tier < 0)
    out["percentile"] = ranked.percentile
    tier_out = np.full(len(scored), None, dtype=object)
    tier_out[ranked.tier >= 0] = _TIER_NAMES[ranked.tier[ranked.tier >= 0]]
    out["tier"] = pd.Series(tier_out, index=out.index, dtype="str")
    out["tie_at_boundary"] = ranked.tie
    out["meaningful"] = ranked.meaningful
    return out


@dataclass(frozen=True)
class _Ranked:
    """:func:`assign_tiers` as arrays, one entry per person as given: rank (1 = best; 0 unranked), percentile
    (NaN unranked), tier code (``_LOW``, ``_CORE``, ``_TOP``; −1 unranked), tie across a cut-off, meaningful role."""

    rank: npt.NDArray[np.int64]
    percentile: npt.NDArray[np.float64]
    tier: npt.NDArray[np.int64]
    tie: npt.NDArray[np.bool_]
    meaningful: npt.NDArray[np.bool_]


def _rank(
    role_all: npt.NDArray[np.int64],
    rep_all: npt.NDArray[np.int64],
    score_all: npt.NDArray[np.float64],
    checked: Cutoffs,
) -> _Ranked:
    """The rule of :func:`assign_tiers` on arrays: ``role_all`` any integer codes of the roles, ``rep_all`` codes in
    rep_id order (the tie-break), ``score_all`` NaN for unscored (#17: the earlier windows and months are ranked
    from codes, without their texts)."""
    total = score_all.size
    valid = np.flatnonzero(~np.isnan(score_all))

    # Sort the scored rows by role, score descending, rep_id ascending (lexsort: last key first).
    score, role, rep = score_all[valid], role_all[valid], rep_all[valid]
    order = np.lexsort((rep, -score, role))
    s_score, s_role = score[order], role[order]
    m = s_score.size

    counts = np.bincount(s_role, minlength=int(role_all.max(initial=-1)) + 1).astype(np.int64)
    start = np.cumsum(counts) - counts
    position = np.arange(m, dtype=np.int64) - start[s_role]
    n = counts[s_role]
    low_n, top_n = _sizes(counts, checked)
    tier = np.full(m, _CORE, dtype=np.int64)
    tier[position < top_n[s_role]] = _TOP
    tier[position >= n - low_n[s_role]] = _LOW

    rows = valid[order]  # positions of the sorted rows
    rank_out = np.zeros(total, dtype=np.int64)
    rank_out[rows] = position + 1
    pct_out = np.full(total, np.nan)
    pct_out[valid] = _percentile(role, score)
    tier_out = np.full(total, -1, dtype=np.int64)
    tier_out[rows] = tier
    tie_out = np.zeros(total, dtype=bool)
    tie_out[rows] = _ties_across_cutoffs(s_role, s_score, tier)
    meaningful_out = np.zeros(total, dtype=bool)
    meaningful_out[rows] = n >= MIN_MEANINGFUL
    return _Ranked(rank_out, pct_out, tier_out, tie_out, meaningful_out)


def _tier_codes(assigned: pd.DataFrame, rep_ids: pd.Index) -> npt.NDArray[np.int64]:
    """The tier of each of ``rep_ids`` in ``assigned`` as 0/1/2, −1 where absent or unranked."""
    tier = assigned["tier"].to_numpy(dtype=object)
    codes = np.full(len(tier), -1, dtype=np.int64)
    for code, name in enumerate(TIERS):  # three comparisons, not a lookup per person
        codes[tier == name] = code
    where = pd.Index(assigned["rep_id"]).get_indexer(rep_ids)
    return np.where(where >= 0, codes[where], -1)


# --------------------------------------------------------------------------- borderline (bootstrap)

_DRAWN_CELLS: Final = 4_000_000
"""Resampled rows held at once (replicates × rows): the bootstrap draws and scores in blocks of this size."""


def _stacked_tiers(
    role: npt.NDArray[np.int64], rep: npt.NDArray[np.int64], score: npt.NDArray[np.float64], cutoffs: Cutoffs
) -> npt.NDArray[np.int8]:
    """:func:`assign_tiers` for every row of ``score`` (one resample per row) at once: tier codes, −1 unscored
    (one byte each: the command line's bootstrap sends them from its process, #17).

    The same rule: within each role, score descending then rep_id ascending (``rep``: codes in rep_id
    order), the first ``top`` top and the last ``low`` low, sizes by :func:`tier_sizes` from the
    people scored in that row. Per role, one stable sort along the rows of the role's columns put in
    rep_id order; unscored people (NaN) sort last and are not counted.
    """
    tiers = np.full(score.shape, -1, dtype=np.int8)
    for code in np.unique(role):
        columns = np.flatnonzero(role == code)
        columns = columns[np.argsort(rep[columns], kind="stable")]
        scores = score[:, columns]
        n = (~np.isnan(scores)).sum(axis=1, keepdims=True)
        if n.size and (n == n[0, 0]).all() and not np.isneginf(scores).any():  # thresholds, not a sort
            tiers[:, columns] = _tiers_by_threshold(scores, int(n[0, 0]), cutoffs)
            continue
        order = np.argsort(-scores, axis=-1, kind="stable")  # NaN last; equal scores keep rep_id order
        low_n, top_n = _sizes(n, cutoffs)
        position = np.arange(columns.size, dtype=np.int64)[None, :]
        in_order = np.where(position < top_n, _TOP, np.where(position >= n - low_n, _LOW, _CORE))
        in_order = np.where(position < n, in_order, -1)
        placed = np.empty(scores.shape, dtype=np.int8)
        np.put_along_axis(placed, order, in_order, axis=-1)
        tiers[:, columns] = placed
    return tiers


def _tiers_by_threshold(scores: npt.NDArray[np.float64], n: int, cutoffs: Cutoffs) -> npt.NDArray[np.int8]:
    """The tiers :func:`_stacked_tiers` gives rows with ``n`` scored people each, without sorting them (#17: a
    stable sort of 50 × 8,000 scores with many ties took 30 ms a role).

    In the sorted order (score descending, then column: rep_id), the first ``top`` are top and those from
    position ``n − low`` on are low (of the scored: a score of −inf would sort among the unscored, so rows with
    one are sorted). A partition finds the score at each of those two positions; people on the right side of it
    are placed by score, those equal to it by their column's place among the equals.
    """
    low_n, top_n = (int(v[0]) for v in _sizes(np.array([n], dtype=np.int64), cutoffs))
    unscored = np.isnan(scores)
    key = np.where(unscored, np.inf, -scores)  # ascending key = the sorted order; unscored last (no score −inf)
    tiers = np.where(unscored, -1, _CORE).astype(np.int8)
    if top_n > 0:
        tiers[_first(key, top_n)] = _TOP
    if low_n > 0:
        ahead = _first(key, n - low_n) if n > low_n else np.zeros(key.shape, dtype=bool)
        tiers[~ahead & ~unscored] = _LOW
    return tiers


def _first(key: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.bool_]:
    """In each row, the first ``count`` of the order by ``key`` ascending, then column (0 < count ≤ row length)."""
    edge = np.partition(key, count - 1, axis=-1)[:, count - 1 : count]  # the key at position count − 1
    first: npt.NDArray[np.bool_] = key <= edge
    room = count - (key < edge).sum(axis=1)  # how many of the equal ones still fit
    over = np.flatnonzero(first.sum(axis=1) > count)  # rows where they do not all fit (ties at the edge)
    if over.size:
        equal = key[over] == edge[over]
        first[over] &= ~equal | (np.cumsum(equal, axis=1) <= room[over, None])
    return first


def _draw_blocks(count: npt.NDArray[np.int64], replicates: int, seed: int) -> Iterator[npt.NDArray[np.int64]]:
    """Each person's month draws, ``replicates`` rows of ``rng.integers(0, count)``, in blocks of replicates.

    The blocks together are the one draw of shape (replicates, len(count)) the seed gives: the same
    numbers as one ``integers`` call per replicate, so the same seed gives the same flags either way.
    """
    rng = np.random.default_rng(seed)
    step = max(1, _DRAWN_CELLS // max(count.size, 1))
    # Everyone with as many months (the usual window): one bound for all draws the same numbers as a bound per
    # slot, four times as fast (#17; a test holds numpy to it).
    high: int | npt.NDArray[np.int64] = int(count[0]) if count.size and bool((count == count[0]).all()) else count
    for begin in range(0, replicates, step):
        yield rng.integers(0, high, size=(min(step, replicates - begin), count.size))


def _resamples(
    records: pd.DataFrame, replicates: int, seed: int
) -> Iterator[tuple[pd.DataFrame, npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """The bootstrap's draws, block by block (see :func:`borderline`): the records with a fresh index, their rows
    ordered by person then month (the slots), and the row whose values fill each slot, shape (replicates in the
    block, slots). Nothing for no records."""
    if not len(records):
        return
    rows = records.reset_index(drop=True)
    person = _codes(rows["rep_id"])
    month = _codes(rows["period"].astype(str))
    order = np.lexsort((month, person))  # each person's months together, oldest first
    owner = person[order]
    counts = np.bincount(owner).astype(np.int64)
    first = (np.cumsum(counts) - counts)[owner]
    for block in _draw_blocks(counts[owner], replicates, seed):
        yield rows, order, order[first + block]


ReplicateTiers = list[tuple[pd.Index, npt.NDArray[np.int8]]]
"""The bootstrap's tiers, block by block: the people re-scored (rep_ids) and their tier code in each replicate of the
block, shape (replicates, people); -1 for no tier (see :func:`replicate_tiers`)."""


def replicate_tiers(
    records: pd.DataFrame,
    stacked: StackedScorer,
    cutoffs: Cutoffs,
    *,
    replicates: int = 50,
    seed: int = 0,
) -> ReplicateTiers:
    """Every bootstrap replicate's tiers, scored by ``stacked`` (see :func:`borderline` for the resampling).

    Needs no tiers of the window itself: :func:`segment` starts it before it has them, and compares with
    :func:`flip_share_of` when they are there (#17).

    Raises:
        ValueError: For invalid ``cutoffs`` or fewer than one replicate.
    """
    checked = _check_cutoffs(cutoffs)
    if replicates < 1:
        raise ValueError(_("The bootstrap needs at least one replicate."))
    out: ReplicateTiers = []
    for rows, order, drawn in _resamples(records, replicates, seed):
        draws = np.empty_like(drawn)
        draws[:, order] = drawn  # by row position: row order[j] takes the values of drawn[:, j]
        people, scores = stacked(rows, draws)
        # A stacked scorer gives its people sorted by rep_id: then their order is the rep_id codes, without
        # sorting 20,000 texts again for every block (checking the order is one pass).
        reps = people["rep_id"]
        in_order = reps.is_monotonic_increasing and reps.is_unique
        rep_codes = np.arange(len(people), dtype=np.int64) if in_order else _codes(reps)
        out.append((pd.Index(reps), _stacked_tiers(_codes(people["role"]), rep_codes, scores, checked)))
    return out


def flip_share_of(tiers: pd.DataFrame, replicated: ReplicateTiers) -> pd.Series:
    """Share of the replicates in which each person's tier differs from ``tiers`` (see :func:`flip_share`)."""
    rep_ids = pd.Index(tiers["rep_id"])
    base = _tier_codes(tiers, rep_ids)
    differ = np.zeros(len(rep_ids), dtype=np.int64)
    seen = np.zeros(len(rep_ids), dtype=np.int64)
    for people, codes in replicated:
        where = people.get_indexer(rep_ids)
        _tally(np.where(where >= 0, codes[:, where], -1), base, differ, seen)
    return _share(differ, seen, rep_ids)


_Codes = npt.NDArray[np.int64]


def _tally(again: _Codes, base: _Codes, differ: _Codes, seen: _Codes) -> None:
    """Count, per person, the replicates that tiered them and those whose tier differs from ``base``."""
    scored = (again >= 0) & (base >= 0)
    seen[:] += scored.sum(axis=0) if again.ndim == 2 else scored
    differ[:] += (scored & (again != base)).sum(axis=0) if again.ndim == 2 else scored & (again != base)


def _share(differ: npt.NDArray[np.int64], seen: npt.NDArray[np.int64], rep_ids: pd.Index) -> pd.Series:
    share = np.divide(differ, seen, out=np.zeros(len(rep_ids)), where=seen > 0)
    return pd.Series(share, index=rep_ids, name="flip_share")


def flip_share(
    records: pd.DataFrame,
    scorer: Scorer,
    tiers: pd.DataFrame,
    cutoffs: Cutoffs,
    *,
    replicates: int = 50,
    seed: int = 0,
    stacked: StackedScorer | None = None,
) -> pd.Series:
    """Share of bootstrap replicates in which each person's tier differs from ``tiers``.

    See :func:`borderline` for the resampling; this returns the share itself (0–1), for display.

    Returns:
        Float Series indexed by the rep_ids of ``tiers`` (in that order), named ``flip_share``;
        0 for people never re-scored.
    """
    if stacked is not None:
        return flip_share_of(tiers, replicate_tiers(records, stacked, cutoffs, replicates=replicates, seed=seed))
    checked = _check_cutoffs(cutoffs)
    if replicates < 1:
        raise ValueError(_("The bootstrap needs at least one replicate."))
    rep_ids = pd.Index(tiers["rep_id"])
    base = _tier_codes(tiers, rep_ids)
    differ = np.zeros(len(rep_ids), dtype=np.int64)
    seen = np.zeros(len(rep_ids), dtype=np.int64)
    for rows, order, drawn in _resamples(records, replicates, seed):
        slot_periods = rows["period"].to_numpy()[order]
        for one in drawn:
            sample = rows.take(one).reset_index(drop=True)
            sample["period"] = slot_periods  # values are resampled; each slot keeps its month
            _tally(_tier_codes(assign_tiers(scorer(sample), checked), rep_ids), base, differ, seen)
    return _share(differ, seen, rep_ids)


def borderline(
    records: pd.DataFrame,
    scorer: Scorer,
    tiers: pd.DataFrame,
    cutoffs: Cutoffs,
    *,
    replicates: int = 50,
    seed: int = 0,
    threshold: float = 0.2,
    stacked: StackedScorer | None = None,
) -> pd.Series:
    """Flag people whose tier depends on which months happened to be in the window.

    A bootstrap over months: each replicate draws, for every person independently, as many months
    as that person has in ``records``, with replacement, from that person's own months. Every
    replicate's draw comes from one ``integers`` call of shape (replicates, rows) — in blocks of
    replicates when that would exceed a few million rows, which gives the same numbers — and each
    resampled row keeps the month of the slot it fills, so window filters and month counts see the
    same months as before and only the monthly values change. Each resample is re-scored, tiers are
    re-assigned with the same ``cutoffs``, and each person's tier is compared with ``tiers``.

    With ``stacked`` (:func:`core.scoring.metrics.score_replicates` in the app) all replicates are
    scored and tiered in one vectorised pass with a replicate axis: no per-replicate table, no
    per-replicate call. Without it, each replicate's table is built and passed to ``scorer`` (one
    ``take``, one ``scorer`` call and one :func:`assign_tiers` per replicate), which suits any
    scorer and gives the same flags where both apply: the draws are the same for a seed.

    Cost: 20,000 people × 3 months × 50 replicates takes well under a second stacked, and a few
    seconds per-replicate with a groupby-sum scorer; pass only the months of the window being tiered.

    Args:
        records: Canonical records of the window that ``tiers`` was computed from (rep_id, period,
            role and the counts the scorer needs).
        scorer: Scores a table like ``records`` (all of it): rep_id, role, score out.
        tiers: Output of :func:`assign_tiers` for ``records`` (rep_id and tier are used).
        cutoffs: The cut-offs ``tiers`` was assigned with.
        replicates: Bootstrap replicates (≥ 1).
        seed: Seed of the random draw; the same seed gives the same flags.
        threshold: Flag when the tier differs in more than this share of replicates.
        stacked: Scores every replicate at once (see :data:`StackedScorer`); used instead of ``scorer``.

    Returns:
        Bool Series indexed by rep_id (the rep_ids of ``tiers``, in order), named ``borderline``.
    """
    share = flip_share(records, scorer, tiers, cutoffs, replicates=replicates, seed=seed, stacked=stacked)
    return (share > threshold).rename("borderline")


# --------------------------------------------------------------------------- windows over time


def window_ends(records: pd.DataFrame, *, window: int, windows: int = 3) -> list[str]:
    """The last months (``YYYY-MM``) of the last ``windows`` non-overlapping windows, newest first.

    Windows are ``window`` calendar months long and end at the latest month in ``records``:
    window 3, windows 3 with data up to 2026-12 gives 2026-12, 2026-09, 2026-06 (months 10–12,
    7–9 and 4–6).

    Raises:
        ValueError: When ``window`` or ``windows`` is below 1.
    """
    if window < 1 or windows < 1:
        raise ValueError(_("Windows must be at least one month long, and at least one window is needed."))
    months = month_indices(records["period"])
    if months.size == 0:
        return []
    latest = int(months.max())
    return [month_label(latest - i * window) for i in range(windows)]


def persistence(
    records: pd.DataFrame,
    scorer: WindowScorer,
    *,
    window: int,
    windows: int = 3,
    cutoffs: Cutoffs,
) -> pd.DataFrame:
    """Who is low again and again, not after one bad window.

    Looks at the last ``windows`` non-overlapping windows of ``window`` calendar months ending at
    the latest month (see :func:`window_ends`), scores each with ``scorer(records, end_period)`` and
    assigns tiers with ``cutoffs``. Windows without any records are skipped.

    The rule: ``persistent_low`` is True when the person is low in the current (latest) window AND
    low in at least :data:`PERSISTENT_MIN_LOW` (2) of the windows in which they were scored — the
    current one included. With three windows: low now and in at least one of the two before. A
    person scored in one window only is never persistent; someone low before but not now is not.

    Args:
        records: Canonical records, all months (the scorer picks each window's months).
        scorer: Scores the window ending at a month: (records, "YYYY-MM") → rep_id, role, score.
        window: Window length in calendar months.
        windows: How many windows to look back, the current one included.
        cutoffs: Cut-offs for the tiers in every window.

    Returns:
        One row per rep_id scored in any of the windows (sorted by rep_id, ``rep_id`` a column):
        ``low_windows`` (int), ``windows_seen`` (int), ``persistent_low`` (bool), and the window before
        the current one: ``previous_tier`` (None when not scored there) and ``previous_near_low`` (bool:
        low there, or in the core less than :data:`NEAR_LOW_POINTS` percentile points above the low
        cut-off — a coach should not have been there, see :mod:`core.coaching.chains`).
    """
    checked = _check_cutoffs(cutoffs)
    ends = window_ends(records, window=window, windows=windows)
    months = month_indices(records["period"])
    frames: list[pd.DataFrame | None] = []
    for end in ends:
        last = month_index(end)
        scored = scorer(records, end) if ((months > last - window) & (months <= last)).any() else None
        if scored is not None:
            _check_scored(scored)
        frames.append(scored)
    rep_ids, scores = _as_codes(frames)
    return persistence_of(scores, rep_ids, checked)


@dataclass(frozen=True)
class WindowScores:
    """One window's (or month's) scores as arrays, for :func:`persistence_of` and :func:`trend_of` (#17: the
    history ranks codes, not texts).

    Attributes:
        person: Each person's code, a row of the sorted rep_ids: the same in every window, and in rep_id order
            (the tie-break of :func:`assign_tiers`).
        role: Role codes, any integers (one per role).
        score: NaN for unscored.
    """

    person: npt.NDArray[np.int64]
    role: npt.NDArray[np.int64]
    score: npt.NDArray[np.float64]


def _as_codes(frames: Sequence[pd.DataFrame | None]) -> tuple[npt.NDArray[np.object_], list[WindowScores | None]]:
    """Scorers' tables (rep_id, role, score; None: no records) as :class:`WindowScores` into the sorted rep_ids."""
    present = [frame for frame in frames if frame is not None]
    everyone = (
        np.concatenate([frame["rep_id"].to_numpy(dtype=object) for frame in present])
        if present
        else np.empty(0, dtype=object)
    )
    codes, uniques = pd.factorize(everyone, sort=True)
    out: list[WindowScores | None] = []
    start = 0
    for frame in frames:
        if frame is None:
            out.append(None)
            continue
        person = np.asarray(codes[start : start + len(frame)], dtype=np.int64)
        start += len(frame)
        out.append(WindowScores(person, _codes(frame["role"]), _scores(frame)))
    return np.asarray(uniques, dtype=object), out


def persistence_of(
    scores: Sequence[WindowScores | None], rep_ids: npt.NDArray[np.object_], cutoffs: Cutoffs
) -> pd.DataFrame:
    """:func:`persistence`'s table from each window's scores, newest window first (None: a window without records);
    ``person`` codes are rows of ``rep_ids`` (sorted)."""
    checked = _check_cutoffs(cutoffs)
    size = len(rep_ids)
    seen = np.zeros(size, dtype=np.int64)
    low_windows = np.zeros(size, dtype=np.int64)
    current_low = np.zeros(size, dtype=bool)
    previous_tier = np.full(size, -1, dtype=np.int64)
    previous_near_low = np.zeros(size, dtype=bool)
    for i, window in enumerate(scores):
        if window is None:
            continue
        ranked = _rank(window.role, window.person, window.score, checked)
        kept = ranked.tier >= 0
        person, tier = window.person[kept], ranked.tier[kept]
        low = tier == _LOW
        seen[person] += 1  # a person once per window
        low_windows[person] += low
        if i == 0:
            current_low[person[low]] = True
        if i == 1:
            previous_tier[person] = tier
            previous_near_low[person] = low | (ranked.percentile[kept] < checked[0] + NEAR_LOW_POINTS)
    rows = np.flatnonzero(seen)
    previous = np.full(rows.size, None, dtype=object)
    had = previous_tier[rows] >= 0
    previous[had] = _TIER_NAMES[previous_tier[rows][had]]
    return pd.DataFrame(
        {
            "rep_id": pd.Series(rep_ids[rows], dtype=object),
            "low_windows": low_windows[rows],
            "windows_seen": seen[rows],
            "persistent_low": current_low[rows] & (low_windows[rows] >= PERSISTENT_MIN_LOW),
            "previous_tier": pd.Series(previous, dtype=object),
            "previous_near_low": previous_near_low[rows],
        }
    )


def _month_labels(records: pd.DataFrame, months: int) -> list[str]:
    if months < 1:
        raise ValueError(_("Look at least one month back."))
    numbers = month_indices(records["period"])
    if numbers.size == 0:
        return []
    return last_months(month_label(int(numbers.max())), months)


@dataclass(frozen=True)
class _Month:
    """One month of :func:`score_history`: its scored people (those with a score), their score and percentile."""

    scored: pd.DataFrame
    keep: npt.NDArray[np.bool_]
    rep_ids: npt.NDArray[np.object_]
    score: npt.NDArray[np.float64]
    percentile: npt.NDArray[np.float64]


def _month_frames(records: pd.DataFrame, scorer: WindowScorer, months: int) -> list[tuple[str, pd.DataFrame | None]]:
    """Each of the last ``months`` calendar months, oldest first, with the scorer's table (None: no records)."""
    present = set(month_indices(records["period"]).tolist())
    return [
        (label, scorer(records, label) if month_index(label) in present else None)
        for label in _month_labels(records, months)
    ]


def _monthly(records: pd.DataFrame, scorer: WindowScorer, months: int) -> list[tuple[str, _Month | None]]:
    """Each of the last ``months`` calendar months, oldest first, scored alone (None: no records that month)."""
    out: list[tuple[str, _Month | None]] = []
    for label, scored in _month_frames(records, scorer, months):
        if scored is None:
            out.append((label, None))
            continue
        score = _scores(scored)
        keep = ~np.isnan(score)
        role = _codes(scored["role"])[keep]
        rep_ids = np.asarray(scored["rep_id"].to_numpy()[keep])
        out.append((label, _Month(scored, keep, rep_ids, score[keep], _percentile(role, score[keep]))))
    return out


def score_history(
    records: pd.DataFrame, scorer: WindowScorer, *, months: int = 6, columns: Sequence[str] = ()
) -> pd.DataFrame:
    """Each person's score and percentile within role, month by month, over the last ``months`` months.

    Calls ``scorer(records, period)`` once per calendar month (the scorer should use a one-month
    window); months without records are skipped. The percentile is the same mid-rank percentile
    within role as :func:`assign_tiers` gives (0 = worst, 100 = best).

    Args:
        records: Canonical records, all months.
        scorer: Scores the window ending at a month: (records, "YYYY-MM") → rep_id, role, score.
        months: Calendar months to look back, ending at the latest month in ``records``.
        columns: Further columns of the scorer's output to carry along (e.g. ``close_rate_pct``).

    Returns:
        Long form, one row per person and scored month, oldest month first: ``rep_id``, ``period``
        (``YYYY-MM``), ``score``, ``percentile``, then ``columns``.
    """
    parts = [
        pd.DataFrame(
            {
                "rep_id": part.rep_ids,
                "period": label,
                "score": part.score,
                "percentile": part.percentile,
                **{c: part.scored[c].to_numpy()[part.keep] for c in columns},
            }
        )
        for label, part in _monthly(records, scorer, months)
        if part is not None
    ]
    return _long_history(parts, columns)


def _long_history(parts: Sequence[pd.DataFrame], columns: Sequence[str] = ()) -> pd.DataFrame:
    """The months' tables of :func:`score_history` one below the other (typed columns when there are none)."""
    if not parts:
        return pd.DataFrame(
            {
                "rep_id": pd.Series([], dtype=object),
                "period": pd.Series([], dtype="str"),
                "score": pd.Series([], dtype=np.float64),
                "percentile": pd.Series([], dtype=np.float64),
                **{c: pd.Series([], dtype=np.float64) for c in columns},
            }
        )
    return pd.concat(parts, ignore_index=True)


def history_of(
    labels: Sequence[str], scores: Sequence[WindowScores | None], rep_ids: npt.NDArray[np.object_]
) -> pd.DataFrame:
    """:func:`score_history`'s table from each month's scores (``labels``, oldest first; None: a month without
    records); ``person`` codes are rows of ``rep_ids`` (sorted). A month's people are in the order of
    :func:`core.scoring.metrics.score_only`: role, score descending, rep_id — as a scorer gives them."""
    parts = []
    for label, month in zip(labels, scores, strict=True):
        if month is None:
            continue
        keep = np.flatnonzero(~np.isnan(month.score))
        kept = keep[np.lexsort((month.person[keep], -month.score[keep], month.role[keep]))]
        parts.append(
            pd.DataFrame(
                {
                    "rep_id": rep_ids[month.person[kept]],
                    "period": label,
                    "score": month.score[kept],
                    "percentile": _percentile(month.role[kept], month.score[kept]),
                }
            )
        )
    return _long_history(parts)


def trend(records: pd.DataFrame, scorer: WindowScorer, *, months: int = 6) -> pd.DataFrame:
    """Is each person climbing or sliding within their role, month by month?

    The monthly percentiles of :func:`score_history` are fitted by least squares against the
    calendar month (gaps keep their place on the axis), all people at once. The rule:
    "improving" when the slope is ≥ +:data:`TREND_SLOPE` (3) percentile points per month,
    "declining" when ≤ −3 — in both cases only when the slope is also at least :data:`TREND_T` (2)
    times its standard error, i.e. clear of the month-to-month noise — "stable" otherwise, and
    "n/a" with fewer than :data:`TREND_MIN_MONTHS` (3) scored months (slope then NaN).

    Args:
        records: Canonical records, all months.
        scorer: Scores the window ending at a month; called with each single month.
        months: Calendar months to look back, ending at the latest month in ``records``.

    Returns:
        One row per rep_id scored in any of those months (sorted by rep_id, ``rep_id`` a column):
        one column per month (``YYYY-MM``, oldest first) with the percentile (NaN when not scored),
        ``months_scored`` (int), ``slope`` (percentile points per month) and ``trend``.
    """
    monthly = _month_frames(records, scorer, months)
    rep_ids, scores = _as_codes([frame for _label, frame in monthly])
    return trend_of([label for label, _frame in monthly], scores, rep_ids)


def trend_of(
    labels: Sequence[str], scores: Sequence[WindowScores | None], rep_ids: npt.NDArray[np.object_]
) -> pd.DataFrame:
    """:func:`trend`'s table from each month's scores (``labels``, oldest first; None: a month without records);
    ``person`` codes are rows of ``rep_ids`` (sorted)."""
    # One row per person, one column per month: each person has one percentile a month.
    y = np.full((len(rep_ids), len(labels)), np.nan)
    for k, month in enumerate(scores):
        if month is not None:
            keep = ~np.isnan(month.score)
            y[month.person[keep], k] = _percentile(month.role[keep], month.score[keep])
    rows = np.flatnonzero((~np.isnan(y)).any(axis=1))  # scored in any of the months
    y = y[rows]
    seen = ~np.isnan(y)
    x = np.broadcast_to(np.arange(len(labels), dtype=np.float64), y.shape)
    n = seen.sum(axis=1).astype(np.float64)
    sx = np.where(seen, x, 0.0).sum(axis=1)
    sy = np.where(seen, y, 0.0).sum(axis=1)
    sxx = np.where(seen, x * x, 0.0).sum(axis=1)
    sxy = np.where(seen, x * y, 0.0).sum(axis=1)
    denominator = n * sxx - sx * sx
    enough = (n >= TREND_MIN_MONTHS) & (denominator > 0)
    slope = np.divide(n * sxy - sx * sy, denominator, out=np.full(n.shape, np.nan), where=enough)
    # Clear of the noise: the slope must be at least TREND_T times its own standard error, so a
    # person whose single months jump around is "stable", not "improving" by accident.
    syy = np.where(seen, y * y, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sxx_c = sxx - sx * sx / n
        syy_c = syy - sy * sy / n
        ssr = np.maximum(syy_c - slope * slope * sxx_c, 0.0)
        stderr = np.sqrt(ssr / np.maximum(n - 2, 1) / sxx_c)
        clear = np.abs(slope) >= TREND_T * stderr
    label = np.select(
        [
            ~enough,
            (slope >= TREND_SLOPE - _SLOPE_TOLERANCE) & clear,
            (slope <= -TREND_SLOPE + _SLOPE_TOLERANCE) & clear,
        ],
        ["n/a", "improving", "declining"],
        default="stable",
    )
    out = pd.DataFrame(y, columns=list(labels))
    out.insert(0, "rep_id", np.asarray(rep_ids[rows], dtype=object))
    out["months_scored"] = n.astype(np.int64)
    out["slope"] = slope
    out["trend"] = pd.Series(label, dtype="str")
    return out
