"""Individual coaching plans and HR briefs: the content of one document per person, and its Markdown.

PRODUCT.md ("What a good coaching plan holds"). :func:`build_plan` fills a :class:`core.plans.model.Plan`
from the segmentation (tier after overrides, each metric's raw value and percentile within role), the
role medians, the peer-coaching chains, the monthly score history, the check-in log and what a manager
edited. The tier decides the kind of document:

* **core → "coaching"**: why this tier; 1–3 focus areas (the person's weakest metrics relative to peers,
  each with practice options from :data:`PLAYBOOK` and a measurable goal reviewed after
  :data:`REVIEW_DAYS` days); the peer coach (or the manager, or an external coach); the cadence; who
  owns what; questions to discuss; what the research says — as research, not a promise.
* **top → "top"**: why this tier; retention options to discuss; their coaching role (whom they coach,
  the expected hours a month, how the hours are credited) or their place in the coach pool.
* **low → "hr_brief"**: facts, the monthly trend, persistence across windows, the support given so far
  and a note that a person decides. Never a recommendation about anyone's employment.

Manager edits (keys as :mod:`core.plans.store` stores them) replace the generated part they name and are
listed in ``Plan.edited_fields``; every part not edited follows the data it is built from.
Everything here is pure and deterministic: the same inputs give the same plan and the same Markdown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Final

import pandas as pd

from core.cells import RowIndex, cell_number, cell_text
from core.coaching.chains import ChainResult, ChainSettings, match_chains
from core.i18n import LANGUAGES, N_, _, current, ngettext, speaking
from core.months import format_date, window_periods
from core.plans.diagnosis import what_moved
from core.plans.document import carried_lines, to_markdown
from core.plans.model import CHECKPOINT_DAYS, REVIEW_DAYS, Audience, CheckIn, FocusArea, Plan, PlanKind, plan_day
from core.plans.sections import (
    MAX_FOCUS,
    PROPOSED,
    Coach,
    agreement,
    commitments,
    development,
    find_coach,
    first_name,
    focus_text,
    ownership,
    questions,
    readiness,
    strengths,
    weakest,
)
from core.plans.words import day, metric_name, number, percent, role_name, signed, span, tier_name, value
from core.schema import ROLE_FIELDS
from core.scoring.metrics import (
    MetricSpec,
    format_value,
    metric_refs,
    metrics_for,
    metrics_with_values,
    role_medians,
    score_people,
)
from core.scoring.segmentation import SegmentSettings, complete_records, explain, monthly_history, segment
from core.scoring.tiers import assign_tiers, window_ends

PLAYBOOK: Final[dict[str, tuple[str, ...]]] = {
    "lead_rate": (
        N_("Two fixed 90-minute calling blocks a day in the calendar, phone only, counting conversations per block"),
        N_(
            "Build next week's call list every Friday from the ideal-customer profile, so calling time is not spent "
            "searching"
        ),
        N_("Test one new opening line a week on 20 calls and compare the meetings it books with the old one"),
        N_(
            "Listen to two calls a week that booked a meeting (your own or a colleague's) and note what made the "
            "prospect say yes"
        ),
    ),
    "qualified_lead_rate": (
        N_(
            "Weekly 30-minute review with an AE who receives your leads: which they accepted, which they turned "
            "down, and why"
        ),
        N_(
            "Write the qualification criteria (need, budget, timing, decision-maker) on one card and check every "
            "lead against it before sending"
        ),
        N_("For two weeks, hold back any lead that misses a criterion and ask an AE whether it should have gone"),
        N_("Sit in on two first meetings a month run by an AE to hear which answers make a lead real"),
    ),
    "qualification_efficiency": (
        N_(
            "Rank the call list against the ideal-customer profile before calling and start with the accounts "
            "that fit best"
        ),
        N_(
            "Ask two discovery questions in the first minutes of each call, so prospects who do not fit are found early"
        ),
        N_(
            "Look at last quarter's qualified leads with your coach: which industries, company sizes and job "
            "titles did they come from? Call more of those"
        ),
        N_("Swap the list source that yields least for one an AE recommends, for one month, and compare"),
    ),
    "close_rate": (
        N_("Review one lost and one won deal a week with your coach: where did each one turn?"),
        N_("Agree a written close plan (steps, dates, who signs) with the buyer in every deal past the demo"),
        N_("Role-play the three objections you hear most with your coach, then try the new answers on live calls"),
        N_("Park deals without a confirmed need and budget after the second meeting, so time goes to winnable ones"),
    ),
    "quota_attainment": (
        N_("Check pipeline coverage every Monday: is there about three times the remaining quota in qualified deals?"),
        N_("Plan the quarter backwards from quota with your coach: deals needed, meetings needed, leads needed"),
        N_("Pick two deals a month to widen in scope (more users, a second product) before the proposal goes out"),
        N_("One hour a week on the five largest open deals: next step, decision date, risks"),
    ),
    "revenue_per_month": (
        N_(
            "Count the deals you need each month from your own average deal size and close rate, and check "
            "every Monday whether the pipeline holds them"
        ),
        N_("Add one qualified opportunity a week on top of what your SDRs send, from your own network or accounts"),
        N_(
            "Before each proposal, look with your coach for one way to widen the scope (more users, a second "
            "product, a longer term)"
        ),
        N_(
            "Review your three largest deals of last quarter with your coach: where did they come from, and "
            "where are more like them?"
        ),
    ),
    "upsell_rate": (
        N_("A business review with each of your ten largest accounts this quarter, bringing one growth idea to each"),
        N_("Map each key account's buying group and meet one new stakeholder there every month"),
        N_("Watch usage and order signals monthly and call the account when they rise"),
        N_("Prepare renewals 90 days ahead with an option to add scope, not only to renew"),
    ),
}
"""Practice options per metric id: concrete, written for this product, offered as options to discuss."""

DEFAULT_CADENCE: Final = N_("Weekly 30-minute check-in with the coach; monthly 15-minute review with the manager")
MANAGER_CADENCE: Final = N_("Weekly 30-minute check-in with your manager, who is also your coach for now")
CONTEXT_CHECKS: Final = (
    N_("Tenure: how long in the role, and was the ramp-up complete?"),
    N_("Territory and accounts: size, changes, accounts taken over or handed on."),
    N_("Lead sources and pipeline: what came in, from whom, and did it change?"),
    N_("Absence: leave, illness or part-time months inside the window."),
)
"""Context to check before reading anything into low figures (a watch plan and an HR brief)."""
RESEARCH_NOTE: Final = N_(
    "Research by the Sales Executive Council (Dixon & Adamson, HBR) found that better coaching lifted core "
    "performers by {average} on average, and the best coaching by up to {best}. These are research figures, not a "
    "promise for any one person."
)
"""The research figures, filled in by :func:`research_note` (6–8% and 19%, exact, in the reader's style)."""
DECISION_NOTE: Final = N_(
    "This brief is decision support. It recommends no employment decision; a person reviews the facts, talks with "
    "the employee, and decides."
)
HR_TREND_MONTHS: Final = 6
"""Months of monthly percentiles an HR brief states."""
TREND_MONTHS: Final = 12
"""Months of history a plan carries in ``Plan.trend``."""

_NUMBER_WORDS: Final = (
    N_("zero"),
    N_("one"),
    N_("two"),
    N_("three"),
    N_("four"),
    N_("five"),
    N_("six"),
    N_("seven"),
    N_("eight"),
    N_("nine"),
    N_("ten"),
    N_("eleven"),
    N_("twelve"),
)
_TREND_WORDS: Final = {"improving": N_("improving"), "declining": N_("declining"), "stable": N_("stable")}
_KIND_OF_TIER: Final[dict[str, PlanKind]] = {"core": "coaching", "top": "top", "low": "hr_brief"}
# Letters NFKD does not take apart into an ASCII letter and a mark.
_FOLD: Final[dict[str, str]] = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
    "ı": "i",
    "ħ": "h",
    "Ħ": "H",
}
_FOLD_TABLE: Final = str.maketrans(_FOLD)
_NOT_SLUG: Final = re.compile(r"[^a-z0-9]+")
_NOT_ID: Final = re.compile(r"[^A-Za-z0-9._-]+")
_SLUG_MAX: Final = 80
_BOLD: Final = re.compile(r"\*\*(.+?)\*\*")


