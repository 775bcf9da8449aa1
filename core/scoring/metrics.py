"""Per-person metrics over a window of months, shrunk for small samples, and a composite score within role.

The pipeline is DataFrame in, DataFrame out: :func:`compute_metrics` gives one row per person and metric
(raw and adjusted), :func:`score_people` one row per person with percentiles and a 0–100 score, and
:func:`role_medians` the reference points that explanations compare against.

The rules below are product promises (PRODUCT.md); the tests check each of them.

* **Window.** Only rows inside the window count: the last ``window`` calendar months up to ``end``
  (default: the latest month in the data). A calendar month with no rows still uses up a month.
* **Summed, not averaged.** Every rate is computed from counts summed over the window, never as an
  average of monthly rates, so a month with 2 calls weighs what 2 calls weigh. A month counts toward a
  ratio only when both its numerator and its denominator are filled in.
* **Person fields from the latest row.** A person's role, name, team, region, manager, willingness to
  coach, coaching aptitude and coaching training come from their latest row inside the window. A person
  without rows in the window is left out.
* **Shrinkage.** Small samples are pulled toward the role's mean so that 2 won deals of 3 do not outrank
  20 of 60 (see :func:`compute_metrics` for the formulas and :data:`MIN_TRIALS` / :data:`MIN_MONTHS` for
  when a sample counts as small).
* **AEs without a quota.** An AE's volume is quota attainment when every AE scored in the window has a
  quota (above 0) in at least one of their months there; otherwise **every** AE of the window is scored on
  won revenue per active month instead (won deals per month break ties), with the same weight. Deciding
  per role and window, not per person, keeps AEs comparable: a percentile of attainment among some AEs and
  one of revenue among the others are not on one scale, and scoring the AEs without a quota on close rate
  alone (as before) let the biggest seller of a team without quotas sit in the middle. The other metrics
  of the set not used hold NaN for everyone; :func:`scored_on` says which set a scoring used.
* **Score.** Each adjusted value is placed among the role's peers as a mid-rank percentile, and the
  percentiles are combined with the role's metric weights, renormalised over the metrics the person has.
  A better value in any metric never lowers that person's score. This is exact while the role's prior is
  fixed (always for the credibility-weighted metrics, and for proportions in roles with fewer than
  :data:`MIN_PEOPLE_FOR_PRIOR` people); a refitted beta prior changes smoothly with the counts (a head
  count before fitting, a continuous cap), and randomised searches found no case where it reordered people.
* **Deterministic.** The same records give the identical output, whatever the order of their rows.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import N_, _, current
from core.months import by_person_then_month, month_codes, month_indices, window_periods
from core.schema import METRIC_COLUMNS, PERSON_COLUMNS, REQUIRED_COLUMNS, ROLES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MetricSpec:
    """One metric a role is scored on.

    Attributes:
        id: Stable identifier, also the column name in :func:`score_people`'s output.
        role: The role the metric belongs to (SDR, AE or AM).
        label: Name to show people.
        unit: ``"%"`` (values are fractions; show them times 100), ``"per month"``, ``"money per month"``
            (an amount in the file's one currency) or ``"×"``.
        default_weight: Weight in the role's composite score; a role's defaults add up to 1.
    """

    id: str
    role: str
    label: str
    unit: str
    default_weight: float


METRICS: Final[tuple[MetricSpec, ...]] = (
    MetricSpec("lead_rate", "SDR", N_("Lead rate"), "per month", 0.3),
    MetricSpec("qualified_lead_rate", "SDR", N_("Qualified-lead rate"), "%", 0.4),
    MetricSpec("qualification_efficiency", "SDR", N_("Qualification efficiency"), "%", 0.3),
    MetricSpec("close_rate", "AE", N_("Close rate"), "%", 0.6),
    MetricSpec("quota_attainment", "AE", N_("Quota attainment"), "%", 0.4),
    MetricSpec("revenue_per_month", "AE", N_("Won revenue per month"), "money per month", 0.4),  # i18n: data
    MetricSpec("upsell_rate", "AM", N_("Upsell rate"), "%", 1.0),
)
"""Every metric, in display order (SDR, AE, AM; within a role, by importance).

An AE is scored on close rate and *either* quota attainment *or* won revenue per month (see
:func:`metric_sets`), so each of a role's :func:`metric_sets` has default weights adding up to 1.
A label is English, marked for translation: show it as ``_(spec.label)`` (:func:`metric_name`).
"""

QUOTA_METRIC: Final = "quota_attainment"
NO_QUOTA_METRIC: Final = "revenue_per_month"
"""Won revenue per active month takes quota attainment's place when not every AE has a quota."""
NO_QUOTA_NOTE: Final = N_(
    "not every AE has a quota in this window, so won revenue per month takes quota attainment's place"
)

PRIOR_FALLBACK_STRENGTH: Final = 10.0
"""Pseudo-trials of the beta prior when a role has too few people to estimate its spread."""

MIN_PEOPLE_FOR_PRIOR: Final = 10
"""People with trials a role needs before the beta prior's strength is fitted to their spread."""

CREDIBILITY_MONTHS: Final = 1.0
"""m0 of the credibility weight months / (months + m0) for lead rate, quota attainment, won revenue per month
and upsell rate."""

MIN_TRIALS: Final = 20
"""A proportion built on fewer trials (leads sent, calls, deals worked) is flagged as a small sample."""

MIN_MONTHS: Final = 2
"""A per-month metric, quota attainment or upsell rate built on fewer active months is flagged as small."""

# Proportions: numerator and denominator are counts of the same trials, shrunk with a beta-binomial prior.
_PROPORTIONS: Final = {
    "qualified_lead_rate": ("qualified_leads", "leads_sent"),
    "qualification_efficiency": ("qualified_leads", "calls"),
    "close_rate": ("deals_won", "deals_worked"),
}
# Metrics a person of the role may simply not have (then they are scored without it).
_OPTIONAL: Final = frozenset({"quota_attainment"})

_INPUT_COLUMNS: Final = REQUIRED_COLUMNS  # the optional coach fields are blank when absent
SCORING_COLUMNS: Final = ("rep_id", "role", "period", *METRIC_COLUMNS)
"""The columns scores are made of: what :func:`score_replicates` reads (the person fields are carried along)."""
_PERSON_COLUMNS: Final = PERSON_COLUMNS
LONG_COLUMNS: Final = (
    "rep_id",
    "role",
    "metric",
    "numerator",
    "denominator",
    "raw",
    "adjusted",
    "n",
    "small_sample",
)
"""Columns of :func:`compute_metrics`'s output."""

# Pairs in a weights text are separated by ";", a new line, or a "," that starts the next name,
# so decimal commas ("close_rate=0,7") survive.
_WEIGHT_SEPARATOR = re.compile(r"[;\n]|,(?=\s*[A-Za-z_])")


def metrics_for(role: str) -> tuple[MetricSpec, ...]:
    """Return the metrics of one role, in display order.

    Raises:
        ValueError: For a role other than SDR, AE or AM.
    """
    if role not in ROLES:
        raise ValueError(_("Unknown role '{role}': expected one of {items}.").format(role=role, items=", ".join(ROLES)))
    return tuple(spec for spec in METRICS if spec.role == role)


def metric_sets(role: str) -> tuple[tuple[MetricSpec, ...], ...]:
    """Return the sets of metrics a role may be scored on: AEs with a quota, then without; one set otherwise.

    Raises:
        ValueError: For a role other than SDR, AE or AM.
    """
    specs = metrics_for(role)
    if role != "AE":
        return (specs,)
    with_quota = tuple(spec for spec in specs if spec.id != NO_QUOTA_METRIC)
    without = tuple(spec for spec in specs if spec.id != QUOTA_METRIC)
    return (with_quota, without)


def default_weights() -> dict[str, float]:
    """Return the default weight of every metric, by metric id (each role's weights add up to 1)."""
    return {spec.id: spec.default_weight for spec in METRICS}


def parse_weights(text: str) -> dict[str, float]:
    """Parse weights written as ``metric=number`` pairs.

    Pairs are separated by commas, semicolons or new lines; a decimal comma is accepted
    (``close_rate=0,7; quota_attainment=0,3``). Only the metrics named are returned: combine
    with :func:`default_weights` for the rest (:func:`score_people` does).

    Args:
        text: For example ``"close_rate=0.7,quota_attainment=0.3"``; blank gives ``{}``.

    Returns:
        Metric id -> weight, in the order written.

    Raises:
        ValueError: With a sentence naming the problem: a pair without ``=``, an unknown metric,
            a metric given twice, a weight that is not a number, or a negative weight.
    """
    known = {spec.id for spec in METRICS}
    weights: dict[str, float] = {}
    for part in _WEIGHT_SEPARATOR.split(text):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise ValueError(
                _("Write each weight as metric=number, e.g. close_rate=0.6; '{part}' is not.").format(part=part)
            )
        if name not in known:
            raise ValueError(
                _("Unknown metric '{name}': choose from {items}.").format(
                    name=name, items=", ".join(spec.id for spec in METRICS)
                )
            )
        if name in weights:
            raise ValueError(_("The weight for {name} is given twice; give it once.").format(name=name))
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(
                _("The weight for {name} must be a number; '{value}' is not.").format(name=name, value=value)
            ) from None
        if not math.isfinite(number):
            raise ValueError(
                _("The weight for {name} must be a finite number; '{value}' is not.").format(name=name, value=value)
            )
        if number < 0:
            raise ValueError(
                _("The weight for {name} must not be negative; it is {value}.").format(name=name, value=value)
            )
        weights[name] = number
    return weights


@dataclass(frozen=True)
class _Values:
    """One metric for every person in the window; NaN (or 0/False) outside the metric's role."""

    member: BoolArray  # the person's role is the metric's role
    numerator: FloatArray
    denominator: FloatArray
    raw: FloatArray
    adjusted: FloatArray
    n: IntArray
    small: BoolArray
    tiebreak: FloatArray | None = None  # ranks equal adjusted values (won deals per month for revenue)

    def unused(self) -> _Values:
        """The same people with no values: the metric is not part of this scoring."""
        nothing = np.full(self.raw.shape, np.nan)
        return _Values(
            member=self.member,
            numerator=nothing,
            denominator=nothing,
            raw=nothing,
            adjusted=nothing,
            n=np.zeros(self.n.shape, dtype=np.int64),
            small=np.zeros(self.small.shape, dtype=bool),
        )

    def sliced(self, part: slice) -> _Values:
        """The values of the people in ``part`` (one window of :func:`score_windows`)."""
        return _Values(
            member=self.member[part],
            numerator=self.numerator[part],
            denominator=self.denominator[part],
            raw=self.raw[part],
            adjusted=self.adjusted[part],
            n=self.n[part],
            small=self.small[part],
            tiebreak=None if self.tiebreak is None else self.tiebreak[part],
        )

    def unused_where(self, where: BoolArray) -> _Values:
        """:meth:`unused` for the people ``where`` is True only (the replicates that scored AEs the other way)."""
        return _Values(
            member=self.member,
            numerator=np.where(where, np.nan, self.numerator),
            denominator=np.where(where, np.nan, self.denominator),
            raw=np.where(where, np.nan, self.raw),
            adjusted=np.where(where, np.nan, self.adjusted),
            n=np.where(where, 0, self.n),
            small=self.small & ~where,
            tiebreak=None if self.tiebreak is None else np.where(where, np.nan, self.tiebreak),
        )


@dataclass(frozen=True)
class _Evaluated:
    people: pd.DataFrame  # _PERSON_COLUMNS + months, one row per person, sorted by rep_id
    values: dict[str, _Values]


def _beta_prior(successes: FloatArray, trials: FloatArray) -> tuple[float, float]:
    """Fit a beta prior to per-person counts by the method of moments; return (mean, strength).

    The mean is the pooled rate p̂ = Σkᵢ / Σnᵢ and the strength α + β in pseudo-trials; people
    without trials are ignored. With fewer than :data:`MIN_PEOPLE_FOR_PRIOR` people the spread
    between people cannot be told from chance, and the strength is :data:`PRIOR_FALLBACK_STRENGTH`.

    Otherwise, weighting each person by trials, with N = Σnᵢ, S = Σnᵢ(pᵢ − p̂)² and R people, the
    intra-class correlation is ρ = (S / (p̂(1 − p̂)) − (R − 1)) / (N − Σnᵢ²/N − (R − 1)) and the
    strength 1/ρ − 1, kept between 1 and a cap: the trials of the role's median person, at least
    PRIOR_FALLBACK_STRENGTH. When the spread is no larger than chance alone gives (ρ ≤ 0) the
    strength is the cap. Capping (rather than jumping to a fixed fallback) keeps the strength
    continuous in the counts, so one more success cannot make the prior jump and reorder people.
    """
    used = trials > 0
    k, n = successes[used], trials[used]
    if n.size == 0:
        return math.nan, PRIOR_FALLBACK_STRENGTH
    total = float(n.sum())
    mean = float(k.sum()) / total
    people = n.size
    scale = total - float(np.sum(n * n)) / total - (people - 1)
    # Too few people, or everyone at 0% or 100% (then every raw value is the mean and strength is moot).
    if people < MIN_PEOPLE_FOR_PRIOR or not 0.0 < mean < 1.0 or scale <= 0:
        return mean, PRIOR_FALLBACK_STRENGTH
    cap = max(PRIOR_FALLBACK_STRENGTH, _median(n))
    spread = float(np.sum(n * (k / n - mean) ** 2))
    rho = (spread / (mean * (1.0 - mean)) - (people - 1)) / scale
    if rho <= 0:
        return mean, cap
    return mean, min(max(1.0 / rho - 1.0, 1.0), cap)


def _median(values: FloatArray) -> float:
    """``np.median`` of values without NaN, the same number (the middle one, or the two middle ones' mean) at a
    fraction of its cost: the bootstrap fits 150 priors (#17)."""
    half = values.size // 2
    if values.size % 2:
        return float(np.partition(values, half)[half])
    middle = np.partition(values, [half - 1, half])
    return float((middle[half - 1] + middle[half]) / 2)


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    valid = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=valid)
    return out


