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

from core.cells import RowIndex, cell_number, cell_text
from core.coaching.chains import ChainResult
from core.i18n import N_, _, current, ngettext
from core.plans.goals import MIN_MONTHS, Month, Sizing, size_metric_goal
from core.plans.model import CHECKPOINT_DAYS, REVIEW_DAYS, plan_day
from core.plans.words import day, metric_name, number, percent, role_name, span, value
from core.scoring.metrics import MetricSpec, metric_refs, metrics_with_values

MAX_FOCUS: Final = 2
"""One or two goals, not one per weak metric."""

PROPOSED: Final = N_("proposed — to be confirmed")
"""How a plan names a peer coach who has not said yes yet (an invitation), never as settled."""

BEHAVIOURS: Final[dict[str, str]] = {
    "lead_rate": N_("Every working day, two protected calling blocks, with next week's call list built every Friday"),
    "qualified_lead_rate": N_(
        "Every lead checked against the qualification card before it is sent, and last week's accepted and "
        "turned-down leads reviewed with your coach once a week"
    ),
    "qualification_efficiency": N_(
        "Every call list ranked against the ideal-customer profile before calling, and two discovery questions "
        "asked early in every call"
    ),
    "close_rate": N_(
        "A written close plan agreed with the buyer in every deal past the demo, and one won or lost deal "
        "reviewed with your coach every week"
    ),
    "quota_attainment": N_(
        "Every Monday, pipeline coverage checked against the remaining quota, and an hour on your five largest "
        "open deals"
    ),
    "revenue_per_month": N_(
        "One qualified opportunity of your own every week on top of what your SDRs send, and a scope check "
        "before every proposal"
    ),
    "upsell_rate": N_(
        "One account review prepared or held every week with a growth idea for the account, working through "
        "your ten largest accounts this quarter"
    ),
}
"""The behaviour goal per focus metric: what the person does every week, before any result shows."""

QUESTIONS: Final[dict[str, tuple[str, ...]]] = {
    "lead_rate": (
        N_("On the days you send most leads, what did the morning look like?"),
        N_("Which part of your list gives real conversations, and which gives voicemails?"),
    ),
    "qualified_lead_rate": (
        N_("Which of last month's turned-down leads would you now hold back, and what would have told you earlier?"),
        N_("Which qualification question is hardest to ask on a first call, and why?"),
    ),
    "qualification_efficiency": (
        N_(
            "Which accounts on your list turn into qualified leads most often, and how could more of your calls go "
            "there?"
        ),
        N_("At which point in a call do you usually learn that a prospect does not fit?"),
    ),
    "close_rate": (
        N_("Looking at your last three lost deals, where did each one turn?"),
        N_("In which deals did you and the buyer agree a close plan, and did those close more often?"),
    ),
    "quota_attainment": (
        N_("Is the gap in the number of deals, in their size, or in how many of them close?"),
        N_("Where did your largest deals of last quarter come from, and where are more like them?"),
    ),
    "revenue_per_month": (
        N_("Is the gap in the number of deals, in their size, or in how many of them close?"),
        N_("Where did your largest deals of last quarter come from, and where are more like them?"),
    ),
    "upsell_rate": (
        N_("Which of your accounts grew, and what did you do differently there?"),
        N_("Which account reviews are due this quarter, and which growth idea would you bring to each?"),
    ),
}
"""Questions tailored to the focus metric (AM language for AMs: account reviews, not deals or leads)."""

GAP_TYPES: Final = N_(
    "What kind of gap is it, if any: a skill to practise, something you would need to know, how much it "
    "matters to you right now, or the territory, leads and tools you work with?"
)
"""Gap types as options to explore — skill, will, knowledge, territory/system — none assumed."""

_SECOND_OPINION: Final = {
    "SDR": N_("a second opinion on a lead"),
    "AE": N_("a second opinion on a deal"),
    "AM": N_("a second opinion before an account review"),
}


# --------------------------------------------------------------------------- numbers people say