# --------------------------------------------------------------------------- small formatting helpers


def period_label(periods: Sequence[str]) -> str:
    """Name the months a window covers.

    Args:
        periods: Months as ``YYYY-MM``, in any order (repeats are fine).

    Returns:
        ``"Aug–Oct 2026"``; across years ``"Nov 2025–Jan 2026"``; one month ``"Oct 2026"``; no months ``""``.
    """
    return span(periods)


def slugify(name: str) -> str:
    """Fold a name to lower-case ASCII words joined by hyphens: ``"Đorđe Petrović"`` → ``"dorde-petrovic"``."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD_TABLE))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:_SLUG_MAX].rstrip("-")


def file_stem(rep_id: str, name: str) -> str:
    """A file name without extension for a person's plan, safe on every common file system.

    Args:
        rep_id: The person's ID; characters other than letters, digits, ``.``, ``_`` and ``-`` become ``-``.
        name: The person's name, folded by :func:`slugify`.

    Returns:
        ``"<rep_id>_<name-slug>"``, e.g. ``"E10001_lukasz-wrobel"`` for ``"Łukasz Wróbel"``; just the ID
        when nothing of the name survives folding, and ``"plan"`` when neither does.
    """
    safe_id = _NOT_ID.sub("-", str(rep_id).strip()).strip(".-")
    slug = slugify(str(name))
    return "_".join(part for part in (safe_id, slug) if part) or "plan"


def _format_gap(spec: MetricSpec, gap: float) -> str:
    size = abs(gap)
    if spec.unit in ("%", "×"):
        points = number(size * 100, 1 if spec.unit == "%" else 0)
        return _("{points} percentage points").format(points=points)
    return value(spec, size)


def research_note() -> str:
    """What the research found (6–8% on average, up to 19%), as research and not a promise, in the plan's language."""
    return _(RESEARCH_NOTE).format(average=f"6–{percent(0.08)}", best=percent(0.19))


def _plain(line: str) -> str:
    return _BOLD.sub(r"\1", line)


def _sentence(text: str) -> str:
    """The text, stripped, ending with a full stop unless it already ends a sentence."""
    stripped = " ".join(text.split())
    return stripped if not stripped or stripped[-1] in ".!?" else stripped + "."


def _count(n: int) -> str:
    return _(_NUMBER_WORDS[n]) if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _hours(hours: float) -> str:
    text = f"{hours:g}"
    return text if current().language == "en" else text.replace(".", ",")


def trend_text(trend: Sequence[tuple[str, float]], *, months: int = HR_TREND_MONTHS) -> str:
    """The last months' percentiles within role in plain words: ``"8 → 12 → 6 over Aug–Oct 2026"``.

    Args:
        trend: ``(YYYY-MM, percentile)`` pairs, oldest first (as ``Plan.trend``).
        months: How many of the latest months to state.

    Returns:
        The sentence part, or ``""`` when there is no history.
    """
    recent = list(trend)[-months:]
    if not recent:
        return ""
    values = " → ".join(str(math.floor(p + 0.5)) for _m, p in recent)  # half up: 12.5 → 13, as people round
    return _("{values} over {months}").format(values=values, months=period_label([m for m, _p in recent]))


# --------------------------------------------------------------------------- the pieces of a plan


def _edited_focus(edits: Mapping[str, str], specs: Sequence[MetricSpec]) -> list[str]:
    allowed = {s.id for s in specs}
    chosen: list[str] = []
    for part in edits.get("focus", "").split(","):
        metric = part.strip()
        if metric in allowed and metric not in chosen:
            chosen.append(metric)
    return chosen[:MAX_FOCUS]


def _focus_areas(
    person: pd.Series,
    role: str,
    inputs: PlanInputs,
    records: pd.DataFrame,
    edits: Mapping[str, str],
    edited: list[str],
    *,
    limit: int = MAX_FOCUS,
) -> tuple[FocusArea, ...]:
    """One or two focus areas: the weakest metrics (or the manager's choice), each with goals sized from history."""
    specs = metrics_for(role)
    by_id = {s.id: s for s in specs}
    metrics = _edited_focus(edits, specs)[:limit]
    if metrics:
        edited.append("focus")
    else:
        metrics = weakest(person, specs, limit=limit)
    review = plan_day(inputs.today, REVIEW_DAYS)
    areas: list[FocusArea] = []
    for metric in metrics:
        spec = by_id[metric]
        amount = cell_number(person.get(f"{metric}_raw"))
        median, p75 = metric_refs(inputs.medians, role, metric)
        text = focus_text(spec, person, inputs.medians, records, inputs.today, period_label(inputs.window_periods))
        goal, practice = text.goal, tuple(_(option) for option in PLAYBOOK.get(metric, ()))
        goal_key, practice_key = f"focus:{metric}:goal", f"focus:{metric}:practice"
        goal_edit = edits.get(goal_key, "").strip()
        practice_edit = tuple(line.strip() for line in edits.get(practice_key, "").splitlines() if line.strip())
        if goal_edit:
            goal = goal_edit
            edited.append(goal_key)
        if practice_edit:
            practice = practice_edit
            edited.append(practice_key)
        areas.append(
            FocusArea(
                metric=metric,
                label=metric_name(spec),
                value_text=value(spec, amount),
                median_text=value(spec, median),
                top_quartile_text=value(spec, p75),
                percentile=cell_number(person.get(f"{metric}_pct")),
                practice=practice,
                goal=goal,
                review_date=review,
                edited=bool(goal_edit or practice_edit),
                where_now=text.where_now,
                behaviour=text.behaviour,
                checkpoints=text.checkpoints,
                sizing_note=text.sizing_note,
            )
        )
    return tuple(areas)


