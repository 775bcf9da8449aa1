"""The parts of a plan written to the person: strengths, goals they can believe, the coach, who owns what.

Issue #15. Everything here speaks to "you" and states no tier, percentile, rank, flag or coach's figure
(those go into the manager's notes, built in :mod:`core.plans.content`). Goals are sized by
:mod:`core.plans.goals` from the person's own months and said in counts as well as rates; a behaviour goal
(what the person does every week) comes before the result goal; the 30- and 60-day checkpoints and the
90-day review each carry their date once.

Who owns what follows the GROW model's *Will* step and the Dutch source: the coach lays out choices and
the seller chooses, so the person owns their choices and their practice, the coach owns feedback and the
check-in log, and the manager owns the targets, removing obstacles and the review decision. When the
manager is also the coach, or an external coach is not named yet, the text says so and nobody is asked
to agree with themselves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

import pandas as pd

from core.cells import cell_number, cell_text
from core.coaching.chains import ChainResult
from core.months import format_date, span_label
from core.plans.goals import MIN_MONTHS, Month, Sizing, size_metric_goal
from core.plans.model import CHECKPOINT_DAYS, REVIEW_DAYS, plan_day
from core.schema import ROLE_NAMES
from core.scoring.metrics import MetricSpec, format_value, metric_refs, metrics_with_values

MAX_FOCUS: Final = 2
"""One or two goals, not one per weak metric."""

PROPOSED: Final = "proposed — to be confirmed"
"""How a plan names a peer coach who has not said yes yet (an invitation), never as settled."""

BEHAVIOURS: Final[dict[str, str]] = {
    "lead_rate": "Every working day, two protected calling blocks, with next week's call list built every Friday",
    "qualified_lead_rate": (
        "Every lead checked against the qualification card before it is sent, and last week's accepted and "
        "turned-down leads reviewed with your coach once a week"
    ),
    "qualification_efficiency": (
        "Every call list ranked against the ideal-customer profile before calling, and two discovery questions "
        "asked early in every call"
    ),
    "close_rate": (
        "A written close plan agreed with the buyer in every deal past the demo, and one won or lost deal "
        "reviewed with your coach every week"
    ),
    "quota_attainment": (
        "Every Monday, pipeline coverage checked against the remaining quota, and an hour on your five largest "
        "open deals"
    ),
    "revenue_per_month": (
        "One qualified opportunity of your own every week on top of what your SDRs send, and a scope check "
        "before every proposal"
    ),
    "upsell_rate": (
        "One account review prepared or held every week with a growth idea for the account, working through "
        "your ten largest accounts this quarter"
    ),
}
"""The behaviour goal per focus metric: what the person does every week, before any result shows."""

QUESTIONS: Final[dict[str, tuple[str, ...]]] = {
    "lead_rate": (
        "On the days you send most leads, what did the morning look like?",
        "Which part of your list gives real conversations, and which gives voicemails?",
    ),
    "qualified_lead_rate": (
        "Which of last month's turned-down leads would you now hold back, and what would have told you earlier?",
        "Which qualification question is hardest to ask on a first call, and why?",
    ),
    "qualification_efficiency": (
        "Which accounts on your list turn into qualified leads most often, and how could more of your calls go there?",
        "At which point in a call do you usually learn that a prospect does not fit?",
    ),
    "close_rate": (
        "Looking at your last three lost deals, where did each one turn?",
        "In which deals did you and the buyer agree a close plan, and did those close more often?",
    ),
    "quota_attainment": (
        "Is the gap in the number of deals, in their size, or in how many of them close?",
        "Where did your largest deals of last quarter come from, and where are more like them?",
    ),
    "revenue_per_month": (
        "Is the gap in the number of deals, in their size, or in how many of them close?",
        "Where did your largest deals of last quarter come from, and where are more like them?",
    ),
    "upsell_rate": (
        "Which of your accounts grew, and what did you do differently there?",
        "Which account reviews are due this quarter, and which growth idea would you bring to each?",
    ),
}
"""Questions tailored to the focus metric (AM language for AMs: account reviews, not deals or leads)."""

GAP_TYPES: Final = (
    "What kind of gap is it, if any: a skill to practise, something you would need to know, how much it "
    "matters to you right now, or the territory, leads and tools you work with?"
)
"""Gap types as options to explore — skill, will, knowledge, territory/system — none assumed."""

_SECOND_OPINION: Final = {
    "SDR": "a second opinion on a lead",
    "AE": "a second opinion on a deal",
    "AM": "a second opinion before an account review",
}


# --------------------------------------------------------------------------- numbers people say


def about(value: float) -> str:
    """A number as people say it: whole below 1,000, to the hundred below 10,000, else to the thousand."""
    size = abs(value)
    step = 1 if size < 1000 else 100 if size < 10_000 else 1000
    return f"{round(value / step) * step:,.0f}"


def _pct(value: float, step: float) -> str:
    return f"{value * 100:.1f}%" if step < 0.01 else f"{value * 100:.0f}%"


def _counts(start: float, target: float, base: float) -> tuple[str, str, str]:
    """Start and target as counts at the usual base, a month or (when a month's counts are small) a quarter."""
    a, b = start * base, target * base
    if round(a) < round(b) and b >= 5:
        return about(a), about(b), "a month"
    return about(a * 3), about(b * 3), "a quarter"


def goal_text(metric: str, sizing: Sizing) -> str:
    """A sized result goal in counts as well as rates: ``"From about 11 to 14 qualified leads a month (...)"``."""
    s, t, base = sizing.start, sizing.target, sizing.usual_base
    if metric == "lead_rate":
        return f"From about {about(s)} to {about(t)} leads sent a month"
    if metric == "revenue_per_month":
        return f"From about {about(s)} to {about(t)} won revenue a month"
    rate = f"{_pct(s, sizing.step)} → {_pct(t, sizing.step)}"
    if math.isnan(base) or base <= 0:
        return f"From about {_pct(s, sizing.step)} to {_pct(t, sizing.step)}"
    if metric == "quota_attainment":
        return f"From about {about(s * base)} to {about(t * base)} won revenue a month ({rate} of your quota)"
    if metric == "upsell_rate":
        return f"Portfolio growth from about {about(s * base)} to {about(t * base)} a month ({rate} of your portfolio)"
    noun = {"close_rate": ("deals won", "deals worked")}.get(metric, ("qualified leads", "leads sent"))
    if metric == "qualification_efficiency":
        noun = ("qualified leads", "calls")
    a, b, per = _counts(s, t, base)
    usual = about(base * (3 if per == "a quarter" else 1))
    return f"From about {a} to {b} {noun[0]} {per} from your usual {usual} {noun[1]} ({rate})"


def _midpoint_text(metric: str, sizing: Sizing, label: str) -> str:
    """The 60-day checkpoint: one month at the midpoint, said as a count or an amount where there is one."""
    mid = sizing.midpoint
    if metric == "lead_rate":
        return f"a month with about {about(mid)} leads sent"
    if metric == "revenue_per_month":
        return f"a month with about {about(mid)} won revenue"
    if metric == "upsell_rate" and not math.isnan(sizing.usual_base):
        return f"a month with about {about(mid * sizing.usual_base)} portfolio growth"
    return f"a month at a {label[:1].lower()}{label[1:]} of about {_pct(mid, sizing.step)}"


# --------------------------------------------------------------------------- strengths


def strengths(person: pd.Series, role: str, medians: pd.DataFrame, *, focus: Sequence[str] = ()) -> tuple[str, ...]:
    """The metrics where the person is at or above the role median; else their relatively strongest one.

    The fallback is never a metric the plan also names as a focus area, nor a figure below zero: a
    strength that is at the same time the thing to work on would contradict the plan.

    Args:
        person: One row of the segmentation.
        role: The person's role.
        medians: :func:`core.scoring.metrics.role_medians`.

    Returns:
        Sentences to the person, e.g. ``"Qualification efficiency: 2.5%, above the role median of 2.3%."``.
    """
    lines: list[str] = []
    ranked: list[tuple[float, MetricSpec, float, float]] = []
    for spec in metrics_with_values(medians, role):
        value = cell_number(person.get(f"{spec.id}_raw"))
        median = metric_refs(medians, role, spec.id)[0]
        if math.isnan(value) or math.isnan(median):
            continue
        ranked.append((value / median if median else math.inf, spec, value, median))
        if value >= median:
            where = "at" if value == median else "above"
            lines.append(
                f"{spec.label}: {format_value(spec, value)}, {where} the role median of {format_value(spec, median)}."
            )
    ranked = [t for t in ranked if t[1].id not in focus and t[2] > 0]
    if lines or not ranked:
        return tuple(lines)
    _, spec, value, median = max(ranked, key=lambda t: t[0])
    return (
        f"Your strongest figure this period is {spec.label.lower()}: {format_value(spec, value)} "
        f"(role median {format_value(spec, median)}). It is the one to build on.",
    )


# --------------------------------------------------------------------------- focus areas and goals


@dataclass(frozen=True)
class FocusText:
    """What a focus area says, built from the person's months (no tier, percentile or rank)."""

    where_now: str
    behaviour: str
    goal: str
    checkpoints: tuple[str, ...]
    sizing_note: str


def _months_text(months: Sequence[Month], spec: MetricSpec) -> str:
    if not months:
        return ""
    shown = ", ".join(_month_value(spec, m.value) for m in months)
    return f"Your months {span_label([m.period for m in months])}: {shown}."


def _month_value(spec: MetricSpec, value: float) -> str:
    if spec.unit == "per month":
        return f"{value:.0f}"
    if spec.unit == "money per month":
        return f"{value:,.0f}"
    return f"{value * 100:.1f}%" if abs(value) < 0.1 else f"{value * 100:.0f}%"


def focus_text(
    spec: MetricSpec,
    person: pd.Series,
    medians: pd.DataFrame,
    records: pd.DataFrame,
    today: date,
    period: str = "",
) -> FocusText:
    """The where-you-are line, the behaviour goal, the result goal and the dated checkpoints of one focus metric.

    Args:
        spec: The focus metric.
        person: One row of the segmentation.
        medians: :func:`core.scoring.metrics.role_medians`.
        records: The person's canonical records (their months only).
        today: The plan date; checkpoints fall 30 and 60 days later, the review 90 days later.
        period: The window the person's figure covers, e.g. ``"Aug–Oct 2026"``.
    """
    value = cell_number(person.get(f"{spec.id}_raw"))
    median = metric_refs(medians, spec.role, spec.id)[0]
    sizing, months = size_metric_goal(records, spec.id, median=median)
    review = plan_day(today, REVIEW_DAYS)
    over = f"over {period}" if period else "this period"
    where = f"{spec.label}: {format_value(spec, value)} {over}; the role median is {format_value(spec, median)}."
    if not math.isnan(value) and not math.isnan(median) and value >= median:
        where += " Already at or above the median: this goal builds on a strength."
    history = _months_text(months, spec)
    where_now = f"{where} {history}".strip()
    behaviour = BEHAVIOURS.get(spec.id, "A weekly practice chosen with your coach")
    first, second = (plan_day(today, d) for d in CHECKPOINT_DAYS)
    if sizing is None:
        why = (
            "there are no monthly figures to size one from"
            if not months
            else f"your figures so far cover only {len(months)} month{'s' if len(months) != 1 else ''}"
            if len(months) < MIN_MONTHS
            else "your months vary too much for a number that is both a real step and within your best month"
        )
        goal = (
            f"A number you agree with your coach and manager at the first check-in, reached by {format_date(review)} "
            f"({why})"
        )
        mid = "the first month at the number you agreed"
        note = (
            f"{spec.label}: no goal sized — {len(months)} month(s) with a value"
            + (f", best {_month_value(spec, max(m.value for m in months))}" if months else "")
            + "; agree one at the first check-in."
        )
    else:
        goal = f"{goal_text(spec.id, sizing)}, by {format_date(review)} (the 90-day review)"
        mid = f"{_midpoint_text(spec.id, sizing, spec.label)} or better"
        note = (
            f"{spec.label}: sized from {sizing.months} months — mean {_month_value(spec, sizing.mean)}, "
            f"spread (1 sd) {_month_value(spec, sizing.sd)}, best month {_month_value(spec, sizing.best)}; "
            f"target {_month_value(spec, sizing.target)} is above the noise and not beyond the best month."
        )
    checkpoints = (
        f"By {format_date(first)} (30 days): the weekly practice is in place, every week.",
        f"By {format_date(second)} (60 days): {mid}.",
    )
    return FocusText(where_now, behaviour, goal, checkpoints, note)


def weakest(person: pd.Series, specs: Sequence[MetricSpec], *, limit: int = MAX_FOCUS) -> list[str]:
    """Up to ``limit`` metrics below the 50th percentile, weakest first; at least the weakest one."""
    # NaN is dropped before sorting: it compares false with everything, so it would leave the rest unsorted.
    present = [(cell_number(person.get(f"{s.id}_pct")), i, s.id) for i, s in enumerate(specs)]
    ranked = sorted((t for t in present if not math.isnan(t[0])), key=lambda t: (t[0], t[1]))
    known = [(pct, metric) for pct, _, metric in ranked]
    if not known:
        return [specs[0].id] if specs else []
    below = [metric for pct, metric in known if pct < 50][:limit]
    return below or [known[0][1]]


# --------------------------------------------------------------------------- the coach


CoachKind = Literal["peer", "manager", "external", "none"]


@dataclass(frozen=True)
class Coach:
    """Who coaches a person, said twice: to the person (no figures) and to the manager (the chain's reason)."""

    kind: CoachKind
    name: str  # the coach's name ("" when none is named yet)
    person_line: str  # "Lea Wolf (Account Executive), proposed — to be confirmed"
    person_why: str  # "From your own team, and strong at what you are working on: qualifying leads."
    manager_line: str  # "Lea Wolf (AE, 1st of 44, close rate 47% vs median 23%) · same team · focus: …"


def _rows(frame: pd.DataFrame, column: str, rep_id: str) -> pd.DataFrame:
    if frame.empty or column not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame[column].astype(str) == rep_id]