def about(value: float) -> str:
    """A number as people say it: whole below 1,000, to the hundred below 10,000, else to the thousand."""
    size = abs(value)
    step = 1 if size < 1000 else 100 if size < 10_000 else 1000
    return number(round(value / step) * step)


def _pct(value: float, step: float) -> str:
    return percent(value, 1) if step < 0.01 else percent(value)


def _counts(start: float, target: float, base: float) -> tuple[str, str, bool]:
    """Start and target as counts at the usual base, a month or (when a month's counts are small) a quarter."""
    a, b = start * base, target * base
    if round(a) < round(b) and b >= 5:
        return about(a), about(b), False
    return about(a * 3), about(b * 3), True


_COUNT_GOALS: Final = {
    "close_rate": (
        N_("From about {start} to {target} deals won a month from your usual {usual} deals worked ({rate})"),
        N_("From about {start} to {target} deals won a quarter from your usual {usual} deals worked ({rate})"),
    ),
    "qualification_efficiency": (
        N_("From about {start} to {target} qualified leads a month from your usual {usual} calls ({rate})"),
        N_("From about {start} to {target} qualified leads a quarter from your usual {usual} calls ({rate})"),
    ),
    "qualified_lead_rate": (
        N_("From about {start} to {target} qualified leads a month from your usual {usual} leads sent ({rate})"),
        N_("From about {start} to {target} qualified leads a quarter from your usual {usual} leads sent ({rate})"),
    ),
}


def goal_text(metric: str, sizing: Sizing) -> str:
    """A sized result goal in counts as well as rates: ``"From about 11 to 14 qualified leads a month (...)"``."""
    s, t, base = sizing.start, sizing.target, sizing.usual_base
    if metric == "lead_rate":
        return _("From about {start} to {target} leads sent a month").format(start=about(s), target=about(t))
    if metric == "revenue_per_month":
        return _("From about {start} to {target} won revenue a month").format(start=about(s), target=about(t))
    rate = f"{_pct(s, sizing.step)} → {_pct(t, sizing.step)}"
    if math.isnan(base) or base <= 0:
        return _("From about {start} to {target}").format(start=_pct(s, sizing.step), target=_pct(t, sizing.step))
    if metric == "quota_attainment":
        return _("From about {start} to {target} won revenue a month ({rate} of your quota)").format(
            start=about(s * base), target=about(t * base), rate=rate
        )
    if metric == "upsell_rate":
        return _("Portfolio growth from about {start} to {target} a month ({rate} of your portfolio)").format(
            start=about(s * base), target=about(t * base), rate=rate
        )
    monthly, quarterly = _COUNT_GOALS.get(metric, _COUNT_GOALS["qualified_lead_rate"])
    a, b, quarter = _counts(s, t, base)
    usual = about(base * (3 if quarter else 1))
    return _(quarterly if quarter else monthly).format(start=a, target=b, usual=usual, rate=rate)


