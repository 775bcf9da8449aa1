"""The shape of an individual coaching plan or HR brief, shared by the content builder and the renderers.

``core.plans.content`` fills these from the segmentation, the chains and what a manager edited;
``core.plans.render`` turns them into PDF, Word and Markdown. Nothing here computes anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, Literal, cast

from core.i18n import N_

REVIEW_DAYS: Final = 90
"""A plan's goals are reviewed this many days after the plan is written."""
CHECKPOINT_DAYS: Final = (30, 60)
"""Days after the plan date of the checkpoints before the review (the document and the calendar share them)."""


def plan_day(written_on: date, days: int) -> date:
    """The date ``days`` after ``written_on``, moved to the Monday after when it falls on a weekend.

    Every dated step of a plan (checkpoints, check-ins, the review) goes through here, so the document and
    the calendar name the same working day.
    """
    day = written_on + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


PlanKind = Literal["coaching", "top", "watch", "hr_brief"]
Audience = Literal["person", "manager"]
"""Who a document is for: the person's own plan (written to "you", handed over unchanged) or the
manager's notes (tier, percentile, rank, flags, the coach's figures), which never go into the person's copy."""


@dataclass(frozen=True)
class FocusArea:
    """One thing to work on: the metric, where the person stands, options to practise, a measurable goal."""

    metric: str  # metric id, e.g. "qualified_lead_rate"
    label: str  # "Qualified-lead rate"
    value_text: str  # the person's value, formatted ("41.0%")
    median_text: str  # the role median, formatted
    top_quartile_text: str  # where the role's top quartile starts, formatted
    percentile: float  # within role, 0–100
    practice: tuple[str, ...]  # options to discuss (from the playbook), not orders
    goal: str  # the result goal, e.g. "From about 11 to 14 qualified leads a month (41% → 50% of leads sent)"
    review_date: date
    edited: bool = False  # a manager changed the goal or practice text
    where_now: str = ""  # for the person: their figure against the role median and their own months
    behaviour: str = ""  # the behaviour goal: what the person does every week (before the result goal)
    checkpoints: tuple[str, ...] = ()  # "30 days (23 Dec 2026): ...", "60 days (...)": "90-day review (...)"
    sizing_note: str = ""  # for the manager: the months, mean, spread and best month the goal was sized from


Outcome = Literal["done", "in_progress", "dropped"]
OUTCOMES: Final[dict[Outcome, str]] = {"done": N_("done"), "in_progress": N_("in progress"), "dropped": N_("dropped")}
"""What happened to a step agreed at the previous check-in, as stored and as a reader sees it (in English:
translate with ``_()`` where shown)."""
_BULLET: Final = "-*•–· \t"


def next_steps(text: str) -> tuple[str, ...]:
    """The steps a next-step text holds: one per non-blank line, without a leading bullet mark."""
    return tuple(step for line in text.splitlines() if (step := line.strip().lstrip(_BULLET).strip()))


@dataclass(frozen=True)
class StepOutcome:
    """One step agreed at the previous check-in, and what happened to it."""

    step: str
    outcome: Outcome | None = None  # None: not recorded (a check-in logged before outcomes were asked)


@dataclass(frozen=True)
class CheckIn:
    """A short coaching conversation, logged so effectiveness can be assessed later.

    It opens with the previous check-in's next steps and what happened to each (``carried``), so the log
    shows the fate of every agreed step. Check-ins logged before outcomes were asked carry none.
    """

    when: date
    note: str
    next_step: str  # one step per line
    by: str
    carried: tuple[StepOutcome, ...] = ()

    @property
    def steps(self) -> tuple[str, ...]:
        """The next steps agreed at this check-in, one per line of ``next_step``."""
        return next_steps(self.next_step)