def _rows(frame: pd.DataFrame, column: str, rep_id: str, index: RowIndex | None = None) -> pd.DataFrame:
    if index is not None:  # building plans: the inputs' index has each person's rows
        return index.rows(frame, column, rep_id)
    if frame.empty or column not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame[column].astype(str) == rep_id]


def _coach_name(row: pd.Series) -> str:
    """ "Name (role)", with "proposed — to be confirmed" when the pair is an invitation."""
    named = f"{cell_text(row['coach_name'])} ({cell_text(row['coach_role'])})"
    invitation = str(row.get("status", "")) == "invitation" or bool(row.get("ask_first", False))
    return f"{named}, {_(PROPOSED)}" if invitation else named


def _core_coach(rep_id: str, manager: str, chains: ChainResult, index: RowIndex | None = None) -> tuple[str, str]:
    """The manager's coach line and its reason (the chain's reason, which names the coach once)."""
    coach = find_coach(rep_id, manager, chains, index=index)
    pair = _rows(chains.pairs, "coachee_id", rep_id, index)
    if len(pair):
        return _coach_name(pair.iloc[0]), cell_text(pair.iloc[0]["reason"])
    line, _dash, why = coach.manager_line.partition(" — ")
    return line, why


def _retention(name: str) -> tuple[str, ...]:
    """Prompts for the manager (never the person's copy): what keeps a top performer."""
    first = first_name(name)
    return (
        _(
            "Recognition — options to discuss: naming {first}'s results in the team meeting, a note to senior "
            "leadership, or a say in how the team celebrates wins. Ask which would mean most."
        ).format(first=first),
        _("Growth path — ask which next step interests {first}, and by when (their plan lists the options).").format(
            first=first
        ),
        _(
            "What keeps them — ask {first} what makes the job worth staying for and what would make them look "
            "elsewhere (workload, pay plan, autonomy, the team), and agree one thing to protect."
        ).format(first=first),
    )


def _willing(person: pd.Series) -> str:
    return cell_text(person.get("coach_willing")).lower()


def _coaching_role(person: pd.Series, rep_id: str, role: str, inputs: PlanInputs) -> tuple[tuple[str, ...], str, str]:
    """Lines on whom a top performer coaches, the hours and the credit; plus their own coach, if any."""
    lines: list[str] = []
    chains, hours_per_coachee = inputs.chains, inputs.hours_per_coachee
    mine = _rows(chains.pairs, "coach_id", rep_id, inputs.index)
    willing = _willing(person)
    if len(mine):
        names = ", ".join(
            f"{cell_text(r['coachee_name'])} ({cell_text(r['coachee_role'])})" for _i, r in mine.iterrows()
        )
        count = len(mine)
        hours = count * hours_per_coachee
        lines.append(
            ngettext("Coaches {count} person: {names}.", "Coaches {count} people: {names}.", count).format(
                count=count, names=names
            )
        )
        lines.append(
            _("Expected coaching time: about {hours} hours a month ({count} × {each} hours per coachee).").format(
                hours=_hours(hours), count=count, each=_hours(hours_per_coachee)
            )
        )
        lines.append(
            _(
                "Credit: count these hours in targets and in the next review — coaching time is selling time "
                "given to the team."
            )
        )
        ask_first = bool(mine["ask_first"].any()) if "ask_first" in mine.columns else willing != "yes"
        if ask_first:
            lines.append(
                _(
                    "Coaching role {proposed}: has not said yes to coaching yet. Ask first, and adjust if the "
                    "answer is no."
                ).format(proposed=_(PROPOSED))
            )
    elif role == "SDR" and not len(_rows(chains.load, "coach_id", rep_id, inputs.index)):
        lines.append(
            _(
                "Top SDRs coach no one in the chains as they run now. An option to discuss: sharing how they work at "
                "a team meeting, or showing a new SDR their call preparation."
            )
        )
    else:
        in_pool = len(_rows(chains.load, "coach_id", rep_id, inputs.index)) > 0
        below = {"SDR": "SDR", "AE": _("SDR or AE"), "AM": _("AE or AM")}.get(role, "")
        if in_pool and willing == "yes":
            lines.append(
                _("In the coach pool and willing to coach; no {roles} is assigned to them at the moment.").format(
                    roles=below
                )
            )
        elif in_pool:
            lines.append(
                _(
                    "In the coach pool, but has not said whether they want to coach: ask first. No {roles} is "
                    "assigned to them at the moment."
                ).format(roles=below)
            )
        elif willing == "no":
            lines.append(
                _("Said no to coaching, so not in the coach pool. That is their choice; retention comes first.")
            )
        elif str(person.get("previous_near_low", "")) == "True":  # np.bool_ or bool; NaN when unknown
            lines.append(
                _(
                    "Not proposed as a coach yet: low or near the low cut-off in the previous window. Once the top "
                    "tier holds, they can coach."
                )
            )
        else:
            lines.append(
                _("Not in the coach pool at the moment (capacity set to 0, or taken out of the chains by a manager).")
            )
    own = _rows(chains.pairs, "coachee_id", rep_id, inputs.index)
    coach, reason = "", ""
    if len(own):
        row = own.iloc[0]
        coach = _coach_name(row)
        reason = cell_text(row["reason"])
        lines.append(_("Is coached in turn by {coach}: coaching the coaches.").format(coach=coach))
    return tuple(lines), coach, reason