def _shrink(
    raw: FloatArray, size: FloatArray, mean: float | FloatArray, strength: float | FloatArray, applies: BoolArray
) -> FloatArray:
    """Pull each raw value toward ``mean`` by the weight size / (size + strength); ``mean`` where raw is NaN.

    For a beta prior with α + β = strength this equals (k + α) / (n + α + β); written as a weighted
    step from the mean, a person whose raw value equals the mean lands exactly on it, so ties stay ties.
    """
    weight = size / (size + strength)
    adjusted = np.where(np.isfinite(raw), mean + weight * (raw - mean), mean)
    return np.where(applies, adjusted, np.nan)


def _month_weighted_mean(raw: FloatArray, months: IntArray, applies: BoolArray) -> float:
    known = applies & np.isfinite(raw) & (months > 0)
    weight = months[known].astype(np.float64)
    return float(np.sum(weight * raw[known]) / weight.sum()) if weight.sum() > 0 else math.nan


def _check_input(records: pd.DataFrame, needed: Sequence[str] = _INPUT_COLUMNS, *, periods: bool = True) -> None:
    """Refuse records without the ``needed`` columns and (``periods``) with a row without its month."""
    missing = [c for c in needed if c not in records.columns]
    if missing:
        raise ValueError(
            _("The records lack the column(s) {items}; metrics need the canonical table.").format(
                items=", ".join(missing)
            )
        )
    if periods and records["period"].isna().any():
        raise ValueError(_("Some records have no period; every row needs its month as YYYY-MM."))


