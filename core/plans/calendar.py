"""A plan's cadence as an iCalendar (.ics) file the person and their coach import into any calendar.

Issue #15: "every plan's cadence downloads as an .ics calendar file, with the people's names and no
scores in the event text". :func:`plan_calendar` turns the rhythm a plan states into events:

* **coaching** — the weekly check-in with the coach (a recurring event for the 90 days), the monthly
  review with the manager when the cadence has one, and all-day events for the 30- and 60-day
  checkpoints and the 90-day review;
* **watch** — the conversation with the manager this week, the 30-day check-in and the 90-day review;
* **top** — a weekly check-in with each person they are invited to coach, with their own coach if they
  have one, and a 90-day development review;
* **hr_brief** — nothing: an HR brief has no cadence to hand over.

The dates come from the same arithmetic as the document's (:data:`core.plans.model.REVIEW_DAYS` and
:data:`core.plans.model.CHECKPOINT_DAYS` from ``plan.generated_on``), so the calendar and the plan
agree to the day. Event text holds names, roles, the focus metric and the goals as the person's plan
says them — never a tier, percentile, rank or score. The same plan always gives the same bytes: UIDs
come from the rep_id, the kind of event and its date, DTSTAMP from the plan date, never the clock.
Check-ins are timed at a floating local time (no time zone: 10:00 wherever the calendar is), to be
moved to a time that suits both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from icalendar import Calendar, Event

from core.i18n import N_, _, speaking
from core.plans.model import CHECKPOINT_DAYS, REVIEW_DAYS, Plan, map_plan_text, plan_day
from core.plans.words import day
from core.text import safe_text

PRODID: Final = "-//Coachwise//Coaching plan cadence//EN"  # i18n: data (the iCalendar product id)
CHECK_IN_AT: Final = time(10, 0)
"""When a recurring check-in starts (floating local time); one coachee after another, half an hour apart."""
REVIEW_AT: Final = time(11, 0)
CHECK_IN_MINUTES: Final = 30
REVIEW_MINUTES: Final = 15
WEEKS: Final = REVIEW_DAYS // 7
"""Weekly check-ins from a week after the plan date until the week before the 90-day review."""
MONTHS: Final = 3
LAST_DAY: Final = 28
"""A monthly review falls on a day every month has (RFC 5545 skips a month without the day)."""

# What the events say: every sentence a reader sees, in one place (English, translated with _() where used).
TEXT: Final[dict[str, str]] = {
    "calendar": N_("Coachwise: {name}"),
    "check_in": N_("Coaching check-in: {name} with {coach}"),
    "check_in_alone": N_("Coaching check-in: {name}"),
    "monthly": N_("Monthly review: {name} with {manager}"),
    "monthly_alone": N_("Monthly review: {name}"),
    "checkpoint": N_("{days}-day checkpoint: {name}"),
    "review": N_("90-day review: {name}"),
    "development": N_("Development review: {name}"),
    "conversation": N_("Conversation: {name} with {manager}"),
    "watch_check_in": N_("30-day check-in: {name} with {manager}"),
    "coachee": N_("Coaching check-in: {coachee} with {name}"),
    "focus": N_("Focus: {labels}."),
    "cadence": N_("Agreed rhythm: {cadence}"),
    "coach": N_("Coach: {coach}"),
    "invitation": N_("Coaching is an invitation: keep these check-ins once you have said yes."),
    "bring": N_("Start from last time's next steps: what is done, in progress or dropped?"),
    "move": N_("Move it to a time that suits you both."),
    "this_week": N_("This week: what is going on, and what would help."),
    "written": N_("From the plan of {name} written on {date}."),
}
_FORTNIGHT: Final = re.compile(
    r"fortnight|every (two|2|other) weeks|bi-?weekly"  # English
    r"|vierzehntägig|zweiwöchentlich|alle (zwei|2) wochen|alle 14 tage"  # German
    r"|tweewekelijks|om de (twee|2) weken|om de week",  # Dutch
    re.IGNORECASE,
)
_MONTHLY: Final = re.compile(r"monthly|monatlich|maandelijks", re.IGNORECASE)
"""A cadence (generated or typed by a manager, in any of the three languages) that has a monthly review."""
_NOT_ID: Final = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a plan's cadence: all-day when ``at`` is None, recurring when ``freq`` is set."""

    kind: str  # part of the UID: "check-in", "monthly", "checkpoint-30", ...
    summary: str
    description: str
    start: date
    at: time | None = None  # None: an all-day event
    minutes: int = 0
    freq: str = ""  # "WEEKLY" or "MONTHLY"
    count: int = 0
    interval: int = 1


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _after(day: date, months: int) -> date:
    """The same day ``months`` later, on a day every month has."""
    total = day.month - 1 + months
    return date(day.year + total // 12, total % 12 + 1, min(day.day, LAST_DAY))


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _review_day(plan: Plan) -> date:
    return plan.focus[0].review_date if plan.focus else plan_day(plan.generated_on, REVIEW_DAYS)


def _focus_line(plan: Plan) -> str:
    labels = ", ".join(area.label for area in plan.focus)
    return _(TEXT["focus"]).format(labels=labels) if labels else ""


def _written(plan: Plan) -> str:
    return _(TEXT["written"]).format(name=plan.name, date=day(plan.generated_on))


def _weekly(plan: Plan, coach: str, kind: str, start: date, at: time) -> CalendarEvent:
    summary = _(TEXT["check_in"] if coach else TEXT["check_in_alone"])
    fortnightly = bool(_FORTNIGHT.search(plan.cadence))
    return CalendarEvent(
        kind=kind,
        summary=summary.format(name=plan.name, coach=coach),
        description=_lines(
            _focus_line(plan),
            _(TEXT["coach"]).format(coach=plan.coach_line) if plan.coach_line else "",
            _(TEXT["cadence"]).format(cadence=plan.cadence) if plan.cadence else "",
            _(TEXT["bring"]),
            _(TEXT["move"]),
            _written(plan),
        ),
        start=start,
        at=at,
        minutes=CHECK_IN_MINUTES,
        freq="WEEKLY",
        count=WEEKS // 2 if fortnightly else WEEKS,
        interval=2 if fortnightly else 1,
    )


def _checkpoints(plan: Plan) -> list[CalendarEvent]:
    """All-day events on the 30- and 60-day checkpoints and the 90-day review, with what each one checks."""
    events: list[CalendarEvent] = []
    for i, days in enumerate(CHECKPOINT_DAYS):
        said = [f"{a.label}: {a.checkpoints[i]}" for a in plan.focus if len(a.checkpoints) > i]
        events.append(
            CalendarEvent(
                kind=f"checkpoint-{days}",
                summary=_(TEXT["checkpoint"]).format(days=days, name=plan.name),
                description=_lines(*said, _written(plan)),
                start=plan_day(plan.generated_on, days),
            )
        )
    goals = [f"{a.label}: {a.goal.rstrip('.')}." for a in plan.focus]
    events.append(
        CalendarEvent(
            kind="review",
            summary=_(TEXT["review"]).format(name=plan.name),
            description=_lines(*goals, _written(plan)),
            start=_review_day(plan),
        )
    )
    return events


def _coaching(plan: Plan) -> list[CalendarEvent]:
    first = plan.generated_on + timedelta(days=7)
    events = [_weekly(plan, plan.coach_name, "check-in", first, CHECK_IN_AT)]
    managed_apart = plan.manager and plan.manager != plan.coach_name
    if _MONTHLY.search(plan.cadence) and managed_apart:
        events.append(
            CalendarEvent(
                kind="monthly",
                summary=_(TEXT["monthly"]).format(name=plan.name, manager=plan.manager),
                description=_lines(_focus_line(plan), _(TEXT["cadence"]).format(cadence=plan.cadence), _written(plan)),
                start=_after(plan.generated_on, 1),
                at=REVIEW_AT,
                minutes=REVIEW_MINUTES,
                freq="MONTHLY",
                count=MONTHS,
            )
        )
    return events + _checkpoints(plan)


def _watch(plan: Plan) -> list[CalendarEvent]:
    manager = plan.manager or plan.coach_name or _("your manager")
    check = plan_day(plan.generated_on, CHECKPOINT_DAYS[0])
    review = _checkpoints(plan)[-1]
    return [
        CalendarEvent(
            kind="conversation",
            summary=_(TEXT["conversation"]).format(name=plan.name, manager=manager),
            description=_lines(_(TEXT["this_week"]), _(TEXT["move"]), _written(plan)),
            start=_next_working_day(plan.generated_on),
            at=CHECK_IN_AT,
            minutes=CHECK_IN_MINUTES,
        ),
        CalendarEvent(
            kind="check-in-30",
            summary=_(TEXT["watch_check_in"]).format(name=plan.name, manager=manager),
            description=_lines(_focus_line(plan), _(TEXT["bring"]), _(TEXT["move"]), _written(plan)),
            start=check,
            at=CHECK_IN_AT,
            minutes=CHECK_IN_MINUTES,
        ),
        review,
    ]


def _top(plan: Plan) -> list[CalendarEvent]:
    first = plan.generated_on + timedelta(days=7)
    events: list[CalendarEvent] = []
    for i, coachee in enumerate(plan.coachees, start=1):
        at = (datetime.combine(first, CHECK_IN_AT) + timedelta(minutes=CHECK_IN_MINUTES * (i - 1))).time()
        events.append(
            CalendarEvent(
                kind=f"coaching-{i}",
                summary=_(TEXT["coachee"]).format(coachee=coachee, name=plan.name),
                description=_lines(_(TEXT["invitation"]), _(TEXT["bring"]), _(TEXT["move"]), _written(plan)),
                start=first,
                at=at,
                minutes=CHECK_IN_MINUTES,
                freq="WEEKLY",
                count=WEEKS,
            )
        )
    if plan.coach_name:
        after = (datetime.combine(first, CHECK_IN_AT) - timedelta(minutes=CHECK_IN_MINUTES)).time()
        events.append(_weekly(plan, plan.coach_name, "check-in", first, after))
    events.append(
        CalendarEvent(
            kind="development",
            summary=_(TEXT["development"]).format(name=plan.name),
            description=_lines(*plan.development, _written(plan)),
            start=plan_day(plan.generated_on, REVIEW_DAYS),
        )
    )
    return events


def _ical_event(plan: Plan, event: CalendarEvent, stamp: datetime) -> Event:
    out = Event()
    rep = _NOT_ID.sub("-", plan.rep_id).strip("-") or "person"
    out.add("uid", f"{rep}-{event.kind}-{event.start:%Y%m%d}@coachwise")
    out.add("dtstamp", stamp)
    out.add("summary", event.summary)
    out.add("description", event.description)
    if event.at is None:
        out.add("dtstart", event.start)
        out.add("dtend", event.start + timedelta(days=1))
        out.add("transp", "TRANSPARENT")  # a marker for the day, not a busy slot
    else:
        out.add("dtstart", datetime.combine(event.start, event.at))  # floating: local time wherever opened
        out.add("duration", timedelta(minutes=event.minutes))
    if event.freq:
        rule: dict[str, object] = {"freq": event.freq, "count": event.count}
        if event.interval > 1:
            rule["interval"] = event.interval
        out.add("rrule", rule)
    return out


def plan_events(plan: Plan) -> list[CalendarEvent]:
    """The events of a plan's cadence, in calendar order (empty for an HR brief)."""
    with speaking(plan.language):
        if plan.kind == "coaching":
            events = _coaching(plan)
        elif plan.kind == "watch":
            events = _watch(plan)
        elif plan.kind == "top":
            events = _top(plan)
        else:
            return []
    return sorted(events, key=lambda e: (e.start, e.at or time(0), e.kind))


def plan_calendar(plan: Plan) -> bytes | None:
    """The plan's cadence as an .ics file: recurring check-ins, reviews and the dated checkpoints.

    Args:
        plan: A plan from :func:`core.plans.content.build_plan`.

    Returns:
        The iCalendar file (UTF-8, RFC 5545), or ``None`` for an HR brief, which has no cadence to
        hand over. The same plan always gives the same bytes.
    """
    if plan.kind == "hr_brief":
        return None
    plan = map_plan_text(plan, lambda text: safe_text(text).replace("\t", " "))
    stamp = datetime.combine(plan.generated_on, time(0), tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with speaking(plan.language):
        calendar.add("x-wr-calname", _(TEXT["calendar"]).format(name=plan.name))
    for event in plan_events(plan):
        calendar.add_component(_ical_event(plan, event, stamp))
    return bytes(calendar.to_ical())


__all__ = ["PRODID", "TEXT", "CalendarEvent", "plan_calendar", "plan_events"]