def _hr_facts(
    person: pd.Series,
    role: str,
    role_size: int,
    medians: pd.DataFrame,
    period: str,
    trend: Sequence[tuple[str, float]],
    tier_lines: Sequence[str],
) -> tuple[str, ...]:
    """Score and rank, each metric against the median with the gap, the trend, and any override or flag."""
    score = f"{cell_number(person.get('score')):.0f}"
    percentile = f"{cell_number(person.get('percentile')):.0f}"
    role_long = role_name(role)
    specs = metrics_with_values(medians, role)
    facts = [
        (
            _("Score {score} of 100 over {period}; percentile {percentile} among {count} {role}s (rank {rank}).")
            if period
            else _("Score {score} of 100; percentile {percentile} among {count} {role}s (rank {rank}).")
        ).format(score=score, period=period, percentile=percentile, count=role_size, role=role_long, rank=_rank(person))
    ]
    for spec in specs:
        amount = cell_number(person.get(f"{spec.id}_raw"))
        median, p75 = metric_refs(medians, role, spec.id)
        if math.isnan(amount) or math.isnan(median):
            gap = _("no comparison possible")
        elif amount < median:
            gap = _("{gap} below the median").format(gap=_format_gap(spec, median - amount))
        elif amount > median:
            gap = _("{gap} above the median").format(gap=_format_gap(spec, amount - median))
        else:
            gap = _("at the median")
        facts.append(
            _("{metric}: {value} against a role median of {median} ({gap}); top quartile from {top}.").format(
                metric=metric_name(spec),
                value=value(spec, amount),
                median=value(spec, median),
                gap=gap,
                top=value(spec, p75),
            )
        )
    stated = trend_text(trend)
    label = cell_text(person.get("trend"))
    direction = f" ({_(_TREND_WORDS[label])})" if label in _TREND_WORDS else ""
    facts.append(
        _("Monthly percentile within role: {trend}{direction}.").format(trend=stated, direction=direction)
        if stated
        else _("No monthly history to show a trend.")
    )
    # What explain adds beyond score and metrics (an override, a borderline flag, a small role), except
    # the trend and persistence lines, which this brief states in its own words (in English or translated).
    covered = (
        tuple(f"{spec.label}:" for spec in specs)
        + tuple(f"{metric_name(spec)}:" for spec in specs)
        + ("Trend:", "Persistent:", _("Trend:"), _("Persistent:"))
    )
    facts += [line for line in tier_lines[1:] if not line.startswith(covered)]
    return tuple(facts)


def _rank(person: pd.Series) -> str:
    rank = cell_number(person.get("rank"))
    return _("n/a") if math.isnan(rank) else f"{int(rank)}"


def _whole(value: object) -> int:
    number = cell_number(value)
    return 0 if math.isnan(number) else int(number)


def _persistence(person: pd.Series, window_months: int) -> str:
    low, seen = _whole(person.get("low_windows")), _whole(person.get("windows_seen"))
    if seen <= 0:
        return _("No earlier windows to compare: persistence cannot be judged yet.")
    if bool(person.get("persistent_low")):
        if window_months > 0:
            text = _("Low in {low} of the last {seen} {size}-month windows: a persistent pattern, not one bad period.")
        else:
            text = _("Low in {low} of the last {seen} windows: a persistent pattern, not one bad period.")
    elif window_months > 0:
        text = _(
            "Low in {low} of the last {seen} {size}-month windows: not persistent — low results may be a single bad "
            "period."
        )
    else:
        text = _("Low in {low} of the last {seen} windows: not persistent — low results may be a single bad period.")
    return text.format(low=low, seen=seen, size=_count(window_months))


def _support(checkins: Sequence[CheckIn], items: Sequence[tuple[date, str]] = ()) -> tuple[str, ...]:
    """Every support given, oldest first and dated: check-ins, plan changes, started peer coaching; () when none."""
    dated: list[tuple[date, str]] = list(items)
    for i, c in enumerate(checkins):
        carried = carried_lines(c, checkins[i - 1] if i else None)
        before = " " + _("Last time's steps: {steps}.").format(steps="; ".join(carried)) if carried else ""
        step = " " + _("Next step: {step}").format(step=_sentence("; ".join(c.steps))) if c.steps else ""
        head = _("Check-in with {by}:").format(by=c.by.strip()) if c.by.strip() else _("Check-in:")
        dated.append((c.when, f"{head}{before} {_sentence(c.note)}{step}"))
    return tuple(f"{day(when)}: {text}" for when, text in sorted(dated, key=lambda item: item[0]))


def _counts_line(role: str, frame: pd.DataFrame) -> str:
    """A person's (or the median person's) counts in the window, in words: ``"1,230 calls, 33 leads sent, ..."``."""

    def total(column: str) -> float:
        return float(pd.to_numeric(frame[column], errors="coerce").sum()) if column in frame.columns else math.nan

    if role == "SDR":
        parts = ((total("calls"), _("{n} calls")), (total("leads_sent"), _("{n} leads sent")),
                 (total("qualified_leads"), _("{n} accepted as qualified")))  # fmt: skip
    elif role == "AE":
        parts = ((total("deals_worked"), _("{n} deals worked")), (total("deals_won"), _("{n} won")),
                 (total("revenue_won"), _("{n} won revenue")))  # fmt: skip
    else:
        return ""
    return ", ".join(said.format(n=number(count)) for count, said in parts if math.isfinite(count))


def _hr_counts(rep_id: str, role: str, inputs: PlanInputs) -> tuple[str, ...]:
    """Absolute counts next to the rates: the person's over the window, and the median person's of the role."""
    records = inputs.records
    if records.empty or not inputs.window_periods or "period" not in records.columns:
        return ()
    peers = inputs.peer_counts.get(role, records.iloc[0:0])
    mine = _rows(peers, "rep_id", rep_id, inputs.index)
    label = period_label(sorted(set(inputs.window_periods)))
    typical = inputs.typical_counts.get(role)
    if role == "AM":
        return _am_counts(mine, typical if isinstance(typical, float) else math.nan, label)
    own = _counts_line(role, mine)
    if not own:
        return ()
    median_person = typical if isinstance(typical, pd.DataFrame) and len(typical) else None
    typical_line = _counts_line(role, median_person) if median_person is not None else ""
    lines = [_("In {months}: {counts}.").format(months=label, counts=own)]
    if typical_line:
        lines.append(
            _("The median {role} of this team over the same months: {counts}.").format(role=role, counts=typical_line)
        )
    return tuple(lines)


def _portfolio_change(frame: pd.DataFrame) -> float:
    """An AM's portfolio change over ``frame``'s months: the last end less the first start (NaN without both)."""
    ordered = frame.sort_values("period")
    start = pd.to_numeric(ordered["portfolio_start"], errors="coerce").dropna()
    end = pd.to_numeric(ordered["portfolio_end"], errors="coerce").dropna()
    return float(end.iloc[-1] - start.iloc[0]) if len(start) and len(end) else math.nan


