"""Segmentation: scores, tiers within each role, their flags, and the manager's overrides — explained.

This is the main job behind the Segmentation page and ``python -m core segment``:
records in, one row per person out, with everything a person needs to review a tier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import N_, _, current, ngettext
from core.months import last_months, month_codes, month_indices, month_label, window_periods
from core.schema import ROLES, role_name
from core.scoring.metrics import (
    METRICS,
    SCORING_COLUMNS,
    MetricSpec,
    RecordIndex,
    format_value,
    index_records,
    metric_name,
    metric_refs,
    metrics_with_values,
    number_text,
    role_codes,
    role_medians,
    score_only,
    score_people,
    score_replicates,
    score_window_codes,
    scored_on,
    signed_text,
    weights_text,
)
from core.scoring.tiers import (
    PRESETS,
    Cutoffs,
    ReplicateTiers,
    WindowScores,
    assign_tiers,
    flip_share_of,
    history_of,
    persistence_of,
    replicate_tiers,
    score_history,
    tier_name,
    trend_name,
    trend_of,
)

IDENTITY = ["rep_id", "name", "role", "team", "region", "manager", "coach_willing"]


@dataclass(frozen=True)
class SegmentSettings:
    """What the manager chose: window, cut-offs, weights, and how hard to look for uncertainty."""

    window: int | None = 3  # months summed for the scores; None = all months
    cutoffs: Cutoffs = PRESETS["10/60/30"]
    weights: Mapping[str, float] = field(default_factory=dict)  # metric id -> weight; missing = default
    replicates: int = 50  # bootstrap replicates for the borderline flag; 0 switches it off
    # Borderline when re-drawing the person's months puts them in another tier in more than a third
    # of the replicates. (At 20% nearly half of a 3-month demo team was flagged: too many to act on.)
    borderline_share: float = 1 / 3
    history: int = 3  # non-overlapping windows looked at for persistence
    trend_months: int = 6  # single months looked at for the trend; 0: no trend (every trend "n/a")
    seed: int = 0
    # A latest month with far fewer people than the month before (a stray row, a month still being
    # filled in) would shift everyone's window; by default the window ends at the last complete month.
    include_incomplete: bool = False

    def key(self) -> tuple[object, ...]:
        """A hashable key for caches."""
        return (
            self.window,
            self.cutoffs,
            tuple(sorted(self.weights.items())),
            self.replicates,
            self.borderline_share,
            self.history,
            self.trend_months,
            self.seed,
            self.include_incomplete,
        )


def _weights(settings: SegmentSettings) -> dict[str, float] | None:
    return dict(settings.weights) if settings.weights else None


Months = tuple[npt.NDArray[np.int64], list[str]]
"""A table's :func:`core.months.month_codes`: each row's month as a position in the distinct months, and those."""


INCOMPLETE_SHARE = 0.5
"""A latest month holding fewer than this share of the month before's people counts as incomplete."""


def incomplete_months(
    records: pd.DataFrame, *, share: float = INCOMPLETE_SHARE, months: Months | None = None
) -> list[str]:
    """The trailing months that look incomplete: fewer than ``share`` of the people of the months before.

    One stray row for a later month would otherwise make that month the end of everyone's window and
    drop people off the scores (and off HR's list). The first month is never incomplete.

    Returns:
        The incomplete months, ascending (empty when the latest month is complete). ``months``: the records'
        :func:`core.months.month_codes`, when known.
    """
    if records.empty:
        return []
    codes, texts = month_codes(records["period"]) if months is None else months  # a blank is −1: in no month
    if not texts:
        return []
    labels = np.array(texts, dtype=object)
    order = np.argsort(labels, kind="stable")  # the months in order (YYYY-MM sorts as text)
    in_order = labels[order]
    rows = np.bincount(codes[codes >= 0], minlength=len(texts))[order].tolist()
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))  # each month's position in that order
    rep_ids = records["rep_id"].to_numpy(dtype=object)
    if len(rows) > 1:
        # A month's people are at most its rows: when the latest month's people reach the share of the rows of the
        # months it is compared with, it is complete — its people counted alone, not every month's (#17: the
        # distinct people of 458,000 rows took 50 ms, twice a command).
        latest = pd.Series(rep_ids[codes == order[-1]]).nunique()  # a blank rep_id is nobody
        if latest >= share * max(rows[max(0, len(rows) - 4) : -1]):
            return []
    kept = (codes >= 0) & pd.notna(rep_ids)
    pairs = pd.DataFrame({"month": place[codes[kept]], "rep_id": rep_ids[kept]}).drop_duplicates()
    counts = np.bincount(pairs["month"].to_numpy(), minlength=len(in_order)).tolist()
    cut = len(counts)
    # Compared with the fullest of the three months before it, so two stray months in a row both count.
    while cut > 1 and counts[cut - 1] < share * max(counts[max(0, cut - 4) : cut - 1]):
        cut -= 1
    return [str(p) for p in in_order[cut:]]


