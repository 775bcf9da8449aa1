"""What moved: the diagnosis a plan gives before any advice (PRODUCT.md, "What a good coaching plan holds").

A focus area says where a person stands against the role; this says what changed in their own figures,
so the first conversation is about the real story and not about a rate alone:

* **AE** — deal count vs deal size vs close rate: won deals a month, revenue per won deal, won of worked.
* **SDR** — volume vs quality: calls and leads sent a month, and the share of leads accepted as qualified.
* **AM** — the portfolio: where it went over the period, and the month a large drop came in.

The current months are compared with the same number of months just before them; without two of those,
the first half of the period is compared with the second. A figure "moved" when it changed by
:data:`MOVED` or more of its earlier value; otherwise it "held", and the plan says so too, because where
the change is *not* matters as much. Data starting after the period began is said plainly.

Everything is in the person's own counts and amounts — never a tier, percentile, rank or score — and
pure: the same months give the same sentences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import _, ngettext
from core.months import add_months
from core.plans.sections import about
from core.plans.words import and_join, capital, number, percent, span

MOVED: Final = 0.15
"""A relative change of at least this much of the earlier value is a move; a smaller one held."""
MIN_MONTHS: Final = 2
"""Months each side of a comparison needs, so one odd month is not read as a change."""
MIN_SPLIT: Final = 4
"""Months the period needs before its two halves are compared (when no earlier months exist)."""
AM_DROP_SHARE: Final = 0.5
"""A single month's fall is named when it is at least this share of all the portfolio's movement."""


@dataclass(frozen=True)
class _Figure:
    """One figure compared across two spans, with how to say it."""

    noun: str  # "won deals", "revenue per won deal", "close rate" (in the plan's language)
    before: float
    now: float
    say: Callable[[float], str]  # "about 3 a month", "about 32,000", "25%"
    step: Callable[[float], str]  # the same without "about" after "from … to": "3", "32,000", "25%"
    per_month: bool = False  # a moved figure says "a month" after its "to"

    @property
    def known(self) -> bool:
        return math.isfinite(self.before) and math.isfinite(self.now)

    @property
    def change(self) -> float:
        """The change as a share of the earlier value (inf when it rose from zero, 0 when both are zero)."""
        if self.before == 0:
            return 0.0 if self.now == 0 else math.inf
        return (self.now - self.before) / abs(self.before)

    @property
    def moved(self) -> bool:
        return self.known and abs(self.change) >= MOVED and self.step(self.before) != self.step(self.now)

    def moved_text(self) -> str:
        rose = self.now > self.before
        if self.step is _pct:
            said = (
                _("your {noun} rose from {before} to {now}") if rose else _("your {noun} fell from {before} to {now}")
            )
        elif self.per_month:
            said = (
                _("your {noun} rose from about {before} to {now} a month")
                if rose
                else _("your {noun} fell from about {before} to {now} a month")
            )
        else:
            said = (
                _("your {noun} rose from about {before} to {now}")
                if rose
                else _("your {noun} fell from about {before} to {now}")
            )
        return said.format(noun=self.noun, before=self.step(self.before), now=self.step(self.now))

    def held_text(self) -> str:
        return _("your {noun} at {value}").format(noun=self.noun, value=self.say(self.now))


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else math.nan


_COLUMNS: Final = {
    "AE": ("deals_won", "deals_worked", "revenue_won"),
    "SDR": ("calls", "leads_sent", "qualified_leads"),
    "AM": ("portfolio_start", "portfolio_end"),
}
"""The columns each role's diagnosis reads."""