def _am_counts(mine: pd.DataFrame, typical: float, label: str) -> tuple[str, ...]:
    own = _portfolio_change(mine) if len(mine) else math.nan
    if not math.isfinite(own):
        return ()
    ordered = mine.sort_values("period")
    first = float(pd.to_numeric(ordered["portfolio_start"], errors="coerce").dropna().iloc[0])
    last = float(pd.to_numeric(ordered["portfolio_end"], errors="coerce").dropna().iloc[-1])
    lines = [
        _("In {months}: portfolio from {start} to {end} ({change}).").format(
            months=label, start=number(first), end=number(last), change=signed(own)
        )
    ]
    if not math.isnan(typical):
        lines.append(
            _("The median {role} of this team over the same months: {counts}.").format(
                role="AM", counts=signed(typical)
            )
        )
    return tuple(lines)


def _sorted_checkins(checkins: Sequence[CheckIn]) -> tuple[CheckIn, ...]:
    return tuple(sorted(checkins, key=lambda c: (c.when, c.note, c.next_step, c.by)))


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class PlanInputs:
    """Everything a dataset view's plans are built from, besides each person's check-ins and edits.

    Build it with :func:`plan_inputs`, so the command line and the pages assemble it the same way.

    Attributes:
        segmented: :func:`core.scoring.segmentation.segment` output with overrides applied (``tier`` is final).
        medians: :func:`core.scoring.metrics.role_medians` of the same segmentation (``raw_median``, ``raw_p75``).
        chains: :func:`core.coaching.chains.match_chains` of the same segmentation.
        history: :func:`core.scoring.tiers.score_history` long form (rep_id, period, score, percentile).
        today: The date plans are generated; goals are reviewed :data:`REVIEW_DAYS` days later.
        window_periods: The months the scores cover (``YYYY-MM``), ascending.
        hours_per_coachee: Coaching hours a month per coachee, for a top performer's expected load.
        records: The canonical monthly records the scores come from (goals are sized from each person's
            own months); empty when not given, and goals are then agreed at the first check-in.
        tier_history: Each person's tier in the windows before the current one, oldest first
            (:func:`tier_history`).
        support: Dated support besides check-ins, by rep_id (:func:`core.plans.support.support_items`):
            plan changes and started peer coaching, for the HR brief.
        index: Each person's rows in the frames above, grouped on first use (a plan per person of a large
            team would otherwise filter the whole team's frames for each of them); not an argument.
    """

    segmented: pd.DataFrame
    medians: pd.DataFrame
    chains: ChainResult
    history: pd.DataFrame
    today: date
    window_periods: tuple[str, ...]
    hours_per_coachee: float = 2.0
    records: pd.DataFrame = field(default_factory=pd.DataFrame)
    tier_history: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    support: Mapping[str, tuple[tuple[date, str], ...]] = field(default_factory=dict)
    index: RowIndex = field(default_factory=RowIndex, init=False, repr=False, compare=False)

    @cached_property
    def peer_counts(self) -> dict[str, pd.DataFrame]:
        """By role, the window's records of the role's people: what HR briefs compare a person's counts with.

        Worked out once for all briefs (it groups the whole team's records).
        """
        records, months = self.records, set(self.window_periods)
        if records.empty or not months or "period" not in records.columns:
            return {}
        window = records[records["period"].astype(str).isin(months)]
        roles = self.segmented.set_index(self.segmented["rep_id"].astype(str))["role"]
        of_role = window["rep_id"].astype(str).map(roles)
        return {str(role): window[of_role.eq(role)] for role in of_role.dropna().unique()}

    @cached_property
    def typical_counts(self) -> dict[str, pd.DataFrame | float]:
        """By role, the median person's counts over the window (one row), or an AM's median portfolio change."""
        typical: dict[str, pd.DataFrame | float] = {}
        for role, peers in self.peer_counts.items():
            by_rep = peers.groupby(peers["rep_id"].astype(str))
            if role == "AM":
                changes = pd.Series([_portfolio_change(g) for _k, g in by_rep], dtype=float).dropna()
                typical[role] = float(changes.median()) if len(changes) else math.nan
                continue
            columns = [c for c in ROLE_FIELDS.get(role, ()) if c in peers.columns and c != "quota"]
            by_person = by_rep[columns].sum(min_count=1)
            typical[role] = by_person.median().to_frame().T if len(by_person) else pd.DataFrame()
        return typical


def tier_history(records: pd.DataFrame, settings: SegmentSettings) -> dict[str, tuple[str, ...]]:
    """Each person's tier in the non-overlapping windows before the current one, oldest first.

    The same windows as persistence (:func:`core.scoring.tiers.window_ends`, ``settings.history`` of
    them, the current one left out), scored with the same weights and cut-offs; a window a person was
    not scored in is left out of their tuple. Overrides are not applied: they hold for the current window.
    """
    if records.empty or not settings.window:
        return {}
    weights = dict(settings.weights) or None
    found: dict[str, list[str]] = {}
    for end in reversed(window_ends(records, window=settings.window, windows=settings.history)[1:]):
        scored = score_people(records, window=settings.window, end=end, weights=weights)
        if scored.empty:
            continue
        tiers = assign_tiers(scored, settings.cutoffs)
        for rep, tier in zip(tiers["rep_id"].astype(str), tiers["tier"], strict=True):
            if isinstance(tier, str):
                found.setdefault(rep, []).append(tier)
    return {rep: tuple(tiers) for rep, tiers in found.items()}


def plan_inputs(
    *,
    segmented: pd.DataFrame,
    medians: pd.DataFrame,
    chains: ChainResult,
    history: pd.DataFrame,
    periods: Iterable[str],
    settings: SegmentSettings,
    chain_settings: ChainSettings,
    today: date,
    records: pd.DataFrame | None = None,
    support: Mapping[str, tuple[tuple[date, str], ...]] | None = None,
) -> PlanInputs:
    """Put the already-computed pieces together: the one way plans get their inputs.

    Args:
        segmented, medians, chains, history: As :class:`PlanInputs` (computed, or cached, by the caller).
        periods: The months present in the records (repeats are fine); the window is cut from them.
        settings: The segmentation settings the pieces were computed with (for the window).
        chain_settings: The chain settings the chains were matched with (for the hours per coachee).
        today: The date plans are generated.
        records: The canonical records (complete months), for goals sized from each person's months
            and the tier history; ``None`` leaves both out.
        support: Dated support besides check-ins, by rep_id (none when not given).

    Returns:
        The typed inputs for :func:`build_plan` and :func:`build_plans`.
    """
    kept = records if records is not None else pd.DataFrame()
    return PlanInputs(
        segmented=segmented,
        medians=medians,
        chains=chains,
        history=history,
        today=today,
        window_periods=tuple(window_periods(periods, settings.window)),
        hours_per_coachee=chain_settings.hours_per_coachee,
        records=kept,
        tier_history=tier_history(kept, settings),
        support=dict(support or {}),
    )