@dataclass(frozen=True)
class _Rows:
    """The window's rows of the records, ordered by person (rep_id) then month, with per-person sums."""

    records: pd.DataFrame
    rows: IntArray  # positions in records
    rep: IntArray  # each row's person number, 0 .. people - 1 in rep_id order
    people: int
    numbers: dict[str, FloatArray] | None = None  # the records' number columns as floats, kept between windows
    taken: dict[str, FloatArray] = field(default_factory=dict)  # columns already taken for these rows

    def column(self, name: str) -> FloatArray:
        """The rows' values of a number column (NaN for blank); metrics that share a column take it once."""
        if name in self.taken:
            return self.taken[name]
        if self.numbers is None:
            values = self.records[name].to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            if name not in self.numbers:
                self.numbers[name] = self.records[name].to_numpy(dtype=np.float64, na_value=np.nan)
            values = self.numbers[name]
        taken = np.asarray(values[self.rows], dtype=np.float64)
        taken.flags.writeable = False  # shared by the metrics that read it
        self.taken[name] = taken
        return taken

    def total(self, values: FloatArray, mask: BoolArray) -> FloatArray:
        weights = np.where(mask, values, 0.0)
        return np.bincount(self.rep, weights=weights, minlength=self.people).astype(np.float64)

    def count(self, mask: BoolArray) -> IntArray:
        return np.bincount(self.rep[mask], minlength=self.people).astype(np.int64)

    def edge(self, values: FloatArray, *, last: bool) -> FloatArray:
        """Each person's first (or last) filled value, by month; NaN when none is filled."""
        filled = np.flatnonzero(np.isfinite(values))
        owner = self.rep[filled]
        keep = np.ones(filled.size, dtype=bool)
        if last:
            keep[:-1] = owner[:-1] != owner[1:]
        else:
            keep[1:] = owner[1:] != owner[:-1]
        out = np.full(self.people, np.nan)
        out[owner[keep]] = values[filled[keep]]
        return out


@dataclass(frozen=True)
class RecordIndex:
    """The records as every window's scoring needs them, worked out once: for scoring many windows of the same
    records (persistence, trend, history) without sorting people and months again for each (#17).

    Attributes:
        records: The canonical table.
        labels: Its distinct months, ``YYYY-MM``.
        month: Each row's month number (:func:`core.months.month_indices`).
        person: Each row's person number, in rep_id order.
        order: The rows by person, then month (ties in table order).
        sorted_month: ``month`` in that order.
        numbers: Number columns as floats, filled as metrics ask for them.
        rep_ids: The distinct rep_ids, sorted: person number ``p`` is ``rep_ids[p]``.
        role: Each row's role as its position in ``ROLES`` (−1: not one of them, or blank).
    """

    records: pd.DataFrame
    labels: list[str]
    month: IntArray
    person: IntArray
    order: IntArray
    sorted_month: IntArray
    numbers: dict[str, FloatArray]
    rep_ids: npt.NDArray[np.object_]
    role: IntArray


def index_records(records: pd.DataFrame, *, months: tuple[IntArray, list[str]] | None = None) -> RecordIndex:
    """Index ``records`` for :func:`score_people` (pass the index instead of the table to score many windows);
    ``months``: :func:`core.months.month_codes` of its period column, when known.

    Raises:
        ValueError: As :func:`score_people`.
    """
    _check_input(records, periods=False)
    period_codes, labels = month_codes(records["period"]) if months is None else months
    if (period_codes < 0).any():
        _check_input(records)  # says that a period is missing
    month = month_indices(labels)[period_codes]
    person, uniques = _people(records["rep_id"].to_numpy())
    order = _by_person_and_month(person, month)
    return RecordIndex(
        records=records,
        labels=labels,
        month=month,
        person=person,
        order=order,
        sorted_month=month[order],
        numbers={},
        rep_ids=np.asarray(uniques, dtype=object),
        role=role_codes(records["role"].to_numpy(dtype=object)),
    )


def role_codes(role: npt.NDArray[np.object_]) -> IntArray:
    """Each role text's position in ``ROLES`` (−1 for anything else, blank included), from its few distinct values."""
    codes, distinct = pd.factorize(role)  # a blank is −1 here, and takes the −1 appended below
    positions = pd.Index(ROLES).get_indexer(pd.Index(distinct, dtype=object))
    return np.append(positions, -1).astype(np.int64)[codes]


def _people(rep_ids: npt.NDArray[Any]) -> tuple[IntArray, npt.NDArray[Any]]:
    """``pd.factorize(rep_ids, sort=True)``: each row's person number in rep_id order, and the rep_ids. Rows that
    come sorted by rep_id (as every import and the store give them) are numbered where the rep_id changes,
    without hashing 458,000 texts (#17); anything else (or what cannot be compared) is factorised."""
    if rep_ids.dtype == object and rep_ids.size > 1:
        try:
            ascending = bool(np.all(rep_ids[1:] >= rep_ids[:-1]))
        except TypeError:  # a blank or a number among texts
            ascending = False
        if ascending:
            new = np.empty(rep_ids.size, dtype=bool)
            new[0] = True
            np.not_equal(rep_ids[1:], rep_ids[:-1], out=new[1:])
            return np.cumsum(new) - 1, rep_ids[new]
    person, uniques = pd.factorize(rep_ids, sort=True)
    return np.asarray(person, dtype=np.int64), np.asarray(uniques)


def _by_person_and_month(person: IntArray, month: IntArray) -> IntArray:
    """``np.lexsort((month, person))``: the rows by person, then month, ties in table order — the rows as they
    are when they already come so (one pass to see it instead of a sort)."""
    if by_person_then_month(person, month):
        return np.arange(person.size, dtype=np.int64)
    return np.lexsort((month, person)).astype(np.int64)


def _window_rows(
    records: pd.DataFrame | RecordIndex,
    window: int | None,
    end: str | None,
    columns: Sequence[str] = _PERSON_COLUMNS,
) -> tuple[_Rows, pd.DataFrame]:
    """Select the window's rows; return them and one row per person (fields of their latest row, months)."""
    if isinstance(records, RecordIndex):
        rows, month = _indexed_rows(records, window, end)
        records = records.records
    else:
        # The person fields asked for are carried (blank when absent); scores need only their own columns.
        _check_input(records, _INPUT_COLUMNS if columns == _PERSON_COLUMNS else (*SCORING_COLUMNS, *columns))
        period_codes, unique_text = month_codes(records["period"])
        unique_month = month_indices(unique_text)
        chosen = month_indices(window_periods(unique_text, window, end))
        keep = np.flatnonzero(np.isin(unique_month, chosen)[period_codes])

        rep_codes, _uniques = _people(records["rep_id"].to_numpy()[keep])
        months_of_row = unique_month[period_codes[keep]]
        order = _by_person_and_month(np.asarray(rep_codes, dtype=np.int64), months_of_row)
        rep = rep_codes[order].astype(np.int64)
        month = months_of_row[order]
        rows = _Rows(records=records, rows=keep[order], rep=rep, people=int(rep.max()) + 1 if rep.size else 0)

    rep = rows.rep
    new_rep = np.ones(rep.size, dtype=bool)
    new_rep[1:] = rep[1:] != rep[:-1]
    last_row = np.ones(rep.size, dtype=bool)
    last_row[:-1] = new_rep[1:]
    new_month = new_rep.copy()
    new_month[1:] |= month[1:] != month[:-1]

    # Only the asked-for columns are taken (taking every column of a big table was most of this function, #17).
    present = records.columns.get_indexer(pd.Index([c for c in columns if c in records.columns]))
    people = records.iloc[:, present].iloc[rows.rows[last_row]].reindex(columns=list(columns)).reset_index(drop=True)
    people["months"] = rows.count(new_month)
    distinct = pd.unique(people["role"].to_numpy(dtype=object))  # distinct roles, not people
    unknown = sorted({str(r) for r in distinct if not pd.isna(r)} - set(ROLES))
    if any(pd.isna(r) for r in distinct):
        unknown.append("(blank)")
    if unknown:
        raise ValueError(
            _("Unknown role(s) {items}: every person needs SDR, AE or AM.").format(items=", ".join(unknown))
        )
    return rows, people


def _indexed_rows(index: RecordIndex, window: int | None, end: str | None) -> tuple[_Rows, IntArray]:
    """The window's rows of an index, by person then month, and each one's month number."""
    chosen = month_indices(window_periods(index.labels, window, end))
    sorted_rows = index.order[np.isin(index.sorted_month, chosen)]
    person = index.person[sorted_rows]
    first = np.ones(person.size, dtype=bool)
    first[1:] = person[1:] != person[:-1]
    rep = (np.cumsum(first) - 1).astype(np.int64)  # the window's people numbered 0.. in rep_id order
    rows = _Rows(index.records, sorted_rows, rep, int(rep.max()) + 1 if rep.size else 0, index.numbers)
    return rows, index.month[sorted_rows]