def incomplete_note(records: pd.DataFrame, settings: SegmentSettings, *, months: Months | None = None) -> str:
    """One sentence for the reader when the latest month looks incomplete ("" when it does not); ``months``: the
    records' :func:`core.months.month_codes`, when known."""
    dropped = incomplete_months(records, months=months)
    if not dropped:
        return ""
    people = records.groupby("period")["rep_id"].nunique()
    complete = str(sorted(set(records["period"].astype(str)) - set(dropped))[-1])
    first = dropped[0]
    count = int(people[first])
    held = ngettext("{n} person", "{n} people", count).format(n=number_text(count))
    values = {
        "month": _month(first),
        "held": held,
        "count": number_text(int(people[complete])),
        "complete": _month(complete),
    }
    if settings.include_incomplete:
        return _(
            "{month} holds {held} against {count} in {complete} and looks incomplete; it is included in the "
            "window as you chose."
        ).format(**values)
    return _(
        "{month} holds {held} against {count} in {complete} and looks incomplete, so the window ends at "
        "{complete}; include it if the month is complete."
    ).format(**values)


def _month(period: str) -> str:
    """A ``YYYY-MM`` month in a sentence: as it is in English (as always), with its name in German and Dutch."""
    lang = current().language
    if lang == "en":
        return period
    from core.i18n.formats import format_month

    return format_month(period, lang)


def complete_records(records: pd.DataFrame, settings: SegmentSettings) -> pd.DataFrame:
    """The records the tiers are made from: without incomplete trailing months unless the settings include them."""
    return _complete(records, settings, month_codes(records["period"]))[0]


def _complete(records: pd.DataFrame, settings: SegmentSettings, months: Months) -> tuple[pd.DataFrame, Months]:
    """:func:`complete_records` and its months, from the records' months (read once by :func:`segment`)."""
    if settings.include_incomplete:
        return records, months
    dropped = set(incomplete_months(records, months=months))
    if not dropped:
        return records, months
    codes, labels = months
    kept = np.array([label not in dropped for label in labels] + [True], dtype=bool)[codes]  # a blank one stays
    return records[kept], month_codes(records.loc[kept, "period"])