def _person(inputs: PlanInputs, rep_id: str) -> tuple[pd.Series, str]:
    """The person's row and tier; a sentence when there is no plan to build for them."""
    match = _rows(inputs.segmented, "rep_id", str(rep_id), inputs.index)
    if match.empty:
        raise ValueError(
            _("{rep_id} is not in this team's segmentation, so there is no plan to build.").format(rep_id=rep_id)
        )
    person = match.iloc[0]
    tier = cell_text(person.get("tier"))
    if tier not in _KIND_OF_TIER:
        raise ValueError(
            _("{rep_id} has no tier (no score in the window), so there is no plan to build.").format(rep_id=rep_id)
        )
    return person, tier


def _base_plan(
    rep_id: str, person: pd.Series, tier: str, inputs: PlanInputs, checkins: Sequence[CheckIn], notes: str
) -> Plan:
    """The parts every kind of plan has: who, the window, the tier and why, strengths, the trend and the log."""
    role = cell_text(person["role"])
    name = cell_text(person["name"]) or str(rep_id)
    role_size = int((inputs.segmented["role"] == role).sum())
    history = inputs.history
    mine = history.iloc[0:0]
    if len(history):
        mine = _rows(history, "rep_id", str(rep_id), inputs.index).sort_values("period")
    trend = tuple((str(p), float(v)) for p, v in zip(mine["period"], mine["percentile"], strict=True))[-TREND_MONTHS:]
    kind = _KIND_OF_TIER[tier]
    if kind == "hr_brief" and not bool(person.get("persistent_low")):
        kind = "watch"  # low now, but not persistently: a support period first, never an HR brief
    return Plan(
        kind=kind,
        rep_id=str(rep_id),
        name=name,
        role=role,
        role_name=role_name(role),
        team=cell_text(person.get("team")),
        region=cell_text(person.get("region")),
        manager=cell_text(person.get("manager")),
        period_label=period_label(inputs.window_periods),
        generated_on=inputs.today,
        tier=tier,
        tier_lines=tuple(_plain(line) for line in explain(person, inputs.medians, role_size)),
        score=cell_number(person.get("score")),
        percentile=cell_number(person.get("percentile")),
        trend=trend,
        notes=notes,
        checkins=_sorted_checkins(checkins),
        strengths=strengths(person, role, inputs.medians),
        tier_history=tuple(inputs.tier_history.get(str(rep_id), ())),
        language=current().language,
    )


def _history_words(base: Plan, window: int) -> tuple[str, str]:
    """(a question to the person, a line for the manager) about the tier in earlier windows; blanks when none."""
    earlier = base.tier_history
    if not earlier:
        return "", ""
    chain = " → ".join(tier_name(t) for t in (*earlier, base.tier))
    manager = _("Tier in the last {count} windows, oldest first: {chain}.").format(
        count=_count(len(earlier) + 1), chain=chain
    )
    if base.tier == "core" and earlier[-1] == "top":
        run = 0
        for tier in reversed(earlier):
            if tier != "top":
                break
            run += 1
        if run == 1:
            ask = _(
                "In the period before this one your results were among the strongest in your role; this period they "
                "are closer to the middle. What changed?"
            )
        elif window > 1:
            ask = _(
                "In the {count} {months}-month periods before this one your results were among the strongest in "
                "your role; this period they are closer to the middle. What changed?"
            ).format(count=_count(run), months=_count(window))
        else:
            ask = _(
                "In the {count} months before this one your results were among the strongest in your role; this "
                "period they are closer to the middle. What changed?"
            ).format(count=_count(run))
        return ask, manager
    if base.tier in ("core", "top") and earlier[-1] == "low":
        return (
            _(
                "You have improved: in the period before this one your results were among the lowest in your role, "
                "and now they are not. What made the difference, and how do you keep it?"
            ),
            manager,
        )
    return "", manager


def _coaching_plan(
    base: Plan, person: pd.Series, inputs: PlanInputs, edits: Mapping[str, str], edited: list[str]
) -> Plan:
    """A core person's plan: strengths, one or two focus areas, the coach, who owns what, the commitment."""
    review = plan_day(inputs.today, REVIEW_DAYS)
    records = _rows(inputs.records, "rep_id", base.rep_id, inputs.index)
    focus = _focus_areas(person, base.role, inputs, records, edits, edited)
    coach = find_coach(base.rep_id, base.manager, inputs.chains, index=inputs.index)
    line, reason = _core_coach(base.rep_id, base.manager, inputs.chains, inputs.index)
    cadence = edits.get("cadence", "").strip()
    if cadence:
        edited.append("cadence")
    person_owns, coach_owns, manager_owns = ownership(coach, base.manager, review)
    ask, history_line = _history_words(base, len(inputs.window_periods))
    return replace(
        base,
        focus=focus,
        strengths=strengths(person, base.role, inputs.medians, focus=[a.metric for a in focus]),
        moved=what_moved(base.role, records, inputs.window_periods),
        coach=line,
        coach_reason=reason,
        coach_line=coach.person_line,
        coach_why=coach.person_why,
        coach_name=coach.name,
        cadence=cadence or _(DEFAULT_CADENCE if coach.kind != "manager" else MANAGER_CADENCE),
        person_owns=person_owns,
        coach_owns=coach_owns,
        manager_owns=manager_owns,
        commitments=commitments(coach),
        agreement=agreement(coach, base.manager),
        questions=questions(base.role, [a.metric for a in focus], coach, ask),
        research_note=research_note(),
        manager_lines=tuple(x for x in (history_line,) if x),
        edited_fields=tuple(edited),
    )