def _peer(row: pd.Series) -> Coach:
    name, role = cell_text(row["coach_name"]), cell_text(row["coach_role"])
    proposed = str(row.get("status", "")) == "invitation" or bool(row.get("ask_first", False))
    suffix = f", {PROPOSED}" if proposed else ""
    where = (
        "from your own team"
        if bool(row.get("same_team", False))
        else "from your region"
        if bool(row.get("same_region", False))
        else "from another team"
        if "same_team" in row.index
        else ""
    )
    focus = cell_text(row.get("focus"))
    strong = f"strong at what you are working on: {focus}" if focus else ""
    why = ", and ".join(part for part in (where, strong) if part)
    why = f"{why[:1].upper()}{why[1:]}." if why else ""
    reason = cell_text(row.get("reason")) or f"{name} ({role})"
    return Coach("peer", name, f"{name} ({ROLE_NAMES.get(role, role)}){suffix}", why, f"{reason}{suffix}")


def find_coach(rep_id: str, manager: str, chains: ChainResult) -> Coach:
    """A core person's coach: the peer coach from the chains, else an external coach or the manager.

    Args:
        rep_id: The coachee.
        manager: Their manager's name ("" when unknown).
        chains: The matched chains (pairs, manager_coached, unmatched).
    """
    pair = _rows(chains.pairs, "coachee_id", rep_id)
    if len(pair):
        return _peer(pair.iloc[0])
    boss = manager or "your manager"
    coached = _rows(chains.manager_coached, "rep_id", rep_id)
    if len(coached):
        row = coached.iloc[0]
        external = cell_text(row.get("external_coach", ""))
        why = cell_text(row["why"])
        if external:
            return Coach(
                "external",
                external,
                f"{external} (external coach)",
                "An experienced coach from outside the team.",
                f"External coach: {external} — {why}",
            )
        return Coach(
            "manager",
            manager,
            f"{boss}, your manager, until an external coach is named",
            "No account manager in the team has room to coach at the moment, so your manager coaches you for now.",
            f"Manager (fallback until an external coach is named): {boss} — {why}",
        )
    left = _rows(chains.unmatched, "rep_id", rep_id)
    why = cell_text(left.iloc[0]["why"]) if len(left) else "No peer coach is assigned in the current chains."
    return Coach(
        "manager",
        manager,
        f"{boss}, your manager, until a peer coach is free",
        "No peer coach is free for you at the moment, so your manager coaches you until one is.",
        f"Manager: {boss} until a peer coach is free — {why}",
    )