def segment(
    records: pd.DataFrame,
    settings: SegmentSettings | None = None,
    overrides: pd.DataFrame | None = None,
    *,
    processes: Executor | None = None,
    months: Months | None = None,
) -> pd.DataFrame:
    """Score every person within their role, assign tiers, flag what deserves a second look.

    Args:
        records: Canonical records (one row per person and month).
        settings: Window, cut-offs, weights and flag settings.
        overrides: Overrides in force (rep_id, tier, reason, changed_by, created_at), or None.
        processes: A process pool (:func:`core.forked.worker`, the command line's) that runs the borderline
            bootstrap instead of a thread: the same flags, beside this process's work instead of taking turns.
        months: The records' :func:`core.months.month_codes`, when the caller has them already.

    Returns:
        One row per person active in the window: identity, ``months``, per metric the adjusted
        value, raw value and percentile, ``score`` (0–100 within role), ``percentile``, ``rank``,
        ``tier_computed``, ``tier`` (after any override), override details, and the flags
        ``borderline``, ``tie_at_boundary``, ``small_sample``, ``meaningful``, ``low_windows``,
        ``persistent_low``, ``trend`` and a readable ``flags`` summary; ``scored_on``, the role's
        metrics and their shares of the score in the ``--weights`` syntax (e.g.
        ``close_rate=0.6;revenue_per_month=0.4`` for AEs without a quota; see :func:`scored_on`).
    """
    settings = settings or SegmentSettings()
    weights = _weights(settings)
    if records.empty:
        raise ValueError(_("There are no rows to segment."))
    records, months = _complete(records, settings, month_codes(records["period"]) if months is None else months)
    # The bootstrap behind the borderline flag (about half of the work) runs beside the rest: on a thread of its
    # own — numpy lets go of the interpreter in its sorts, takes and sums, so they overlap (#17) — or, partly as
    # many small steps hold it, in the command line's forked process. It needs no tiers until the end (it makes
    # its own copy of the window's rows). The earlier windows and months are scored here, after the window:
    # on a second thread they took turns with this one for the interpreter, and they reuse the window's scores.
    with ThreadPoolExecutor(max_workers=1) as aside:
        replicated: Future[ReplicateTiers] | None = None
        if settings.replicates > 0 and processes is not None:  # sent across: the window's rows only
            replicated = processes.submit(_replicate_tiers, _window_records(records, settings, months), settings)
        elif settings.replicates > 0:
            replicated = aside.submit(copy_context().run, _replicate_tiers, records, settings, months)
        # One index for every window scored below (main, persistence, trend): people and months sorted once.
        index = index_records(records, months=months)
        scored = score_people(index, window=settings.window, weights=weights)
        if scored.empty:
            raise ValueError(_("Nobody has activity in the chosen window; choose a longer window."))
        history = _history(index, settings, scored)
        tiers = assign_tiers(scored, settings.cutoffs)
        used = {role: weights_text(shares) for role, shares in scored_on(scored, weights).items()}
        tiers["scored_on"] = tiers["role"].map(used)
        place = len(tiers.columns)  # the flag's column comes before the history's
        tiers = _with_history(tiers, history)
        flagged: pd.Series | bool = False
        if replicated is not None:  # the window's tiers against each replicate's (borderline)
            share = flip_share_of(tiers, _bootstrap_result(replicated, records, settings))
            flagged = tiers["rep_id"].map(share > settings.borderline_share).fillna(False).astype(bool)
    tiers.insert(place, "borderline", flagged)
    return apply_overrides(tiers, overrides)


def _bootstrap_result(
    replicated: Future[ReplicateTiers], records: pd.DataFrame, settings: SegmentSettings
) -> ReplicateTiers:
    """The bootstrap's result; computed here after all when the worker process died before giving it (killed, out
    of memory): the flags are the same either way. An error of the bootstrap itself is raised as it is."""
    try:
        return replicated.result()
    except BrokenExecutor:
        return _replicate_tiers(records, settings)


def _window_records(records: pd.DataFrame, settings: SegmentSettings, months: Months) -> pd.DataFrame:
    """The rows and columns of ``records`` the bootstrap of the settings' window reads (sent to its process)."""
    return records.loc[_in_window(records, settings, months), [c for c in SCORING_COLUMNS if c in records.columns]]


def _in_window(records: pd.DataFrame, settings: SegmentSettings, months: Months | None = None) -> npt.NDArray[np.bool_]:
    """Which rows of ``records`` lie in the settings' window (``months``: its :func:`month_codes`, when known)."""
    codes, labels = month_codes(records["period"]) if months is None else months  # a blank is −1: in no window
    chosen = set(window_periods(labels, settings.window))
    inside = np.array([label in chosen for label in labels] + [False], dtype=bool)
    return inside[codes]