def _top_plan(base: Plan, person: pd.Series, inputs: PlanInputs, edited: list[str]) -> Plan:
    """A top performer's plan: their own next goal, coaching offered as an invitation; retention for the manager."""
    lines, coach, coach_reason = _coaching_role(person, base.rep_id, base.role, inputs)
    mine = _rows(inputs.chains.pairs, "coach_id", base.rep_id, inputs.index)
    offer: list[str] = []
    if len(mine):
        names = ", ".join(cell_text(n) for n in mine["coachee_name"])
        hours = len(mine) * inputs.hours_per_coachee
        offer = [
            _("We would like to invite you to coach {names}.").format(names=names),
            _(
                "What it takes: about {hours} hours a month ({each} hours per person), in short regular check-ins."
            ).format(hours=_hours(hours), each=_hours(inputs.hours_per_coachee)),
        ]
    elif _willing(person) != "no" and base.role != "SDR":
        offer = [_("Coaching a colleague is open to you when you would like to: tell your manager.")]
    elif _willing(person) != "no":
        offer = [
            _(
                "Showing a newer SDR how you prepare and run your calls is open to you when you would like to: "
                "tell your manager."
            )
        ]
    said_no = not offer  # they said no to coaching: no invitation and no readiness check, only their own goal
    history_line = _history_words(base, len(inputs.window_periods))[1]
    own = find_coach(base.rep_id, base.manager, inputs.chains, index=inputs.index) if coach else None
    return replace(
        base,
        coach=coach,
        coach_reason=coach_reason,
        coach_line=own.person_line if own else "",
        coach_why=own.person_why if own else "",
        coach_name=own.name if own else "",
        coachees=tuple(cell_text(n) for n in mine["coachee_name"]) if len(mine) else (),
        retention=_retention(base.name),
        coaching_role=lines,
        development=development(base.role),
        readiness=() if said_no else readiness(bool(len(mine))),
        person_owns=tuple(offer),
        commitments=(
            _("My next development goal, and by when"),
            *(() if said_no else (_("Coaching others: yes, not yet, or no"),)),
            *(
                (_("How coaching is recognised (your manager fills this in: e.g. hours credited against targets)"),)
                if len(mine)
                else ()
            ),
        ),
        agreement=_("Agreed by you and {manager} (manager)").format(manager=base.manager or _("your manager")),
        manager_lines=tuple(x for x in (history_line,) if x),
        edited_fields=tuple(edited),
    )


def _watch_plan(base: Plan, person: pd.Series, inputs: PlanInputs, edits: Mapping[str, str], edited: list[str]) -> Plan:
    """Low now but not persistently: one goal, a short support period with a 30-day check-in, context first."""
    records = _rows(inputs.records, "rep_id", base.rep_id, inputs.index)
    focus = _focus_areas(person, base.role, inputs, records, edits, edited, limit=1)
    check = plan_day(inputs.today, CHECKPOINT_DAYS[0])
    review = plan_day(inputs.today, REVIEW_DAYS)
    coach = find_coach(base.rep_id, base.manager, inputs.chains, index=inputs.index)
    boss = base.manager or _("your manager")
    person_owns = ownership(coach, base.manager, review)[0]
    history_line = _history_words(base, len(inputs.window_periods))[1]
    low, seen = _whole(person.get("low_windows")), _whole(person.get("windows_seen"))
    return replace(
        base,
        focus=focus,
        strengths=strengths(person, base.role, inputs.medians, focus=[a.metric for a in focus]),
        moved=what_moved(base.role, records, inputs.window_periods),
        coach_line=_("{manager}, your manager").format(manager=boss),
        coach_name=base.manager,
        coach_why=_(
            "A short support period with your manager first: a conversation about what is going on, "
            "then one goal and a check-in after 30 days."
        ),
        cadence=_("A conversation with {manager} this week; a 30-day check-in on {date}.").format(
            manager=boss, date=day(check)
        ),
        person_owns=person_owns,
        manager_owns=(_("{manager} owns removing obstacles you raise, and the 30-day check-in.").format(manager=boss),),
        commitments=commitments(Coach("manager", base.manager, "", "", "")),
        agreement=_("Agreed by you and {manager} (manager)").format(manager=boss),
        questions=questions(base.role, [a.metric for a in focus], Coach("manager", base.manager, "", "", "")),
        manager_lines=tuple(
            x
            for x in (
                _("Watch, not an HR brief: low in {low} of the last {seen} windows — not a persistent pattern.").format(
                    low=low, seen=seen
                ),
                _(
                    "Start with a conversation about context, then a short support period with one goal and a "
                    "30-day check-in on {date}."
                ).format(date=day(check)),
                history_line,
            )
            if x
        ),
        context_checks=tuple(_(check) for check in CONTEXT_CHECKS),
        edited_fields=tuple(edited),
    )


def _hr_brief(base: Plan, person: pd.Series, inputs: PlanInputs, edited: list[str]) -> Plan:
    """A persistent low performer's brief for HR: facts with counts, persistence, and the support given so far.

    Where no support is recorded at all, the brief carries one goal sized from the person's months, so the
    support period it proposes before any other step starts from a real, dated goal.
    """
    role_size = int((inputs.segmented["role"] == base.role).sum())
    support = _support(base.checkins, inputs.support.get(base.rep_id, ()))
    records = _rows(inputs.records, "rep_id", base.rep_id, inputs.index)
    focus = () if support else _focus_areas(person, base.role, inputs, records, {}, [], limit=1)
    facts = _hr_facts(person, base.role, role_size, inputs.medians, base.period_label, base.trend, base.tier_lines)
    return replace(
        base,
        hr_facts=(facts[0], *_hr_counts(base.rep_id, base.role, inputs), *facts[1:]),
        persistence_text=_persistence(person, len(set(inputs.window_periods))),
        support_given=support,
        focus=focus,
        decision_note=_(DECISION_NOTE),
        context_checks=tuple(_(check) for check in CONTEXT_CHECKS),
        edited_fields=tuple(edited),
    )


def build_plan(
    rep_id: str,
    *,
    inputs: PlanInputs,
    checkins: Sequence[CheckIn] = (),
    edits: Mapping[str, str] | None = None,
) -> Plan:
    """Build one person's document: a coaching plan (core), a retention plan (top) or an HR brief (low).

    Args:
        rep_id: The person.
        inputs: The segmentation, medians, chains, history, window and date (:func:`plan_inputs`).
        checkins: The person's logged check-ins, any order (sorted by date here).
        edits: Manager edits: ``"focus"`` (comma-separated metric ids), ``"focus:<metric>:goal"``,
            ``"focus:<metric>:practice"`` (one option per line), ``"notes"``, ``"cadence"``. Blank values
            are ignored; focus and cadence edits apply to coaching plans only.

    Returns:
        The filled :class:`core.plans.model.Plan`.

    Raises:
        ValueError: The person is not in ``inputs.segmented`` or has no tier.
    """
    edits = {k: v for k, v in (edits or {}).items() if str(v).strip()}
    person, tier = _person(inputs, rep_id)
    notes = edits.get("notes", "").strip()
    edited: list[str] = ["notes"] if notes else []
    base = _base_plan(rep_id, person, tier, inputs, checkins, notes)
    if base.kind == "coaching":
        return _coaching_plan(base, person, inputs, edits, edited)
    if base.kind == "top":
        return _top_plan(base, person, inputs, edited)
    if base.kind == "watch":
        return _watch_plan(base, person, inputs, edits, edited)
    return _hr_brief(base, person, inputs, edited)