@dataclass(frozen=True)
class Plan:
    """Everything one document holds. ``kind`` decides which sections a renderer shows.

    coaching — core tier: strengths, focus areas with goals, peer coach, cadence, who owns what, questions.
    top — top tier: strengths, their own next goal, the coaching role as an invitation, readiness check.
    watch — low now but not persistently: one goal and a short support period with a 30-day check-in.
    hr_brief — persistent low tier: facts, trend, persistence, support given, context, the employee's view.

    Fields marked "person" are written to the person; "manager" fields only go into the manager's notes.
    """

    kind: PlanKind
    rep_id: str
    name: str
    role: str  # "SDR" | "AE" | "AM"
    role_name: str  # "Sales Development Rep"
    team: str
    region: str
    manager: str
    period_label: str  # the window the numbers cover, e.g. "Aug–Oct 2026"
    generated_on: date
    tier: str  # "low" | "core" | "top" (after override)
    tier_lines: tuple[str, ...]  # why this tier, in plain words (percentile, each metric vs median)
    score: float
    percentile: float
    trend: tuple[tuple[str, float], ...] = ()  # (YYYY-MM, percentile within role) oldest first
    focus: tuple[FocusArea, ...] = ()
    coach: str = ""  # "Lea Wolf (AE)" or "Manager: Jörg Schäfer" or "External coach"
    coach_reason: str = ""
    cadence: str = ""
    manager_owns: tuple[str, ...] = ()
    coach_owns: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # options and questions to discuss
    research_note: str = ""  # the 6–8% / up to 19% figures, stated as research, not promises
    retention: tuple[str, ...] = ()  # top tier
    coaching_role: tuple[str, ...] = ()  # top tier: whom they coach, expected hours, credit
    hr_facts: tuple[str, ...] = ()  # low tier
    persistence_text: str = ""  # low tier
    support_given: tuple[str, ...] = ()  # low tier: check-ins so far
    decision_note: str = ""  # low tier: a person decides
    notes: str = ""  # free text from the manager (manager's notes only)
    strengths: tuple[str, ...] = ()  # person: metrics at or above the role median, named first
    moved: tuple[str, ...] = ()  # person: what moved (deal count vs size vs rate, volume vs quality, ...)
    person_owns: tuple[str, ...] = ()  # person: their choices and practice
    commitments: tuple[str, ...] = ()  # person: "You choose, you commit to" lines to fill in
    agreement: str = ""  # person: who signs, without anyone agreeing with themselves
    coach_line: str = ""  # person: the coach by name and role, without the coach's figures
    coach_why: str = ""  # person: why this coach, in plain words
    development: tuple[str, ...] = ()  # person (top): their own next development goal, as options
    readiness: tuple[str, ...] = ()  # person (top): a short readiness check for coaching others
    manager_lines: tuple[str, ...] = ()  # manager: tier history, flags, what to ask, retention prompts
    tier_history: tuple[str, ...] = ()  # manager: the tier in earlier windows, oldest first
    context_checks: tuple[str, ...] = ()  # hr_brief / watch: context to check before any conclusion
    checkins: tuple[CheckIn, ...] = field(default_factory=tuple)
    coach_name: str = ""  # the coach's name alone (the calendar's events name them); "" when none is named
    coachees: tuple[str, ...] = ()  # top: the names of the people they are invited to coach (the calendar)
    edited_fields: tuple[str, ...] = ()  # names of fields a manager edited (shown as "edited")
    language: str = "en"  # the language the plan's text was written in; its documents are rendered in it too


IDENTIFIERS = frozenset({"kind", "role", "tier", "metric", "edited_fields", "tier_history", "outcome", "language"})
"""Plan fields that are codes the renderers look up, not text a reader sees: never rewritten."""


def _map_text(value: object, change: Callable[[str], str]) -> object:
    """``value`` with ``change`` applied to its texts; the very same object where no text changed.

    Plans are cleaned three times on their way into a ZIP (the ZIP, the document, the calendar), and text
    rarely needs a change: rebuilding every tuple and dataclass anyway cost ~1 s for 1,000 plans (#17).
    """
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        items = tuple(_map_text(item, change) for item in value)
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if f.name not in IDENTIFIERS:
                old = getattr(value, f.name)
                new = _map_text(old, change)
                if new is not old:
                    changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def map_plan_text(plan: Plan, change: Callable[[str], str]) -> Plan:
    """``plan`` with ``change`` applied to every text a reader sees (focus areas and check-ins too).

    Plans are frozen, so a plan whose texts ``change`` leaves as they are comes back as it is, not copied.
    """
    return cast(Plan, _map_text(plan, change))