@dataclass(frozen=True)
class _Rows:
    """A person's monthly rows as plain arrays: a few dozen rows, where each pandas call cost more than the work
    (the diagnosis was ~6 ms a plan, half of working out 1,000 plans, #17)."""

    periods: tuple[str, ...]  # YYYY-MM, in the rows' order
    numbers: Mapping[str, npt.NDArray[np.float64]]  # the role's columns as numbers, NaN where missing or not one

    @staticmethod
    def of(records: pd.DataFrame, columns: Sequence[str]) -> _Rows:
        numbers = {
            column: pd.to_numeric(records[column], errors="coerce").to_numpy(dtype="float64", na_value=math.nan)
            for column in columns
            if column in records.columns
        }
        return _Rows(tuple(records["period"].astype(str).tolist()), numbers)

    def where(self, kept: Callable[[str], bool] | Collection[str]) -> _Rows:
        """The rows whose period is in ``kept`` (or for which ``kept(period)`` is true), in order."""
        keep = kept if callable(kept) else kept.__contains__
        mask = np.fromiter((keep(p) for p in self.periods), dtype=bool, count=len(self.periods))
        return self.take(np.flatnonzero(mask))

    def take(self, rows: npt.NDArray[np.intp] | Sequence[int]) -> _Rows:
        index = np.asarray(rows, dtype=np.intp)
        return _Rows(
            tuple(self.periods[i] for i in index), {name: values[index] for name, values in self.numbers.items()}
        )

    def column(self, name: str) -> npt.NDArray[np.float64]:
        values = self.numbers.get(name)
        return values if values is not None else np.full(len(self.periods), math.nan)

    @property
    def months(self) -> int:
        return len(set(self.periods))


def _sum(rows: _Rows, column: str) -> float:
    """The column's total over the rows (missing values skipped, as pandas sums); NaN when none has a value."""
    values = rows.numbers.get(column)
    if values is None:
        return math.nan
    known = ~np.isnan(values)
    return float(np.where(known, values, 0.0).sum()) if known.any() else math.nan


def _months(rows: _Rows) -> int:
    return rows.months


def _count(value: float) -> str:
    """A count a month as people say it: ``2.5``, ``3``, ``410``."""
    if value < 10:
        return number(value, 1).removesuffix(".0").removesuffix(",0")
    return about(value)


def _about_count(value: float) -> str:
    return _("about {count}").format(count=_count(value))


def _about_amount(value: float) -> str:
    return _("about {count}").format(count=about(value))


def _a_month(value: float) -> str:
    return _("{count} a month").format(count=_about_count(value))


def _pct(value: float) -> str:
    return percent(value)


def _spans(records: _Rows, window: Sequence[str]) -> tuple[_Rows, _Rows, str, str] | None:
    """(earlier rows, later rows, earlier label, later label): the months before the period, or its halves."""
    now = records.where(set(window))
    before = records.where({add_months(window[0], -k) for k in range(len(window), 0, -1)})
    if _months(before) >= MIN_MONTHS and _months(now) >= MIN_MONTHS:
        return before, now, span(before.periods), span(now.periods)
    months = sorted(set(now.periods))
    if len(months) < MIN_SPLIT:
        return None
    half = len(months) // 2
    first, second = now.where(set(months[:half])), now.where(set(months[half:]))
    start = _("the start of this period ({months})").format(months=span(months[:half]))
    return first, second, start, span(months[half:])


def _held_sentence(held: Sequence[_Figure]) -> str:
    first, *rest = held
    parts = [
        _("your {noun} held at {value}").format(noun=first.noun, value=first.say(first.now)),
        *(f.held_text() for f in rest),
    ]
    return capital(and_join(parts)) + "."


def _ae(before: _Rows, now: _Rows, before_label: str) -> list[str]:
    def figures(frame: _Rows) -> tuple[float, float, float]:
        won, worked, revenue = _sum(frame, "deals_won"), _sum(frame, "deals_worked"), _sum(frame, "revenue_won")
        return won / _months(frame), _ratio(revenue, won), _ratio(won, worked)

    (w0, s0, r0), (w1, s1, r1) = figures(before), figures(now)
    return _lines(
        [
            _Figure(_("won deals"), w0, w1, _a_month, _count, per_month=True),
            _Figure(_("revenue per won deal"), s0, s1, _about_amount, about),
            _Figure(_("close rate"), r0, r1, _pct, _pct),
        ],
        before_label,
    )