def _window_codes(index: RecordIndex, window: int | None, end: str | None) -> tuple[_Rows, IntArray, IntArray]:
    """:func:`_window_rows` as codes: the rows, and each of the window's people's number (a row of
    ``index.rep_ids``) and role (a position in ``ROLES``), from their latest row — no texts taken (#17)."""
    rows, _month = _indexed_rows(index, window, end)
    last_row = np.ones(rows.rep.size, dtype=bool)
    last_row[:-1] = rows.rep[1:] != rows.rep[:-1]
    latest = rows.rows[last_row]
    role = index.role[latest]
    if (role < 0).any():  # says which role texts are not known, as _window_rows does
        _window_rows(index, window, end, ("rep_id", "role"))
    return rows, index.person[latest], role


def _per_block(bounds: IntArray, statistic: Callable[[slice], tuple[float, ...]]) -> list[FloatArray]:
    """A role statistic (a prior's mean and strength) computed in each block of people, ``bounds[g]`` to
    ``bounds[g + 1]`` (one block: everyone; see :func:`score_replicates` and :func:`score_windows`).

    Returns one array per value the statistic gives, each value repeated over its block's people, so it
    combines element by element with the people's own values (one block: the scalar everywhere).
    """
    sizes = np.diff(bounds)
    values = [statistic(slice(int(bounds[g]), int(bounds[g + 1]))) for g in range(sizes.size)]
    return [np.repeat(np.array(column, dtype=np.float64), sizes) for column in zip(*values, strict=True)]


def _metric(spec: MetricSpec, rows: _Rows, member: BoolArray, bounds: IntArray | None = None) -> _Values:
    """Compute one metric for every person; only ``member`` people (the metric's role) get values.

    ``bounds`` (block starts and the end) score several teams at once — resampled copies of one team
    (:func:`score_replicates`) or several windows of it (:func:`score_windows`): the role's prior and mean
    are fitted in each block of people apart. Default: one block, everyone.
    """
    blocks = np.array([0, member.size], dtype=np.int64) if bounds is None else bounds
    tiebreak: FloatArray | None = None
    if spec.id in _PROPORTIONS:
        top_name, bottom_name = _PROPORTIONS[spec.id]
        top, bottom = rows.column(top_name), rows.column(bottom_name)
        both = np.isfinite(top) & np.isfinite(bottom)
        numerator, denominator = rows.total(top, both), rows.total(bottom, both)
        n = np.rint(denominator).astype(np.int64)
        applies = member
        raw = _ratio(numerator, denominator)
        mean, strength = _per_block(blocks, lambda b: _beta_prior(numerator[b][member[b]], denominator[b][member[b]]))
        adjusted = _shrink(raw, denominator, mean, strength, applies)
        small = applies & (np.isnan(raw) | (n < MIN_TRIALS))
    else:
        if spec.id == "lead_rate":
            leads = rows.column("leads_sent")
            n = rows.count(np.isfinite(leads))
            numerator, denominator = rows.total(leads, np.isfinite(leads)), n.astype(np.float64)
        elif spec.id == "quota_attainment":
            revenue, quota = rows.column("revenue_won"), rows.column("quota")
            both = np.isfinite(revenue) & np.isfinite(quota) & (quota > 0)
            n = rows.count(both)
            numerator, denominator = rows.total(revenue, both), rows.total(quota, both)
        elif spec.id == "revenue_per_month":
            revenue = rows.column("revenue_won")
            n = rows.count(np.isfinite(revenue))
            numerator, denominator = rows.total(revenue, np.isfinite(revenue)), n.astype(np.float64)
            won = rows.column("deals_won")
            tiebreak = _ratio(rows.total(won, np.isfinite(won)), rows.count(np.isfinite(won)).astype(np.float64))
        else:  # upsell_rate: from the first month's portfolio start to the last month's end
            start, finish = rows.column("portfolio_start"), rows.column("portfolio_end")
            n = rows.count(np.isfinite(start) | np.isfinite(finish))
            denominator = rows.edge(start, last=False)
            numerator = rows.edge(finish, last=True) - denominator
        applies = member & (n > 0) if spec.id in _OPTIONAL else member
        raw = _ratio(numerator, denominator)
        (mean,) = _per_block(blocks, lambda b: (_month_weighted_mean(raw[b], n[b], applies[b]),))
        adjusted = _shrink(raw, n.astype(np.float64), mean, CREDIBILITY_MONTHS, applies)
        small = applies & (np.isnan(raw) | (n < MIN_MONTHS))
    return _Values(
        member=member,
        numerator=np.where(applies, numerator, np.nan),
        denominator=np.where(applies, denominator, np.nan),
        raw=np.where(applies, raw, np.nan),
        adjusted=adjusted,
        n=np.where(member, n, 0),
        small=small,
        tiebreak=None if tiebreak is None else np.where(member, tiebreak, np.nan),
    )


def _evaluate(
    records: pd.DataFrame | RecordIndex,
    window: int | None,
    end: str | None,
    columns: Sequence[str] = _PERSON_COLUMNS,
) -> _Evaluated:
    """Select the window's rows and compute every metric for every person, raw and shrunk (``columns``: the
    person fields to carry).

    Of quota attainment and won revenue per month, only one is kept for the AEs (see the module
    docstring): attainment when every AE of the window has a quota, else revenue per month.
    """
    rows, people = _window_rows(records, window, end, columns)
    role = people["role"].to_numpy(dtype=object)  # one of ROLES each (_window_rows refuses others)
    values = {spec.id: _metric(spec, rows, role == spec.role) for spec in METRICS}
    quota = values[QUOTA_METRIC]
    every_ae_has_quota = bool(np.all(quota.n[quota.member] > 0))
    unused = NO_QUOTA_METRIC if every_ae_has_quota else QUOTA_METRIC
    values[unused] = values[unused].unused()
    return _Evaluated(people=people, values=values)