def _midpoint_text(metric: str, sizing: Sizing, label: str) -> str:
    """The 60-day checkpoint: one month at the midpoint, said as a count or an amount where there is one."""
    mid = sizing.midpoint
    if metric == "lead_rate":
        return _("a month with about {count} leads sent").format(count=about(mid))
    if metric == "revenue_per_month":
        return _("a month with about {amount} won revenue").format(amount=about(mid))
    if metric == "upsell_rate" and not math.isnan(sizing.usual_base):
        return _("a month with about {amount} portfolio growth").format(amount=about(mid * sizing.usual_base))
    named = label if current().language == "de" else f"{label[:1].lower()}{label[1:]}"  # German nouns keep capitals
    return _("a month at a {metric} of about {value}").format(metric=named, value=_pct(mid, sizing.step))


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
        amount = cell_number(person.get(f"{spec.id}_raw"))
        median = metric_refs(medians, role, spec.id)[0]
        if math.isnan(amount) or math.isnan(median):
            continue
        ranked.append((amount / median if median else math.inf, spec, amount, median))
        if amount >= median:
            said = (
                _("{metric}: {value}, at the role median of {median}.")
                if amount == median
                else _("{metric}: {value}, above the role median of {median}.")
            )
            lines.append(said.format(metric=metric_name(spec), value=value(spec, amount), median=value(spec, median)))
    ranked = [t for t in ranked if t[1].id not in focus and t[2] > 0]
    if lines or not ranked:
        return tuple(lines)
    _ratio, spec, amount, median = max(ranked, key=lambda t: t[0])
    label = metric_name(spec)
    return (
        _(
            "Your strongest figure this period is {metric}: {value} (role median {median}). It is the one to build on."
        ).format(
            metric=label if current().language == "de" else label.lower(),
            value=value(spec, amount),
            median=value(spec, median),
        ),
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
    return _("Your months {months}: {values}.").format(months=span([m.period for m in months]), values=shown)


def _month_value(spec: MetricSpec, amount: float) -> str:
    if spec.unit == "per month":
        return number(amount)
    if spec.unit == "money per month":  # i18n: data
        return number(amount)
    return percent(amount, 1) if abs(amount) < 0.1 else percent(amount)


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
    amount = cell_number(person.get(f"{spec.id}_raw"))
    median = metric_refs(medians, spec.role, spec.id)[0]
    sizing, months = size_metric_goal(records, spec.id, median=median)
    review = plan_day(today, REVIEW_DAYS)
    label = metric_name(spec)
    said = {"metric": label, "value": value(spec, amount), "median": value(spec, median), "period": period}
    where = (
        _("{metric}: {value} over {period}; the role median is {median}.")
        if period
        else _("{metric}: {value} this period; the role median is {median}.")
    ).format(**said)
    if not math.isnan(amount) and not math.isnan(median) and amount >= median:
        where += " " + _("Already at or above the median: this goal builds on a strength.")
    history = _months_text(months, spec)
    where_now = f"{where} {history}".strip()
    behaviour = _(BEHAVIOURS.get(spec.id, N_("A weekly practice chosen with your coach")))
    first, second = (plan_day(today, d) for d in CHECKPOINT_DAYS)
    if sizing is None:
        why = (
            _("there are no monthly figures to size one from")
            if not months
            else ngettext(
                "your figures so far cover only {count} month",
                "your figures so far cover only {count} months",
                len(months),
            ).format(count=len(months))
            if len(months) < MIN_MONTHS
            else _("your months vary too much for a number that is both a real step and within your best month")
        )
        goal = _(
            "A number you agree with your coach and manager at the first check-in, reached by {date} ({why})"
        ).format(date=day(review), why=why)
        mid = _("the first month at the number you agreed")
        note = (
            _("{metric}: no goal sized — {count} month(s) with a value, best {best}; agree one at the first check-in.")
            if months
            else _("{metric}: no goal sized — {count} month(s) with a value; agree one at the first check-in.")
        ).format(
            metric=label,
            count=len(months),
            best=_month_value(spec, max(m.value for m in months)) if months else "",
        )
    else:
        goal = _("{goal}, by {date} (the 90-day review)").format(goal=goal_text(spec.id, sizing), date=day(review))
        mid = _("{midpoint} or better").format(midpoint=_midpoint_text(spec.id, sizing, label))
        note = _(
            "{metric}: sized from {months} months — mean {mean}, spread (1 sd) {sd}, best month {best}; "
            "target {target} is above the noise and not beyond the best month."
        ).format(
            metric=label,
            months=sizing.months,
            mean=_month_value(spec, sizing.mean),
            sd=_month_value(spec, sizing.sd),
            best=_month_value(spec, sizing.best),
            target=_month_value(spec, sizing.target),
        )
    checkpoints = (
        _("By {date} (30 days): the weekly practice is in place, every week.").format(date=day(first)),
        _("By {date} (60 days): {midpoint}.").format(date=day(second), midpoint=mid),
    )
    return FocusText(where_now, behaviour, goal, checkpoints, note)


def weakest(person: pd.Series, specs: Sequence[MetricSpec], *, limit: int = MAX_FOCUS) -> list[str]:
    """Up to ``limit`` metrics below the 50th percentile, weakest first; at least the weakest one."""
    # NaN is dropped before sorting: it compares false with everything, so it would leave the rest unsorted.
    present = [(cell_number(person.get(f"{s.id}_pct")), i, s.id) for i, s in enumerate(specs)]
    ranked = sorted((t for t in present if not math.isnan(t[0])), key=lambda t: (t[0], t[1]))
    known = [(pct, metric) for pct, _i, metric in ranked]
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


def _rows(frame: pd.DataFrame, column: str, rep_id: str, index: RowIndex | None = None) -> pd.DataFrame:
    if index is not None:
        return index.rows(frame, column, rep_id)
    if frame.empty or column not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame[column].astype(str) == rep_id]