def _lines(figures: Sequence[_Figure], before_label: str) -> list[str]:
    """What moved (largest change first) and what held, against the months before."""
    known = [f for f in figures if f.known]
    if not known:
        return []
    moved = sorted((f for f in known if f.moved), key=lambda f: -abs(f.change))
    held = [f for f in known if not f.moved]
    if not moved:
        listed = and_join([f"{f.noun} ({f.say(f.now)})" for f in held])
        return [
            _(
                "Against {months}, your {figures} held: the gap is not new, so the question is how you work "
                "rather than what changed."
            ).format(months=before_label, figures=listed)
        ]
    said = and_join([f.moved_text() for f in moved])
    lines = [_("Compared with {months}, {changes}.").format(months=before_label, changes=said)]
    if held:
        lines.append(_held_sentence(held))
    return lines


def _sdr(before: _Rows, now: _Rows, before_label: str) -> list[str]:
    def figures(frame: _Rows) -> tuple[float, float, float]:
        sent = _sum(frame, "leads_sent")
        return (
            _sum(frame, "calls") / _months(frame),
            sent / _months(frame),
            _ratio(_sum(frame, "qualified_leads"), sent),
        )

    (c0, l0, q0), (c1, l1, q1) = figures(before), figures(now)
    calls = _Figure(_("calls"), c0, c1, _about_count, _count)
    sent = _Figure(_("leads sent"), l0, l1, _about_count, _count)
    quality = _Figure("", q0, q1, _pct, _pct)
    volume = [f for f in (calls, sent) if f.known]
    volume_moved = any(f.moved for f in volume)
    lines: list[str] = []
    if volume and volume_moved:
        went = and_join(
            [_("from about {before} to {now} {noun}").format(before=f.step(f.before), now=f.step(f.now), noun=f.noun)
             for f in volume]
        )  # fmt: skip
        fell = sum(f.now - f.before for f in volume if f.moved) < 0
        said = (
            _("Compared with {months}, your volume fell: {changes} a month.")
            if fell
            else _("Compared with {months}, your volume rose: {changes} a month.")
        )
        lines.append(said.format(months=before_label, changes=went))
    elif volume:
        now_said = and_join([f"{f.say(f.now)} {f.noun}" for f in volume])
        then_said = and_join([f"{_count(f.before)}" for f in volume])
        lines.append(
            _("Your volume held: {now} a month, against {before} in {months}.").format(
                now=now_said, before=then_said, months=before_label
            )
        )
    if quality.known and quality.moved:
        went = (
            _("rose from {before} to {now}") if quality.now > quality.before else _("fell from {before} to {now}")
        ).format(before=_pct(quality.before), now=_pct(quality.now))
        if volume and not volume_moved:
            lines.append(
                _(
                    "But the share of leads accepted as qualified {change}: the change is in quality, not in effort."
                ).format(change=went)
            )
        else:
            lines.append(_("The share of leads accepted as qualified {change} as well.").format(change=went))
    elif quality.known:
        lines.append(
            (
                _("The share of leads accepted as qualified held at {value}: the change is in volume, not in quality.")
                if volume_moved
                else _(
                    "The share of leads accepted as qualified held at {value} too: the gap is not new, so the "
                    "question is how you work rather than what changed."
                )
            ).format(value=_pct(quality.now))
        )
    return lines