def _evaluate_replicates(
    records: pd.DataFrame, draws: IntArray
) -> tuple[pd.DataFrame, dict[str, tuple[IntArray, dict[str, _Values]]]]:
    """:func:`_evaluate` for every resample in ``draws`` at once (see :func:`score_replicates`).

    Per role, the resamples are stacked as blocks of the role's people: block ``r`` holds each of them
    once, with the values of the rows ``draws[r]`` names in the slots of their own rows. Sums are one
    ``bincount`` over all blocks; each block fits its own priors and decides on its own how AEs are scored.

    Returns:
        (one row per person, as :func:`_window_rows` gives; role -> (the role's people, positions in
        that table; its metrics' values, block after block: ``groups × people of the role`` long)).
    """
    rows, people = _window_rows(records, None, None, ("rep_id", "role"))  # the replicates keep only these
    groups = draws.shape[0]
    role_of = people["role"].to_numpy(dtype=object)
    by_role: dict[str, tuple[IntArray, dict[str, _Values]]] = {}
    for role in ROLES:
        members = np.flatnonzero(role_of == role)
        if groups == 0 or members.size == 0:
            continue
        local = np.full(rows.people, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        mine = local[rows.rep] >= 0
        block = np.arange(groups, dtype=np.int64)[:, None] * members.size
        stacked = _Rows(
            records=records,
            rows=draws[:, rows.rows[mine]].ravel(),
            rep=(block + local[rows.rep[mine]][None, :]).ravel(),
            people=groups * members.size,
        )
        everyone = np.ones(stacked.people, dtype=bool)
        bounds = np.arange(groups + 1, dtype=np.int64) * members.size
        values = {spec.id: _metric(spec, stacked, everyone, bounds) for spec in metrics_for(role)}
        if role == "AE":
            lacking = (values[QUOTA_METRIC].n <= 0).reshape(groups, members.size).any(axis=1)  # an AE without quota
            values[NO_QUOTA_METRIC] = values[NO_QUOTA_METRIC].unused_where(np.repeat(~lacking, members.size))
            values[QUOTA_METRIC] = values[QUOTA_METRIC].unused_where(np.repeat(lacking, members.size))
        by_role[role] = (members, values)
    return people, by_role


def _percentile_rows(values: FloatArray, tiebreak: FloatArray | None = None) -> FloatArray:
    """:func:`_percentile` of every row of a 2-D array at once (one row per resampled team): the same numbers.

    One sort along the rows (by value, then by tie-break; missing values sort last), mid-ranks
    of the groups of equal values by one ``bincount``.
    """
    shape = values.shape
    if values.size == 0:
        return np.full(shape, np.nan)
    new_group = np.ones(shape, dtype=bool)
    if tiebreak is None and not np.isposinf(values).any():  # as pandas' rank: every value but NaN is ranked
        # The order among equal values does not matter: they share a rank. The missing ones go last as +inf:
        # numpy's sort takes four times as long with NaNs among the numbers (#17), and the sorted keys alone
        # then tell the groups of equal values (one gather instead of three).
        key = np.where(np.isnan(values), np.inf, values)
        order = np.argsort(key, axis=-1)
        v = np.take_along_axis(key, order, axis=-1)
        k = v != np.inf
        new_group[:, 1:] = v[:, 1:] != v[:, :-1]
    else:  # a +inf among the values keeps its own place before the missing ones (NaN, sorted last)
        if tiebreak is None:
            known = ~np.isnan(values)
            second = np.zeros(shape)
            order = np.argsort(values, axis=-1)
        else:
            known = np.isfinite(values)
            second = np.where(np.isfinite(tiebreak), tiebreak, -np.inf)
            order = np.lexsort((second, np.where(known, values, np.nan)), axis=-1)
        v, t, k = (np.take_along_axis(a, order, axis=-1) for a in (values, second, known))
        new_group[:, 1:] = (v[:, 1:] != v[:, :-1]) | (t[:, 1:] != t[:, :-1]) | (k[:, 1:] != k[:, :-1])
    width = shape[1]
    count = np.maximum(k.sum(axis=1), 1)
    in_order = _run_percentiles(
        new_group.ravel(),
        lambda first: first - first % width,
        lambda first: count[first // width],
        k.ravel(),
    ).reshape(shape)
    out = np.empty(shape)
    np.put_along_axis(out, order, in_order, axis=-1)
    return out


def _blocks(values: _Values, shape: tuple[int, int]) -> tuple[FloatArray, FloatArray | None]:
    """A metric's adjusted values and tie-break as (resamples, people) arrays."""
    tiebreak = None if values.tiebreak is None else values.tiebreak.reshape(shape)
    return values.adjusted.reshape(shape), tiebreak


def score_replicates(
    records: pd.DataFrame, draws: IntArray, *, weights: Mapping[str, float] | None = None
) -> tuple[pd.DataFrame, FloatArray]:
    """Score many resamples of the same records in one vectorised pass: the bootstrap behind the borderline flag.

    Resample ``r`` is the table whose row ``i`` keeps row ``i``'s person and month but carries the
    counts of row ``draws[r, i]`` (a row of the same person, as :func:`core.scoring.tiers.flip_share`
    draws them). Each resample is scored exactly as :func:`score_people` with ``window=None`` scores
    such a table — summed counts, shrinkage with the resample's own priors, percentiles within role,
    AEs on attainment or revenue per month as that resample's quotas allow — but all resamples share
    one pass: a replicate axis instead of a loop. A person's role, name and other fields are those of
    their latest row in ``records``; only the monthly values are resampled.

    Args:
        records: Canonical records (all rows count: pass the window's rows); only :data:`SCORING_COLUMNS` are read.
        draws: Row positions (0 .. len(records) − 1), shape (resamples, len(records)).
        weights: As :func:`score_people`.

    Returns:
        (one row per person with ``rep_id`` and ``role``, sorted by rep_id; the scores, shape
        (resamples, people), NaN where :func:`score_people` gives none).

    Raises:
        ValueError: As :func:`score_people`, or for ``draws`` of the wrong shape.
    """
    resolved = check_weights(weights)
    draws = np.asarray(draws, dtype=np.int64)
    if draws.ndim != 2 or draws.shape[1] != len(records):
        raise ValueError(
            _("Draws need one row position per record in each resample; got shape {shape}.").format(shape=draws.shape)
        )
    people, by_role = _evaluate_replicates(records, draws)
    groups = draws.shape[0]
    score = np.full((groups, len(people)), np.nan)
    for role, (members, values) in by_role.items():
        specs = metrics_for(role)
        shape = (groups, members.size)
        pct = np.stack([_percentile_rows(*_blocks(values[spec.id], shape)) for spec in specs], axis=-1)
        has = np.isfinite(pct)
        weight = np.where(has, np.array([resolved[spec.id] for spec in specs]), 0.0)
        weight_sum = weight.sum(axis=-1)
        weighted = (np.where(has, pct, 0.0) * weight).sum(axis=-1)
        scored = weight_sum > 0
        score[:, members] = np.where(scored, weighted / np.where(scored, weight_sum, 1.0), np.nan)
    identity = people[["rep_id", "role"]].copy()
    return identity, score


def compute_metrics(records: pd.DataFrame, *, window: int | None = 3, end: str | None = None) -> pd.DataFrame:
    """Compute every person's metrics over a window, raw and adjusted for small samples.

    Formulas (counts summed over the window's rows; a month counts toward a ratio only when both
    its fields are filled):

    * SDR lead rate = leads sent ÷ months with leads sent filled in; qualified-lead rate =
      qualified leads ÷ leads sent; qualification efficiency = qualified leads ÷ calls.
    * AE close rate = deals won ÷ deals worked; quota attainment = revenue won ÷ quota over the
      months where a quota is given; won revenue per month = revenue won ÷ the months with revenue
      filled in. The AEs of the window have one of the last two: attainment when every one of them
      has a quota, else revenue per month (see the module docstring).
    * AM upsell rate = (portfolio end of the last month − portfolio start of the first month in the
      window) ÷ portfolio start of the first month.

    Shrinkage toward the role (only the role's people inform its prior):

    * Proportions (qualified-lead rate, qualification efficiency, close rate) use an empirical-Bayes
      beta-binomial prior: Beta(α, β) per role and metric, fitted by the method of moments with
      people weighted by trials; adjusted = (k + α) / (n + α + β). The prior's mean is the pooled
      rate; its strength α + β is fitted when at least :data:`MIN_PEOPLE_FOR_PRIOR` people have
      trials, kept between 1 and the median person's trials (the cap is also used when the spread is
      no larger than chance gives), and otherwise :data:`PRIOR_FALLBACK_STRENGTH` pseudo-trials.
      ``n`` is the trials.
    * Lead rate, quota attainment, won revenue per month and upsell rate use a credibility weight z = months / (months +
      :data:`CREDIBILITY_MONTHS`): adjusted = mean + z × (raw − mean), with the role's mean of raw
      values weighted by months. ``n`` is the months.
    * A denominator of 0 (e.g. no deals worked) gives a NaN raw value and the role's prior mean as
      adjusted value. ``small_sample`` is set then, and when n is below :data:`MIN_TRIALS` trials
      (proportions) or :data:`MIN_MONTHS` months (the others).

    Args:
        records: The canonical table (core.schema), one row per person and month.
        window: Calendar months counting back from ``end``; ``None`` for every month present.
        end: Last month of the window, ``YYYY-MM``; default the latest month in ``records``.

    Returns:
        Long format, one row per person active in the window and metric of the person's role, with
        :data:`LONG_COLUMNS`; sorted by role (SDR, AE, AM), rep_id and metric display order. Rows of
        a metric the person is not scored on (the AE volume metric not used in this window) hold NaN
        values, ``n`` 0, and are not flagged.

    Raises:
        ValueError: For a missing column, a period that is not ``YYYY-MM``, an unknown role or a
            window below 1 month.
    """
    evaluated = _evaluate(records, window, end)
    rep_ids = evaluated.people["rep_id"].to_numpy()
    parts: list[pd.DataFrame] = []
    for position, spec in enumerate(METRICS):
        v = evaluated.values[spec.id]
        idx = np.flatnonzero(v.member)
        parts.append(
            pd.DataFrame(
                {
                    "rep_id": rep_ids[idx],
                    "role": spec.role,
                    "metric": spec.id,
                    "numerator": v.numerator[idx],
                    "denominator": v.denominator[idx],
                    "raw": v.raw[idx],
                    "adjusted": v.adjusted[idx],
                    "n": v.n[idx],
                    "small_sample": v.small[idx],
                    "_role": ROLES.index(spec.role),
                    "_person": idx,
                    "_metric": position,
                }
            )
        )
    if not parts:  # pragma: no cover - METRICS is never empty
        return pd.DataFrame(columns=list(LONG_COLUMNS))
    long = pd.concat(parts, ignore_index=True)
    order = np.lexsort((long["_metric"].to_numpy(), long["_person"].to_numpy(), long["_role"].to_numpy()))
    return long.iloc[order][list(LONG_COLUMNS)].reset_index(drop=True)


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Combine weights with :func:`default_weights` and check them.

    Args:
        weights: Metric id -> weight for the metrics to change; ``None`` or ``{}`` for the defaults.

    Returns:
        Every metric's weight.

    Raises:
        ValueError: For an unknown metric, a negative or non-finite weight, or a set of a role's
            metrics (:func:`metric_sets`: AEs with and without a quota count apart) whose weights add up to 0.
    """
    resolved = default_weights()
    for name, value in (weights or {}).items():
        if name not in resolved:
            raise ValueError(
                _("Unknown metric '{name}': choose from {items}.").format(name=name, items=", ".join(resolved))
            )
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(
                _("The weight for {name} must be a number of 0 or more; it is {value}.").format(name=name, value=value)
            )
        resolved[name] = number
    for role in ROLES:
        sets = metric_sets(role)
        for position, specs in enumerate(sets):
            if sum(resolved[spec.id] for spec in specs) <= 0:
                if len(sets) == 1:
                    sentence = _(
                        "The {role} weights add up to 0 for {role}s ({names}); give at least one of them a weight "
                        "above 0."
                    )
                elif position == 0:
                    sentence = _(
                        "The {role} weights add up to 0 for {role}s with a quota ({names}); give at least one of them "
                        "a weight above 0."
                    )
                else:
                    sentence = _(
                        "The {role} weights add up to 0 for {role}s without a quota ({names}); give at least one of "
                        "them a weight above 0."
                    )
                raise ValueError(sentence.format(role=role, names=", ".join(spec.id for spec in specs)))
    return resolved


def _percentile(values: FloatArray, tiebreak: FloatArray | None = None) -> FloatArray:
    """Mid-rank percentile 0–100 among the non-NaN values: (rank − 0.5) / count, ties share a rank.

    With ``tiebreak``, equal values are ordered by it (a missing tie-break value ranks lowest), and
    only people equal in both share a rank.
    """
    # One block: the same sort as for the windows of score_windows (pandas' rank cost more, #17).
    return _percentile_in_blocks(np.asarray(values, dtype=np.float64), tiebreak, np.zeros(len(values), dtype=np.int64))


def _percentile_in_blocks(values: FloatArray, tiebreak: FloatArray | None, block: IntArray) -> FloatArray:
    """:func:`_percentile` within each block of people (``block`` non-decreasing) at once, as if each block were
    ranked alone: each block's values sorted on their own, ranks counted from each block's start.

    Equal values share a rank, so the order among them does not matter: an unstable sort per block, not a
    stable sort of every block by three keys (#17: the history's ten blocks, 0.06 s a command).
    """
    size = values.size
    out = np.full(size, np.nan)
    if size == 0:
        return out
    rows = np.flatnonzero(~np.isnan(values) if tiebreak is None else np.isfinite(values))  # as _percentile_rows
    b = block[rows]  # the same after sorting within the blocks
    parts = np.split(rows, np.flatnonzero(b[1:] != b[:-1]) + 1)  # each block's ranked rows
    new_group = np.ones(rows.size, dtype=bool)
    if tiebreak is None:
        order = np.concatenate([part[np.argsort(values[part])] for part in parts])
        v = values[order]
        new_group[1:] = (b[1:] != b[:-1]) | (v[1:] != v[:-1])
    else:
        second = np.where(np.isfinite(tiebreak), tiebreak, -np.inf)
        order = np.concatenate([part[np.lexsort((second[part], values[part]))] for part in parts])
        v, t = values[order], second[order]
        new_group[1:] = (b[1:] != b[:-1]) | (v[1:] != v[:-1]) | (t[1:] != t[:-1])
    count = np.bincount(b, minlength=int(block[-1]) + 1)  # ranked people per block
    start = np.cumsum(count) - count
    out[order] = _run_percentiles(
        new_group,
        lambda first: start[b[first]],
        lambda first: np.maximum(count[b[first]], 1),
    )
    return out


def _run_percentiles(
    new_group: BoolArray,
    block_start: Callable[[IntArray], IntArray],
    ranked: Callable[[IntArray], IntArray],
    known: BoolArray | None = None,
) -> FloatArray:
    """The percentiles of sorted values, in their sorted order: ``new_group`` marks where each run of equal
    values begins (a run never spans two blocks); ``block_start`` gives, for the first positions of runs, where
    their block begins, ``ranked`` how many values it ranks; ``known``: which values are ranked (NaN for the
    rest, which are runs of their own).

    A run's values share the mean of their 1-based positions — here the mean of its first and last, the same
    number the sum of its positions over its size gives (whole numbers and halves are exact) — so each run is
    computed once and repeated (#17: a replicate's 8,000 scores hold a few hundred distinct values).
    """
    first = np.flatnonzero(new_group)
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1:] = new_group.size - 1
    base = block_start(first)
    mean_rank = ((first - base + 1) + (last - base + 1)) / 2.0
    value = (mean_rank - 0.5) / ranked(first) * 100.0
    if known is not None:
        value = np.where(known[first], value, np.nan)
    return np.repeat(value, last - first + 1)


def score_people(
    records: pd.DataFrame | RecordIndex,
    *,
    window: int | None = 3,
    end: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Score every person active in the window, 0–100 within their role.

    Each metric's adjusted value (see :func:`compute_metrics`) is placed among the role's people as a
    mid-rank percentile, (rank − 0.5) / count × 100, ties sharing their average rank. The score is the
    weighted mean of a person's percentiles with the role's weights renormalised over the metrics the
    person has. AEs are scored on quota attainment or, when not every AE of the window has a quota, on
    won revenue per month, whose ties are broken by won deals per month (see the module docstring).
    A better value in any metric never lowers the person's score.

    Args:
        records: The canonical table (core.schema), one row per person and month; or its :func:`index_records`
            to score many windows of the same table.
        window: Calendar months counting back from ``end``; ``None`` for every month present.
        end: Last month of the window, ``YYYY-MM``; default the latest month in ``records``.
        weights: Metric id -> weight, overriding :func:`default_weights` for the metrics named.

    Returns:
        One row per person: rep_id, name, role, team, region, manager, coach_willing, coach_aptitude,
        coach_trained (blank when the records lack them), months (active
        months in the window); for every metric of every role ``<id>`` (adjusted value, NaN outside
        the person's role or when the person does not have it), ``<id>_raw`` and ``<id>_pct``; then
        ``score`` and ``small_sample`` (any of the person's metrics flagged). The score is NaN, sorted
        last, only when every metric the person has weighs 0. Sorted by role (SDR, AE, AM), score
        descending, rep_id.

    Raises:
        ValueError: As :func:`compute_metrics` and :func:`check_weights`.
    """
    resolved = check_weights(weights)
    evaluated = _evaluate(records, window, end)
    role = role_codes(evaluated.people["role"].to_numpy(dtype=object))
    percentiles, score, small = _weighted_arrays(evaluated.values, role, resolved)
    columns: dict[str, object] = {str(c): evaluated.people[c] for c in evaluated.people.columns}
    for spec in METRICS:
        v = evaluated.values[spec.id]
        columns[spec.id] = v.adjusted
        columns[f"{spec.id}_raw"] = v.raw
        columns[f"{spec.id}_pct"] = percentiles[spec.id]
    columns["score"] = score
    columns["small_sample"] = small
    scored = pd.DataFrame(columns, index=evaluated.people.index)
    return scored.iloc[_score_order(role, score)].reset_index(drop=True)


def score_only(
    records: pd.DataFrame | RecordIndex,
    *,
    window: int | None = 3,
    end: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """``rep_id``, ``role`` and ``score`` of :func:`score_people` — the same rows in the same order — without the
    metrics' columns: what the tiers of the earlier windows and single months need (persistence, trend), at
    a fraction of the cost when many windows are scored.

    Raises:
        ValueError: As :func:`score_people`.
    """
    resolved = check_weights(weights)
    evaluated = _evaluate(records, window, end, ("rep_id", "role"))
    people = evaluated.people
    role = role_codes(people["role"].to_numpy(dtype=object))
    _percentiles, score, _small = _weighted_arrays(evaluated.values, role, resolved)
    scored = pd.DataFrame({"rep_id": people["rep_id"], "role": people["role"], "score": score}, index=people.index)
    return scored.iloc[_score_order(role, score)].reset_index(drop=True)


def score_windows(
    records: pd.DataFrame | RecordIndex,
    windows: Sequence[tuple[int | None, str | None]],
    *,
    weights: Mapping[str, float] | None = None,
) -> list[pd.DataFrame]:
    """:func:`score_only` of each (window, end) in ``windows`` — the same tables — scored in one pass (#17).

    The windows' people are stacked as blocks, as :func:`score_replicates` stacks resamples: sums are one
    ``bincount`` over all windows, each block fits its own priors, decides on its own how AEs are scored
    and places people among its own role. The trend's six single months and persistence's earlier windows
    cost one scoring instead of nine.

    Raises:
        ValueError: As :func:`score_people`.
    """
    check_weights(weights)  # before the records, as score_people
    index = records if isinstance(records, RecordIndex) else index_records(records)
    types = index.records["rep_id"].dtype, index.records["role"].dtype  # the texts as the records hold them
    out = []
    for person, role, score in score_window_codes(index, windows, weights=weights):
        texts = pd.Series(index.rep_ids[person], dtype=types[0]), pd.Series(_ROLE_TEXTS[role], dtype=types[1])
        frame = pd.DataFrame({"rep_id": texts[0], "role": texts[1], "score": score})
        out.append(frame.iloc[_score_order(role, score)].reset_index(drop=True))
    return out


_ROLE_TEXTS: Final = np.array(ROLES, dtype=object)


def score_window_codes(
    index: RecordIndex,
    windows: Sequence[tuple[int | None, str | None]],
    *,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[IntArray, IntArray, FloatArray]]:
    """:func:`score_windows` as codes, each window's people in rep_id order: (person numbers, rows of
    ``index.rep_ids``; roles, positions in ``ROLES``; scores) — for ranking the windows without their texts.

    Raises:
        ValueError: As :func:`score_people`.
    """
    resolved = check_weights(weights)
    parts = [_window_codes(index, window, end) for window, end in windows]
    if not parts:
        return []
    bounds = np.concatenate([[0], np.cumsum([rows.people for rows, _person, _role in parts])]).astype(np.int64)
    stacked = _Rows(
        index.records,
        np.concatenate([rows.rows for rows, _person, _role in parts]),
        np.concatenate([rows.rep + bounds[g] for g, (rows, _person, _role) in enumerate(parts)]),
        int(bounds[-1]),
        index.numbers,
    )
    role = np.concatenate([role for _rows, _person, role in parts])
    values = {spec.id: _metric(spec, stacked, role == ROLES.index(spec.role), bounds) for spec in METRICS}
    quota = values[QUOTA_METRIC]
    block = np.repeat(np.arange(len(parts)), np.diff(bounds))
    lacking = np.bincount(block[quota.member & (quota.n <= 0)], minlength=len(parts)) > 0  # an AE without quota
    values[NO_QUOTA_METRIC] = values[NO_QUOTA_METRIC].unused_where(~lacking[block])
    values[QUOTA_METRIC] = values[QUOTA_METRIC].unused_where(lacking[block])
    # Every window's percentiles in one sort per metric (the window is the first key), not one per window and metric.
    _percentiles, scores, _small = _weighted_arrays(values, role, resolved, block)
    return [
        (person, role, scores[int(bounds[g]) : int(bounds[g + 1])]) for g, (_rows, person, role) in enumerate(parts)
    ]


def _weighted_arrays(
    values: Mapping[str, _Values],
    role: IntArray,
    resolved: Mapping[str, float],
    block: IntArray | None = None,
) -> tuple[dict[str, FloatArray], FloatArray, BoolArray]:
    """Each metric's percentiles within role, the weighted score and whether any metric is a small sample, of people
    given as arrays (``role``: positions in ``ROLES``); with ``block``
    (non-decreasing), each block of people (a window) is placed among its own only, as if each were scored alone."""
    size = len(role)
    percentiles: dict[str, FloatArray] = {}
    small = np.zeros(size, dtype=bool)
    for spec in METRICS:
        v = values[spec.id]
        if block is None:
            percentiles[spec.id] = _percentile(v.adjusted, v.tiebreak)
        else:
            percentiles[spec.id] = _percentile_in_blocks(v.adjusted, v.tiebreak, block)
        small |= v.small
    score = np.full(size, np.nan)
    for each in ROLES:
        specs = metrics_for(each)
        pct = np.column_stack([percentiles[spec.id] for spec in specs])
        has = np.isfinite(pct)
        weight = np.where(has, np.array([resolved[spec.id] for spec in specs]), 0.0)
        weight_sum = weight.sum(axis=1)
        weighted = np.where(has, pct, 0.0) * weight
        in_role = (role == ROLES.index(each)) & (weight_sum > 0)
        score[in_role] = weighted[in_role].sum(axis=1) / weight_sum[in_role]
    return percentiles, score, small


def _score_order(role: IntArray, score: FloatArray) -> IntArray:
    """Rows by role (``role``: positions in ``ROLES``), score descending (missing last), then as they came (rep_id
    order)."""
    return np.lexsort((np.arange(score.size), np.where(np.isnan(score), np.inf, -score), role))


def role_medians(scored: pd.DataFrame) -> pd.DataFrame:
    """Summarise each role's metrics for "compared with the role median" explanations.

    Args:
        scored: The output of :func:`score_people` (any subset of its rows).

    Returns:
        One row per metric in display order: role, metric, label, unit, people (with a value), and
        ``raw_median``, ``raw_p75``, ``adjusted_median``, ``adjusted_p75`` over the role's people
        (NaN where nobody has a value).
    """
    rows: list[dict[str, object]] = []
    for spec in METRICS:
        in_role = scored["role"] == spec.role
        raw = scored.loc[in_role, f"{spec.id}_raw"].astype(np.float64)
        adjusted = scored.loc[in_role, spec.id].astype(np.float64)
        rows.append(
            {
                "role": spec.role,
                "metric": spec.id,
                "label": spec.label,
                "unit": spec.unit,
                "people": int(adjusted.count()),
                "raw_median": float(raw.median()),
                "raw_p75": float(raw.quantile(0.75)),
                "adjusted_median": float(adjusted.median()),
                "adjusted_p75": float(adjusted.quantile(0.75)),
            }
        )
    return pd.DataFrame(rows)


def scored_on(scored: pd.DataFrame, weights: Mapping[str, float] | None = None) -> dict[str, dict[str, float]]:
    """Say which metrics each role was scored on, and each one's share of the score.

    A metric counts when someone of the role has a percentile for it and its weight is above 0;
    the shares are the weights renormalised over those metrics, rounded to 4 places.

    Args:
        scored: The output of :func:`score_people` or of a segmentation (all of a role's people, or
            any of them: the metrics used are the same for the whole role).
        weights: The weights the scoring used (``None`` for the defaults).

    Returns:
        Role -> {metric id: share}, for the roles present, in SDR, AE, AM order.
    """
    resolved = check_weights(weights)
    out: dict[str, dict[str, float]] = {}
    roles = scored["role"].to_numpy(dtype=object)
    for role in ROLES:
        of_role = roles == role  # the role's rows of a few columns, not of the whole table (#17)
        if not of_role.any():
            continue
        used = [
            spec
            for spec in metrics_for(role)
            if resolved[spec.id] > 0
            and f"{spec.id}_pct" in scored.columns
            and bool(scored[f"{spec.id}_pct"].notna().to_numpy()[of_role].any())
        ]
        total = sum(resolved[spec.id] for spec in used)
        out[role] = {spec.id: round(resolved[spec.id] / total, 4) for spec in used}
    return out


def without_quota(records: pd.DataFrame, *, window: int | None = 3, end: str | None = None) -> pd.DataFrame:
    """The AEs of the window without a quota: those whose months there hold no quota above 0 (with revenue).

    Exactly the AEs that make the role be scored on won revenue per month (see the module docstring), so
    this is empty when AEs are scored on quota attainment.

    Args:
        records: The canonical table, as :func:`score_people` takes it.
        window: As :func:`score_people`.
        end: As :func:`score_people`.

    Returns:
        ``rep_id`` and ``name``, sorted by name then rep_id.
    """
    rows, people = _window_rows(records, window, end)
    member = (people["role"].astype(str) == "AE").to_numpy()
    quota = _metric(next(spec for spec in METRICS if spec.id == QUOTA_METRIC), rows, member)
    lacking = pd.DataFrame(people.loc[member & (quota.n == 0), ["rep_id", "name"]])
    return lacking.sort_values(["name", "rep_id"], kind="stable").reset_index(drop=True)


def without_quota_text(names: Sequence[str], *, others: int = 0, shown: int = 5) -> str:
    """Who lacks a quota, for people: ``AEs without a quota in this window: Ann, Bo and 3 more.``

    Args:
        names: The names the reader may see (their own people; aliases in presentation mode).
        others: How many more lack one among people the reader may not see named (other teams).
        shown: How many names to write before counting the rest.
    """
    parts = list(names[:shown])
    if len(names) > shown:
        parts[-1] = _("{names} and {n} more").format(names=parts[-1], n=number_text(len(names) - shown))
    if others:
        tail = _("{n} in other teams").format(n=number_text(others))
        if parts:
            parts[-1] = _("{names} and {rest}").format(names=parts[-1], rest=tail)
        else:
            parts.append(tail)
    return _("AEs without a quota in this window: {names}.").format(names=", ".join(parts))


def weights_text(shares: Mapping[str, float]) -> str:
    """Metric shares as ``close_rate=0.6;revenue_per_month=0.4``: what :func:`parse_weights` reads back."""
    return ";".join(f"{metric}={share:g}" for metric, share in shares.items())


def scored_on_text(used: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One line per role for people: ``AE: close rate 60%, won revenue per month 40%`` and why, where it matters.

    Args:
        used: The output of :func:`scored_on`.
    """
    labels = {spec.id: spec.label for spec in METRICS}
    lines: list[str] = []
    for role, shares in used.items():
        parts = ", ".join(
            f"{metric_name(labels[m], in_sentence=True)} {percent_text(share)}" for m, share in shares.items()
        )
        line = f"{role}: {parts or _('no metric with a value')}"
        if NO_QUOTA_METRIC in shares:
            line += f" — {_(NO_QUOTA_NOTE)}"
        lines.append(line)
    return lines


def metrics_with_values(medians: pd.DataFrame, role: str) -> tuple[MetricSpec, ...]:
    """The role's metrics someone has a value for in :func:`role_medians`'s table, in display order.

    This leaves out the AE volume metric a scoring did not use (quota attainment or won revenue per
    month), so explanations, plans and briefs do not state an "n/a" for it. A table without the
    ``people`` count (one written by hand) counts a metric that has a median.
    """
    # The table has a row per metric: plain Python over its columns beats a pandas filter 20× (plans call this
    # a few times per person, #17).
    roles, metrics = medians["role"].tolist(), medians["metric"].tolist()
    if "people" in medians.columns:
        known = [people > 0 for people in medians["people"].tolist()]
    else:
        known = [not math.isnan(median) for median in medians["raw_median"].astype(float).tolist()]
    having = {metric for r, metric, ok in zip(roles, metrics, known, strict=True) if ok and r == role}
    return tuple(spec for spec in metrics_for(role) if spec.id in having)


def metric_refs(medians: pd.DataFrame, role: str, metric: str) -> tuple[float, float]:
    """The role's raw median and top-quartile start for one metric from :func:`role_medians` (NaN if absent)."""
    return _refs_by_metric(medians).get((role, metric), (math.nan, math.nan))


class _RefsSeen:
    """The last medians table looked up and its references by (role, metric), set as one tuple (threads share it)."""

    last: tuple[weakref.ref[pd.DataFrame], dict[tuple[str, str], tuple[float, float]]] | None = None


def _refs_by_metric(medians: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """``medians``' (raw median, top-quartile start) by (role, metric), read once per table.

    Plans look references up ~8 times per person; reading the table's four columns each time cost ~0.1 ms a
    lookup, 1,000 plans ~1 s (#17). A table is known by its identity: :func:`role_medians` builds a new one
    and no caller changes it in place.
    """
    last = _RefsSeen.last
    if last is not None and last[0]() is medians:
        return last[1]
    refs: dict[tuple[str, str], tuple[float, float]] = {}
    rows = zip(
        medians["role"].tolist(),
        medians["metric"].tolist(),
        medians["raw_median"].tolist(),
        medians["raw_p75"].tolist(),
        strict=True,
    )
    for role, metric, median, p75 in rows:
        refs.setdefault((role, metric), (float(median), float(p75)))  # the first row, as a scan finds it
    _RefsSeen.last = (weakref.ref(medians), refs)
    return refs


def format_value(spec: MetricSpec, value: float) -> str:
    """A metric value as people read it: ``41.0%``, ``22.0 per month``, ``48,250 per month``; ``n/a`` when missing."""
    if value is None or value != value:  # NaN
        return _("n/a")
    if spec.unit == "money per month":  # i18n: data — one currency, whichever the file uses: no symbol
        return _("{value} per month").format(value=number_text(value))
    if spec.unit == "%":
        return percent_text(value, digits=1)
    if spec.unit == "×":
        return percent_text(value)
    if spec.unit == "per month":
        return _("{value} per month").format(value=number_text(value, digits=1, grouped=False))
    return f"{value:.1f} {spec.unit}"


def metric_name(label: str, *, in_sentence: bool = False) -> str:
    """A metric's label in the language core speaks now; ``in_sentence`` starts it lower case where the language does.

    ``metric_name("Close rate", in_sentence=True)`` is ``close rate``, ``Abschlussquote`` (German nouns keep
    their capital), ``sluitingspercentage``.
    """
    name = _(label)
    if in_sentence and current().language != "de":
        return name[:1].lower() + name[1:]
    return name


def number_text(value: float, *, digits: int = 0, grouped: bool = True) -> str:
    """A number in a sentence of the language core speaks now: ``1,234.5`` / ``1.234,5``.

    English keeps the text it always had (``grouped=False`` writes ``1234.5``, as those sentences did);
    German and Dutch group thousands through Babel (:mod:`core.i18n.formats`).
    """
    lang = current().language
    if lang == "en":
        return f"{value:,.{digits}f}" if grouped else f"{value:.{digits}f}"
    from core.i18n.formats import format_number  # Babel: loaded only when a sentence needs it

    return format_number(value, lang, digits=digits)


def signed_text(value: float, *, digits: int = 1) -> str:
    """A signed number in a sentence (``+3.2``, ``−1,5``): the sign always written."""
    if current().language == "en":
        return f"{value:+.{digits}f}"
    return ("+" if value >= 0 else "−") + number_text(abs(value), digits=digits)


def percent_text(share: float, *, digits: int = 0) -> str:
    """A share (``0.41``) as a percentage in a sentence: ``41%`` (en, nl), ``41 %`` (de)."""
    lang = current().language
    if lang == "en":
        return f"{share * 100:.{digits}f}%"
    from core.i18n.formats import format_percent

    return format_percent(share, lang, digits=digits)