def _peer(row: pd.Series) -> Coach:
    name, role = cell_text(row["coach_name"]), cell_text(row["coach_role"])
    proposed = str(row.get("status", "")) == "invitation" or bool(row.get("ask_first", False))
    suffix = f", {_(PROPOSED)}" if proposed else ""
    where = (
        _("from your own team")
        if bool(row.get("same_team", False))
        else _("from your region")
        if bool(row.get("same_region", False))
        else _("from another team")
        if "same_team" in row.index
        else ""
    )
    focus = cell_text(row.get("focus"))
    strong = _("strong at what you are working on: {focus}").format(focus=focus) if focus else ""
    why = _("{first}, and {second}").format(first=where, second=strong) if where and strong else where or strong
    why = f"{why[:1].upper()}{why[1:]}." if why else ""
    reason = cell_text(row.get("reason")) or f"{name} ({role})"
    return Coach("peer", name, f"{name} ({role_name(role)}){suffix}", why, f"{reason}{suffix}")


def find_coach(rep_id: str, manager: str, chains: ChainResult, *, index: RowIndex | None = None) -> Coach:
    """A core person's coach: the peer coach from the chains, else an external coach or the manager.

    Args:
        rep_id: The coachee.
        manager: Their manager's name ("" when unknown).
        chains: The matched chains (pairs, manager_coached, unmatched).
        index: Looks the person's rows up in ``chains``' frames (building many plans); none filters them.
    """
    pair = _rows(chains.pairs, "coachee_id", rep_id, index)
    if len(pair):
        return _peer(pair.iloc[0])
    boss = manager or _("your manager")
    coached = _rows(chains.manager_coached, "rep_id", rep_id, index)
    if len(coached):
        row = coached.iloc[0]
        external = cell_text(row.get("external_coach", ""))
        why = cell_text(row["why"])
        if external:
            return Coach(
                "external",
                external,
                _("{coach} (external coach)").format(coach=external),
                _("An experienced coach from outside the team."),
                _("External coach: {coach} — {why}").format(coach=external, why=why),
            )
        return Coach(
            "manager",
            manager,
            _("{manager}, your manager, until an external coach is named").format(manager=boss),
            _("No account manager in the team has room to coach at the moment, so your manager coaches you for now."),
            _("Manager (fallback until an external coach is named): {manager} — {why}").format(manager=boss, why=why),
        )
    left = _rows(chains.unmatched, "rep_id", rep_id, index)
    why = cell_text(left.iloc[0]["why"]) if len(left) else _("No peer coach is assigned in the current chains.")
    return Coach(
        "manager",
        manager,
        _("{manager}, your manager, until a peer coach is free").format(manager=boss),
        _("No peer coach is free for you at the moment, so your manager coaches you until one is."),
        _("Manager: {manager} until a peer coach is free — {why}").format(manager=boss, why=why),
    )


# --------------------------------------------------------------------------- who owns what, and the agreement


