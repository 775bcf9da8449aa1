"""The shape of an individual coaching plan or HR brief, shared by the content builder and the renderers.

``core.plans.content`` fills these from the segmentation, the chains and what a manager edited;
``core.plans.render`` turns them into PDF, Word and Markdown. Nothing here computes anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

PlanKind = Literal["coaching", "top", "hr_brief"]


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
    goal: str  # measurable, e.g. "Qualified-lead rate from 41% to 50% (the role median) by 21 Feb 2027"
    review_date: date
    edited: bool = False  # a manager changed the goal or practice text


@dataclass(frozen=True)
class CheckIn:
    """A short coaching conversation, logged so effectiveness can be assessed later."""

    when: date
    note: str
    next_step: str
    by: str


@dataclass(frozen=True)
class Plan:
    """Everything one document holds. ``kind`` decides which sections a renderer shows.

    coaching — core tier: tier reason, focus areas, peer coach, cadence, roles, questions, research note.
    top — top tier: tier reason, retention, their coaching role (whom they coach, hours, credit).
    hr_brief — low tier: facts, trend, persistence, support given, gap to median, decision note.
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
    notes: str = ""  # free text from the manager
    checkins: tuple[CheckIn, ...] = field(default_factory=tuple)
    edited_fields: tuple[str, ...] = ()  # names of fields a manager edited (shown as "edited")


IDENTIFIERS = frozenset({"kind", "role", "tier", "metric", "edited_fields"})
"""Plan fields that are codes the renderers look up, not text a reader sees: never rewritten."""


def _map_text(value: object, change: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, tuple):
        return tuple(_map_text(item, change) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _map_text(getattr(value, f.name), change)
            for f in dataclasses.fields(value)
            if f.name not in IDENTIFIERS
        }
        return dataclasses.replace(value, **changes)
    return value


def map_plan_text(plan: Plan, change: Callable[[str], str]) -> Plan:
    """A copy of ``plan`` with ``change`` applied to every text a reader sees (focus areas and check-ins too)."""
    return cast(Plan, _map_text(plan, change))