def _portfolio(rows: _Rows) -> tuple[_Rows, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The rows with both portfolio values, by period; their start and end values."""
    known = ~(np.isnan(rows.column("portfolio_start")) | np.isnan(rows.column("portfolio_end")))
    kept = rows.take(np.flatnonzero(known))
    kept = kept.take(sorted(range(len(kept.periods)), key=kept.periods.__getitem__))
    return kept, kept.column("portfolio_start"), kept.column("portfolio_end")


def _am(records: _Rows, window: Sequence[str], before_label: str | None) -> list[str]:
    now, starts, ends = _portfolio(records.where(set(window)))
    if not now.periods:
        return []
    change = ends - starts
    first, last = float(starts[0]), float(ends[-1])
    label = span(now.periods)
    said = {"months": label, "start": about(first), "end": about(last)}
    if (change >= 0).all():
        lines = [
            _("Over {months} your portfolio did not fall in any month: from about {start} to {end}.").format(**said)
        ]
    else:
        lines = [_("Over {months} your portfolio went from about {start} to {end}.").format(**said)]
    worst = int(change.argmin())
    drop = float(change[worst])
    movement = float(np.abs(change).sum())
    if drop < 0 and movement > 0 and -drop >= AM_DROP_SHARE * movement:
        lines.append(
            _(
                "Most of the change came in {month}: from about {start} to {end} that month ({drop} less). Which "
                "accounts moved, and why?"
            ).format(
                month=span([now.periods[worst]]),
                start=about(float(starts[worst])),
                end=about(float(ends[worst])),
                drop=about(-drop),
            )
        )
    elif drop < 0:
        lines.append(_("No single month stands out: the change is spread over the period. Which accounts moved most?"))
    if before_label is not None:
        first_month = min(window)
        earlier, starts, ends = _portfolio(records.where(lambda period: period < first_month))
        keep = max(0, len(earlier.periods) - len(window))  # the last months before the period
        earlier, starts, ends = earlier.take(range(keep, len(earlier.periods))), starts[keep:], ends[keep:]
        if _months(earlier) >= MIN_MONTHS:
            grew = float(ends[-1] - starts[0])
            months = span(earlier.periods)
            if grew > 0:
                text = _("In the months before ({months}) it grew by about {amount}.")
            elif grew < 0:
                text = _("In the months before ({months}) it shrank by about {amount}.")
            else:
                text = _("In the months before ({months}) it held.")
            lines.append(text.format(months=months, amount=about(abs(grew))))
    return lines


def what_moved(role: str, records: pd.DataFrame, window: Sequence[str]) -> tuple[str, ...]:
    """Sentences to the person on what changed in their own figures, and when their figures start.

    Args:
        role: ``"SDR"``, ``"AE"`` or ``"AM"``.
        records: The person's canonical monthly rows (any months; ``period`` as ``YYYY-MM``).
        window: The months of the current period, ``YYYY-MM``.

    Returns:
        Zero to four sentences; none when there is nothing the figures can honestly say.
    """
    months = sorted({str(p) for p in window})
    if records.empty or "period" not in records.columns or not months:
        return ()
    rows = _Rows.of(records, _COLUMNS.get(role, ()))
    mine = sorted(set(rows.periods) & set(months))
    if not mine:
        return ()
    lines: list[str] = []
    if mine[0] > months[0]:
        count = len(mine)
        lines.append(
            ngettext(
                "Your figures start in {month}, so this period holds {count} month of them, not {total}.",
                "Your figures start in {month}, so this period holds {count} months of them, not {total}.",
                count,
            ).format(month=span([mine[0]]), count=count, total=len(months))
        )
    if role == "AM":
        earlier = {add_months(months[0], -k) for k in range(len(months), 0, -1)}
        has_before = sum(period in earlier for period in rows.periods) >= MIN_MONTHS
        return (*lines, *_am(rows, months, "before" if has_before else None))
    spans = _spans(rows, months)
    if spans is None:
        return tuple(lines)
    before, now, before_label, _later = spans
    if role == "AE":
        lines += _ae(before, now, before_label)
    elif role == "SDR":
        lines += _sdr(before, now, before_label)
    return tuple(lines)