def ownership(coach: Coach, manager: str, review: date) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(person_owns, coach_owns, manager_owns), said so that no one owns a part twice under two hats."""
    boss = manager or _("Your manager")
    person = (
        _("You own your choices: which options you try, in what order, and what you change."),
        _("You own your practice between check-ins."),
    )
    if coach.kind == "manager":
        return (
            person,
            (),
            (
                _(
                    "{manager} is your manager and, for now, also your coach: feedback after calls, meetings or "
                    "account reviews, and the check-in log (date, note, next steps)."
                ).format(manager=boss),
                _(
                    "As your manager, {manager} also owns the targets and the territory, removing obstacles you "
                    "raise, and the review decision on {date}: what comes next."
                ).format(manager=boss, date=day(review)),
            ),
        )
    coach_name = coach.name or _("Your coach")
    return (
        person,
        (
            _(
                "{coach} owns the feedback: after calls, meetings or account reviews, and on the options you try."
            ).format(coach=coach_name),
            _("{coach} owns the check-in log: date, note, and what happened to each next step.").format(
                coach=coach_name
            ),
        ),
        (
            _(
                "{manager} owns the targets and the territory, removing obstacles you raise, and the review "
                "decision on {date}: what comes next."
            ).format(manager=boss, date=day(review)),
        ),
    )


def agreement(coach: Coach, manager: str) -> str:
    """Who agrees the expected result (a line to sign), each person named once."""
    boss = manager or _("your manager")
    if coach.kind == "manager":
        return _("Agreed by you and {manager} (your manager and, for now, your coach)").format(manager=boss)
    if coach.kind == "external" and coach.name:
        return _("Agreed by you, {coach} (external coach) and {manager} (manager)").format(
            coach=coach.name, manager=boss
        )
    return _("Agreed by you, {coach} (coach) and {manager} (manager)").format(
        coach=coach.name or _("your coach"), manager=boss
    )


def commitments(coach: Coach) -> tuple[str, ...]:
    """The GROW *Will* step: what the person fills in; the coach lays out choices, the person chooses."""
    return (
        _("The option I try first"),
        _("My first step, and by when"),
        _("What I would like from my coach between check-ins")
        if coach.kind != "manager"
        else _("What I would like from my manager between check-ins"),
        _("How I will know it is working"),
    )


def questions(role: str, focus: Sequence[str], coach: Coach, first: str = "") -> tuple[str, ...]:
    """Questions to explore, tailored to the role and the focus metrics; ``first`` (tier history) leads."""
    asked: list[str] = [first] if first else []
    for metric in focus:
        for question in QUESTIONS.get(metric, ()):
            if _(question) not in asked:
                asked.append(_(question))
    helper = coach.name or _("your coach")
    if coach.kind == "manager":
        helper = _("your manager")
    asked.append(
        _("What would help most from {helper} between check-ins: call reviews, role-play, or {second_opinion}?").format(
            helper=helper, second_opinion=_(_SECOND_OPINION.get(role, N_("a second opinion")))
        )
    )
    asked.append(_(GAP_TYPES))
    asked.append(_("What gets in the way that your manager could remove?"))
    return tuple(asked)


# --------------------------------------------------------------------------- top performers


def development(role: str) -> tuple[str, ...]:
    """A top performer's own next development goal, as options to choose from."""
    larger = {
        "SDR": N_("moving towards an AE role"),
        "AE": N_("larger or strategic deals"),
        "AM": N_("key or strategic accounts"),
    }
    return (
        _(
            "Options to discuss: {next}, a team-lead track, or owning a practice area such as the qualification "
            "criteria or onboarding."
        ).format(next=_(larger.get(role, N_("a larger scope")))),
    )


def readiness(has_coachees: bool) -> tuple[str, ...]:
    """A short readiness check for coaching others: not every strong seller is a natural coach, and that is fine."""
    return (
        _("Have you coached or onboarded someone before? What went well?"),
        _("Would you like the coaching training before you start?"),
        _("How many hours a month can you give without hurting your own results?"),
        _("Coaching is an invitation, not an assignment: saying no, or not yet, is fine.")
        if has_coachees
        else _("If you would like to coach, say so: coaching is an invitation, not an assignment."),
    )


def first_name(name: str) -> str:
    """The first word of a name (the whole name when it is one word)."""
    parts = name.split()
    return parts[0] if parts else name


def metric_label(spec_id: str, specs: Mapping[str, MetricSpec]) -> str:
    """A metric's label, lower-case after its first letter, for use inside a sentence."""
    label = metric_name(specs[spec_id]) if spec_id in specs else spec_id
    return label if current().language == "de" else label[:1].lower() + label[1:]


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