def _replicate_tiers(records: pd.DataFrame, settings: SegmentSettings, months: Months | None = None) -> ReplicateTiers:
    """The borderline bootstrap's tiers of the window's people (:func:`borderline`), every replicate scored in one
    pass with a replicate axis (#17: was 50 separate re-scorings). The same for :func:`_window_records`; ``months``:
    the records' :func:`month_codes`, when known."""
    weights = _weights(settings)
    return replicate_tiers(
        records[_in_window(records, settings, months)],
        lambda recs, draws: score_replicates(recs, draws, weights=weights),
        settings.cutoffs,
        replicates=settings.replicates,
        seed=settings.seed,
    )


def _history(
    index: RecordIndex, settings: SegmentSettings, current: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The earlier windows (:func:`persistence`) and the trend (:func:`trend`; None when none is asked for).

    ``current``: the window's own scores, :func:`score_people` of ``settings.window`` on ``index``.
    The windows and months are scored together (:func:`score_window_codes`) and ranked as codes, people as
    numbers into ``index.rep_ids``: their texts are looked at once, in the tables returned (#17).
    """
    months = window_periods(index.labels, settings.window)
    window_len = settings.window or len(months)
    windows = settings.history if settings.window else 1
    latest = _latest(index)
    ends = [month_label(latest - i * window_len) for i in range(windows)]
    singles = last_months(month_label(latest), settings.trend_months) if settings.trend_months > 0 else []
    asked = [(window_len, end) for end in ends] + [(1, label) for label in singles]
    # The current window is the one just scored (a window of every month is not: with gaps in the months, the
    # calendar months it stands for here are fewer).
    known = {(window_len, ends[0]): _codes_of(index, current)} if settings.window else {}
    unique = [w for w in dict.fromkeys(asked) if w not in known]
    weights = _weights(settings)
    fresh = [WindowScores(*codes) for codes in score_window_codes(index, unique, weights=weights)]
    scored = {**known, **dict(zip(unique, fresh, strict=True))}
    persist = persistence_of([scored[(window_len, end)] for end in ends], index.rep_ids, settings.cutoffs)
    if settings.trend_months <= 0:
        return persist, None
    return persist, trend_of(singles, [scored[(1, label)] for label in singles], index.rep_ids)


def _codes_of(index: RecordIndex, scored: pd.DataFrame) -> WindowScores:
    """:func:`score_people`'s table as codes: person numbers into ``index.rep_ids``, roles as positions in ROLES."""
    person = pd.Index(index.rep_ids).get_indexer(pd.Index(scored["rep_id"], dtype=object))
    role = role_codes(scored["role"].to_numpy(dtype=object))
    return WindowScores(person.astype(np.int64), role, scored["score"].to_numpy(dtype=np.float64))


def _with_history(tiers: pd.DataFrame, history: tuple[pd.DataFrame, pd.DataFrame | None]) -> pd.DataFrame:
    """``tiers`` with the earlier windows (``low_windows``, ``persistent_low`` …) and the trend (:func:`_history`)."""
    persist, trends = history
    tiers = _joined(tiers, persist)
    if trends is not None:
        tiers = _joined(tiers, trends[["rep_id", "slope", "trend"]])
    else:  # asked for none (the chains command: pairs do not look at trends)
        tiers["slope"] = np.nan
        tiers["trend"] = "n/a"
    tiers["trend"] = tiers["trend"].fillna("n/a")
    tiers["low_windows"] = tiers["low_windows"].fillna(0).astype(int)
    tiers["windows_seen"] = tiers["windows_seen"].fillna(0).astype(int)
    tiers["persistent_low"] = tiers["persistent_low"].fillna(False).astype(bool)
    return tiers


def _joined(tiers: pd.DataFrame, per_person: pd.DataFrame) -> pd.DataFrame:
    """``tiers.merge(per_person, on="rep_id", how="left")`` for a ``per_person`` with each rep_id once, the same
    columns and types: its rows looked up by rep_id (#17: the two merges on 20,000 texts took 40 ms)."""
    found = per_person.set_index("rep_id").reindex(pd.Index(tiers["rep_id"], dtype=object))
    out = tiers.reset_index(drop=True)
    if out["rep_id"].dtype != per_person["rep_id"].dtype:  # merge keeps the keys in the type both fit in
        out["rep_id"] = out["rep_id"].astype(object)
    for column in found.columns:
        out[column] = found[column].set_axis(out.index)
    return out


def monthly_history(
    records: pd.DataFrame, settings: SegmentSettings | None = None, *, months: int = 12
) -> pd.DataFrame:
    """Each person's score and percentile within role, month by month (single-month windows).

    Returns:
        Long form: rep_id, period, score, percentile — for trend charts and HR briefs.
    """
    weights = _weights(settings or SegmentSettings())
    # Only the last ``months`` months are scored, each on its own: older rows are left out before indexing.
    numbers = month_indices(records["period"])
    if numbers.size and months > 0:
        recent = numbers > numbers.max() - months
        records = records if recent.all() else records[recent]
    index = index_records(records)
    if not index.labels or months < 1:  # as score_history: nothing to show, or a sentence for no months
        return score_history(records, lambda _recs, end: score_only(index, window=1, end=end), months=months)
    labels = [m for m in last_months(month_label(_latest(index)), months) if m in set(index.labels)]
    # Each month scored alone, all in one pass, and ranked as codes (#17: the texts only in the table returned).
    scores = score_window_codes(index, [(1, label) for label in labels], weights=weights)
    return history_of(labels, [WindowScores(*codes) for codes in scores], index.rep_ids)


def _latest(index: RecordIndex) -> int:
    """The number of the latest month in the records (0 for none: no window then has rows)."""
    return int(month_indices(index.labels).max()) if index.labels else 0


def apply_overrides(segmented: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """Put overrides in force: ``tier`` becomes the override, ``tier_computed`` keeps the computed one."""
    out = segmented.copy()
    if "tier_computed" not in out.columns:
        out["tier_computed"] = out["tier"]
    out["tier"] = out["tier_computed"]
    for column in ("override_tier", "override_reason", "override_by", "override_at"):
        out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if overrides is not None and not overrides.empty:
        latest = overrides.drop_duplicates("rep_id", keep="first").set_index("rep_id")
        hit = out["rep_id"].isin(latest.index)
        reps = out.loc[hit, "rep_id"]
        out.loc[hit, "override_tier"] = reps.map(latest["tier"]).to_numpy()
        out.loc[hit, "override_reason"] = reps.map(latest["reason"]).to_numpy()
        out.loc[hit, "override_by"] = reps.map(latest["changed_by"]).to_numpy()
        out.loc[hit, "override_at"] = reps.map(latest["created_at"]).astype(str).to_numpy()
        out.loc[hit, "tier"] = out.loc[hit, "override_tier"]
    out["overridden"] = out["override_tier"].notna()
    out["flags"] = _flag_text(out)
    return out


def _flag_text(frame: pd.DataFrame) -> pd.Series:
    """The flags each person carries, as one readable text: "borderline, tie at cut-off" ("" for none).

    Over everyone at once (a row-by-row apply took 1.6 s of 4 for 20,000 people, #17).
    """
    flags = [
        ("overridden", frame["overridden"].to_numpy(dtype=bool)),
        ("borderline", frame["borderline"].to_numpy(dtype=bool)),
        ("tie at cut-off", frame["tie_at_boundary"].to_numpy(dtype=bool)),  # i18n: data (flag codes, see FLAG_WORDS)
        ("persistent low", frame["persistent_low"].to_numpy(dtype=bool)),
        ("improving", (frame["trend"] == "improving").to_numpy(dtype=bool)),
        ("declining", (frame["trend"] == "declining").to_numpy(dtype=bool)),
        ("small sample", frame["small_sample"].to_numpy(dtype=bool)),
        ("role too small", ~frame["meaningful"].astype(bool).to_numpy(dtype=bool)),  # i18n: data
    ]
    # Each person's flags as one number, each combination's text written once (the texts of 20,000 people took
    # 25 ms as columns of texts joined, #17).
    number = np.zeros(len(frame), dtype=np.int64)
    for bit, (_word, carried) in enumerate(flags):
        number |= carried.astype(np.int64) << bit
    combinations = np.unique(number)
    texts = np.array(
        [", ".join(word for bit, (word, _carried) in enumerate(flags) if c >> bit & 1) for c in combinations.tolist()],
        dtype=object,
    )
    return pd.Series(texts[np.searchsorted(combinations, number)], index=frame.index, dtype=str)


def tier_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """Head count per role and tier (after overrides), roles in SDR, AE, AM order."""
    table = pd.crosstab(segmented["role"], segmented["tier"]).reindex(
        index=[r for r in ROLES if r in set(segmented["role"])], columns=["low", "core", "top"], fill_value=0
    )
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table


def explain(person: pd.Series, medians: pd.DataFrame, role_size: int) -> list[str]:
    """Say in plain words why a person has their tier: percentile, and each metric against the role median.

    Args:
        person: One row of :func:`segment`.
        medians: :func:`core.scoring.metrics.role_medians` of the same segmentation.
        role_size: How many people the role has in this segmentation.

    Returns:
        Sentences, the first about the tier, then one per metric.
    """
    role = str(person["role"])
    lines = [
        _(
            "{name} is in the **{tier}** tier: score {score} of 100, percentile {percentile} among {n} {role}s "
            "(rank {rank})."
        ).format(
            name=person["name"],
            tier=tier_name(person["tier"]),
            score=number_text(float(person["score"]), grouped=False),
            percentile=number_text(float(person["percentile"]), grouped=False),
            n=number_text(role_size, grouped=False),
            role=role_name(role),
            rank=number_text(int(person["rank"]), grouped=False),
        )
    ]
    if person.get("overridden"):
        lines.append(
            _("Tier set by {by} (computed: {computed}): {reason}").format(
                by=person["override_by"], computed=tier_name(person["tier_computed"]), reason=person["override_reason"]
            )
        )
    for spec in metrics_with_values(medians, role):
        lines.append(_metric_line(person, spec, *metric_refs(medians, role, spec.id)))
    if person.get("borderline"):
        lines.append(_("Borderline: with other months drawn, the tier often changes — review before acting."))
    if person.get("persistent_low"):
        lines.append(
            _("Persistent: low in {low} of the last {seen} windows.").format(
                low=number_text(int(person["low_windows"])), seen=number_text(int(person["windows_seen"]))
            )
        )
    if person.get("trend") in ("improving", "declining"):
        lines.append(
            _("Trend: {trend} ({slope} percentile points per month).").format(
                trend=trend_name(person["trend"]), slope=signed_text(float(person["slope"]))
            )
        )
    if not person.get("meaningful", True):
        lines.append(_("Fewer than 5 people share this role: the tier is not meaningful."))
    return lines


def _metric_line(person: pd.Series, spec: MetricSpec, median: float, top_quartile: float) -> str:
    """One metric of a person against the role's median and top quartile, for :func:`explain`."""
    value = person.get(f"{spec.id}_raw")
    adjusted = person.get(spec.id)
    raw_value = float(value) if value is not None and not pd.isna(value) else float("nan")
    shrink = ""
    adjusted_value = float(adjusted) if adjusted is not None and not pd.isna(adjusted) else float("nan")
    if not pd.isna(raw_value) and not pd.isna(adjusted_value) and abs(raw_value - adjusted_value) > 1e-9:
        shrink = _("; adjusted for sample size: {value}").format(value=format_value(spec, adjusted_value))
    pct = person.get(f"{spec.id}_pct")
    pct_text = (
        _("percentile {value}").format(value=number_text(float(pct), grouped=False))
        if pct is not None and not pd.isna(pct)
        else _("no percentile")
    )
    if raw_value > median:
        sentence = _(
            "{metric}: {value} — above the role median of {median}; top quartile from {top_quartile} "
            "({percentile}{adjusted})."
        )
    elif raw_value < median:
        sentence = _(
            "{metric}: {value} — below the role median of {median}; top quartile from {top_quartile} "
            "({percentile}{adjusted})."
        )
    else:
        sentence = _(
            "{metric}: {value} — at the role median of {median}; top quartile from {top_quartile} "
            "({percentile}{adjusted})."
        )
    return sentence.format(
        metric=metric_name(spec.label),
        value=format_value(spec, raw_value),
        median=format_value(spec, median),
        top_quartile=format_value(spec, top_quartile),
        percentile=pct_text,
        adjusted=shrink,
    )


EXPORT_COLUMNS = [
    "rep_id",
    "name",
    "role",
    "team",
    "region",
    "manager",
    "score",
    "percentile",
    "rank",
    "tier",
    "tier_computed",
    "scored_on",
    "borderline",
    "tie_at_boundary",
    "persistent_low",
    "low_windows",
    "trend",
    "small_sample",
    "meaningful",
    "overridden",
    "override_reason",
    "override_by",
    "flags",
]


def export_table(segmented: pd.DataFrame) -> pd.DataFrame:
    """The columns a segmentation export holds: identity, score, tier, flags and each role metric."""
    metric_columns = [c for spec in METRICS for c in (f"{spec.id}_raw", spec.id) if c in segmented.columns]
    out = segmented[[c for c in EXPORT_COLUMNS if c in segmented.columns] + metric_columns].copy()
    out["score"] = out["score"].round(2)
    out["percentile"] = out["percentile"].round(2)
    return out


__all__ = [
    "SegmentSettings",
    "apply_overrides",
    "explain",
    "export_table",
    "role_medians",
    "monthly_history",
    "segment",
    "tier_summary",
]


FLAG_COLUMNS: dict[str, str] = {
    "borderline": "borderline",
    "persistent low": "persistent_low",
    "tie at cut-off": "tie_at_boundary",
    "overridden": "overridden",
    "small sample": "small_sample",
}
"""The flags a person can carry, by the label a reader filters on, and the column that holds each."""

FLAG_WORDS: dict[str, str] = {
    "overridden": N_("overridden"),
    "borderline": N_("borderline"),
    "tie at cut-off": N_("tie at cut-off"),
    "persistent low": N_("persistent low"),
    "improving": N_("improving"),
    "declining": N_("declining"),
    "small sample": N_("small sample"),
    "role too small": N_("role too small"),
}
"""Every word of the ``flags`` text, as the data (and its exports) hold it; :func:`flag_name` translates one."""


def flag_name(flag: str) -> str:
    """One flag (``"persistent low"``) in the language core speaks now; other text as given."""
    return _(FLAG_WORDS[flag]) if flag in FLAG_WORDS else flag


def flags_text(flags: object) -> str:
    """A ``flags`` cell (``"borderline, small sample"``) in the language core speaks now."""
    text = "" if flags is None or (isinstance(flags, float) and pd.isna(flags)) else str(flags)
    return ", ".join(flag_name(flag) for flag in text.split(", ")) if text else ""


def filter_people(
    segmented: pd.DataFrame,
    *,
    roles: Sequence[str] = (),
    teams: Sequence[str] = (),
    managers: Sequence[str] = (),
    tiers: Sequence[str] = (),
    flags: Sequence[str] = (),
) -> pd.DataFrame:
    """The people matching every non-empty filter: any of the roles, teams, managers and tiers, all flags.

    Args:
        segmented: Tiers with flags, as ``segment`` and ``apply_overrides`` give them.
        roles, teams, managers, tiers: Keep a person whose value is one of these (no filter when empty).
        flags: Labels of ``FLAG_COLUMNS``; keep a person who carries every one of them.
    """
    kept = segmented
    for column, chosen in (("role", roles), ("team", teams), ("manager", managers), ("tier", tiers)):
        if chosen:
            kept = kept[kept[column].isin(list(chosen))]
    for flag in flags:
        kept = kept[kept[FLAG_COLUMNS[flag]].astype(bool)]
    return kept