# --------------------------------------------------------------------------- who owns what, and the agreement


def ownership(coach: Coach, manager: str, review: date) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(person_owns, coach_owns, manager_owns), said so that no one owns a part twice under two hats."""
    boss = manager or "Your manager"
    person = (
        "You own your choices: which options you try, in what order, and what you change.",
        "You own your practice between check-ins.",
    )
    manager_parts = (
        "the targets and the territory",
        "removing obstacles you raise",
        f"the review decision on {format_date(review)}: what comes next",
    )
    if coach.kind == "manager":
        return (
            person,
            (),
            (
                f"{boss} is your manager and, for now, also your coach: feedback after calls, meetings or account "
                "reviews, and the check-in log (date, note, next steps).",
                f"As your manager, {boss} also owns {', '.join(manager_parts[:2])}, and {manager_parts[2]}.",
            ),
        )
    coach_name = coach.name or "Your coach"
    return (
        person,
        (
            f"{coach_name} owns the feedback: after calls, meetings or account reviews, and on the options you try.",
            f"{coach_name} owns the check-in log: date, note, and what happened to each next step.",
        ),
        (f"{boss} owns {manager_parts[0]}, {manager_parts[1]}, and {manager_parts[2]}.",),
    )


def agreement(coach: Coach, manager: str) -> str:
    """Who agrees the expected result (a line to sign), each person named once."""
    boss = manager or "your manager"
    if coach.kind == "manager":
        return f"Agreed by you and {boss} (your manager and, for now, your coach)"
    if coach.kind == "external" and coach.name:
        return f"Agreed by you, {coach.name} (external coach) and {boss} (manager)"
    return f"Agreed by you, {coach.name or 'your coach'} (coach) and {boss} (manager)"


def commitments(coach: Coach) -> tuple[str, ...]:
    """The GROW *Will* step: what the person fills in; the coach lays out choices, the person chooses."""
    helper = "my coach" if coach.kind != "manager" else "my manager"
    return (
        "The option I try first",
        "My first step, and by when",
        f"What I would like from {helper} between check-ins",
        "How I will know it is working",
    )


def questions(role: str, focus: Sequence[str], coach: Coach, first: str = "") -> tuple[str, ...]:
    """Questions to explore, tailored to the role and the focus metrics; ``first`` (tier history) leads."""
    asked: list[str] = [first] if first else []
    for metric in focus:
        for question in QUESTIONS.get(metric, ()):
            if question not in asked:
                asked.append(question)
    helper = coach.name or "your coach"
    if coach.kind == "manager":
        helper = "your manager"
    asked.append(
        f"What would help most from {helper} between check-ins: call reviews, role-play, or "
        f"{_SECOND_OPINION.get(role, 'a second opinion')}?"
    )
    asked.append(GAP_TYPES)
    asked.append("What gets in the way that your manager could remove?")
    return tuple(asked)


# --------------------------------------------------------------------------- top performers


def development(role: str) -> tuple[str, ...]:
    """A top performer's own next development goal, as options to choose from."""
    larger = {"SDR": "moving towards an AE role", "AE": "larger or strategic deals", "AM": "key or strategic accounts"}
    return (
        f"Options to discuss: {larger.get(role, 'a larger scope')}, a team-lead track, or owning a practice area "
        "such as the qualification criteria or onboarding.",
    )