def person_language(inputs: PlanInputs, rep_id: str, default: str | None = None) -> str:
    """The language of a person's own plan: theirs from the people list or the store, else ``default``.

    Args:
        inputs: The plan inputs (``segmented`` carries each person's ``language`` when the data has one).
        rep_id: The person.
        default: The language when the person has none (default: the language core speaks now, which is the
            viewer's on a page and ``--lang`` on the command line).

    Returns:
        ``"en"``, ``"de"`` or ``"nl"``.
    """
    fallback = default or current().language
    frame = inputs.segmented
    if "language" not in frame.columns:
        return fallback
    match = frame.loc[frame["rep_id"].astype(str) == str(rep_id), "language"]
    value = cell_text(match.iloc[0]) if len(match) else ""
    return value if value in LANGUAGES else fallback


def build_plans(
    rep_ids: Sequence[str] | None,
    *,
    inputs: PlanInputs,
    checkins: Mapping[str, Sequence[CheckIn]] | None = None,
    edits: Mapping[str, Mapping[str, str]] | None = None,
    audience: Audience | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Plan]:
    """Build the plans of many people with :func:`build_plan`.

    Args:
        rep_ids: Whom to build for, in this order; ``None`` for everyone in ``inputs.segmented`` with a
            tier, sorted by rep_id.
        inputs: As :func:`build_plan`.
        checkins: Check-ins by rep_id (people not in it have none).
        edits: Manager edits by rep_id (as :func:`core.plans.store.all_plan_edits` gives them).
        audience: ``"person"`` — each plan in its person's language (:func:`person_language`), to be handed
            over; ``"manager"`` or None — every plan in the language core speaks now (the viewer's).
        progress: Called as ``progress(done, total)`` after each plan, in the language core speaks now.

    Returns:
        One plan per person.
    """
    if rep_ids is None:
        tiered = inputs.segmented[inputs.segmented["tier"].isin(list(_KIND_OF_TIER))]
        rep_ids = sorted(tiered["rep_id"].astype(str).unique())
    logged = checkins or {}
    changed = edits or {}
    viewer = current().language
    plans: list[Plan] = []
    for done, rep_id in enumerate(rep_ids, start=1):
        lang = person_language(inputs, rep_id, viewer) if audience == "person" else viewer
        with speaking(lang):
            plans.append(build_plan(rep_id, inputs=inputs, checkins=logged.get(rep_id, ()), edits=changed.get(rep_id)))
        if progress is not None:
            progress(done, len(rep_ids))
    return plans


__all__ = [
    "DECISION_NOTE",
    "PLAYBOOK",
    "PlanInputs",
    "RESEARCH_NOTE",
    "REVIEW_DAYS",
    "build_plan",
    "build_plans",
    "file_stem",
    "format_date",
    "format_value",
    "period_label",
    "person_language",
    "plan_inputs",
    "slugify",
    "to_markdown",
    "trend_text",
]


def plans_from_records(
    records: pd.DataFrame,
    *,
    rep_ids: Sequence[str] | None = None,
    settings: SegmentSettings | None = None,
    chain_settings: ChainSettings | None = None,
    today: date,
    audience: Audience | None = None,
) -> list[Plan]:
    """The whole job from records to plans (tiers, chains, history, medians), for scripts and the CLI.

    Args:
        records: Canonical records.
        rep_ids: Only these people (in this order); None for everyone with a tier.
        settings: Segmentation settings (default: the defaults of the Segmentation page).
        chain_settings: Coaching-chain settings (default capacity 3, 2 hours per coachee).
        today: The date plans are written on (review dates count from it).
        audience: ``"person"`` writes each plan in its person's language (a ``language`` column), else all
            in the language core speaks now (see :func:`build_plans`).

    Raises:
        ValueError: A requested rep_id has no tier in the window.
    """
    settings = settings or SegmentSettings()
    chain_settings = chain_settings or ChainSettings()
    segmented = segment(records, settings)
    complete = complete_records(records, settings)
    if rep_ids is not None:
        unknown = [r for r in rep_ids if r not in set(segmented["rep_id"])]
        if unknown:
            raise ValueError(
                _("No active person with rep_id {ids} in the chosen window.").format(ids=", ".join(unknown))
            )
    inputs = plan_inputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented, chain_settings),
        history=monthly_history(records, settings),
        periods=complete["period"].unique(),
        settings=settings,
        chain_settings=chain_settings,
        today=today,
        records=complete,
    )
    return build_plans(rep_ids, inputs=inputs, audience=audience)


def edits_to_store(
    generated: Plan,
    current: Mapping[str, str],
    *,
    notes: str,
    cadence: str,
    focus: Sequence[str],
    goals: Mapping[str, str],
    practices: Mapping[str, str],
) -> dict[str, str]:
    """Which plan edits a submitted form changes, as {key: value} to store ("" = back to generated).

    A value equal to the generated text is stored as "" so the part keeps following new data.

    Args:
        generated: The plan built without any edits.
        current: The edits in force now.
        notes, cadence, focus, goals, practices: What the form holds (goals and practices by metric id;
            practice options one per line).
    """
    wanted: dict[str, str] = {"notes": notes.strip()}
    if generated.kind == "coaching":
        wanted["cadence"] = "" if cadence.strip() == generated.cadence else cadence.strip()
        wanted["focus"] = "" if list(focus) == [f.metric for f in generated.focus] else ",".join(focus)
        by_metric = {f.metric: f for f in generated.focus}
        for metric, goal in goals.items():
            area = by_metric.get(metric)
            wanted[f"focus:{metric}:goal"] = "" if area is not None and goal.strip() == area.goal else goal.strip()
            practice = practices.get(metric, "").strip()
            same = area is not None and practice == "\n".join(area.practice)
            wanted[f"focus:{metric}:practice"] = "" if same else practice
    return {key: value for key, value in wanted.items() if value != current.get(key, "")}