def readiness(has_coachees: bool) -> tuple[str, ...]:
    """A short readiness check for coaching others: not every strong seller is a natural coach, and that is fine."""
    return (
        "Have you coached or onboarded someone before? What went well?",
        "Would you like the coaching training before you start?",
        "How many hours a month can you give without hurting your own results?",
        "Coaching is an invitation, not an assignment: saying no, or not yet, is fine."
        if has_coachees
        else "If you would like to coach, say so: coaching is an invitation, not an assignment.",
    )


def first_name(name: str) -> str:
    """The first word of a name (the whole name when it is one word)."""
    parts = name.split()
    return parts[0] if parts else name


def metric_label(spec_id: str, specs: Mapping[str, MetricSpec]) -> str:
    """A metric's label, lower-case after its first letter, for use inside a sentence."""
    label = specs[spec_id].label if spec_id in specs else spec_id
    return label[:1].lower() + label[1:]


__all__ = [
    "BEHAVIOURS",
    "CHECKPOINT_DAYS",
    "Coach",
    "FocusText",
    "GAP_TYPES",
    "MAX_FOCUS",
    "PROPOSED",
    "QUESTIONS",
    "agreement",
    "commitments",
    "development",
    "find_coach",
    "first_name",
    "focus_text",
    "goal_text",
    "ownership",
    "questions",
    "readiness",
    "strengths",
    "weakest",
]
