"""What a document holds, for each audience: the blocks every format renders, and the Markdown of them.

Issue #15: two audiences, two documents. :func:`plan_blocks` with ``audience="person"`` gives the
person's own plan, written to "you" and handed over unchanged — no tier label, percentile, rank,
"borderline", sample-size adjustment, "ask first" or coach's figures. ``audience="manager"`` gives the
manager's notes: the tier and why, the flags, the tier history, how each goal was sized, the coach's
figures and the free-text notes. An HR brief is one confidential document whatever the audience.

PDF and Word (:mod:`core.plans.render`) and Markdown (:func:`to_markdown`) walk the same block list, so
the three formats of one document hold the same sections in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from core.i18n import N_, _, speaking
from core.plans.model import OUTCOMES, Audience, CheckIn, Plan, PlanKind, plan_day
from core.plans.words import day, span, tier_name
from core.text import markdown_text

PERSON_TITLES: Final[dict[PlanKind, str]] = {
    "coaching": N_("Your coaching plan"),
    "top": N_("Your development plan"),
    "watch": N_("Your support plan"),
    "hr_brief": N_("HR brief — confidential"),
}
MANAGER_TITLE: Final = N_("Manager's notes — confidential")
HR_TITLE: Final = N_("HR brief — confidential")
LAST_CHECKINS: Final = 3
"""How many of the latest check-ins a plan and the manager's notes show."""
LOG_COLUMNS: Final = (N_("Date"), N_("By"), N_("Last time's steps"), N_("What was discussed"), N_("Next steps"))
"""The check-in log's columns, in every format (translate with ``_()`` where shown, or use :func:`log_columns`)."""
NOT_RECORDED: Final = N_("not recorded")
"""Said of last time's steps when a check-in was logged before their outcomes were asked."""

CONTINUOUS: Final = N_(
    "Coaching is continuous: short, regular check-ins, each one starting from the last one's next steps."
)
NO_SUPPORT: Final = N_(
    "No support is recorded: no check-ins, no coaching. Before any other step, propose a support period: "
    "one SMART goal, a check-in every 30 days, and a review after 90 days."
)
EMPLOYEE_VIEW: Final = N_("The employee's view (to be written with the employee, in their words)")
RIGHT_TO_BE_HEARD: Final = N_(
    "The employee has the right to be heard before any decision, to see these facts and add their view, and to "
    "contest a decision. A person decides, not this tool (human review, GDPR Art. 22(3))."
)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A section (level 1) or sub-section (level 2) title."""

    text: str
    level: int = 1
    edited: bool = False


@dataclass(frozen=True)
class Text:
    """A paragraph; ``muted`` for side notes such as the research note."""

    text: str
    style: Literal["normal", "muted", "strong"] = "normal"


@dataclass(frozen=True)
class Bullets:
    """A bullet list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Label/value pairs, e.g. the header block."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TrendChart:
    """The percentile trend chart (manager's notes and HR briefs only)."""

    trend: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Box:
    """Text in a framed box (the decision note, missing support)."""

    text: str


@dataclass(frozen=True)
class FillIn:
    """Lines the reader fills in by hand: a label and a blank each; ``signature`` adds a date blank."""

    labels: tuple[str, ...]
    signature: bool = False


@dataclass(frozen=True)
class CheckInLog:
    """The check-in table, oldest first, or a line saying there are none yet.

    ``carried`` holds, for each row, what happened to the previous check-in's steps, one line per step
    (``"Use the card — done"``); empty when there was none to carry forward.
    """

    rows: tuple[CheckIn, ...]
    carried: tuple[tuple[str, ...], ...] = ()

    def lines(self) -> tuple[tuple[CheckIn, tuple[str, ...]], ...]:
        """Each check-in with its "last time's steps" lines."""
        carried = self.carried or ((),) * len(self.rows)
        return tuple(zip(self.rows, carried, strict=True))


def carried_lines(checkin: CheckIn, previous: CheckIn | None) -> tuple[str, ...]:
    """What happened to each of the previous check-in's steps: ``("Use the card — done", "Call Anna — dropped")``.

    A check-in logged before outcomes were asked says "not recorded" for the steps of the one before it:
    the log never invents an outcome.
    """
    if checkin.carried:
        return tuple(f"{c.step} — {_(OUTCOMES[c.outcome]) if c.outcome else _(NOT_RECORDED)}" for c in checkin.carried)
    if previous is not None:
        return tuple(f"{step} — {_(NOT_RECORDED)}" for step in previous.steps)
    return ()


def steps_text(checkin: CheckIn) -> str:
    """The next steps agreed at a check-in, one line: ``"Use the card; Call Anna"``."""
    return "; ".join(checkin.steps)


Block = Heading | Text | Bullets | Facts | TrendChart | Box | FillIn | CheckInLog


def title(plan: Plan, audience: Audience) -> str:
    """The document's title: the person's plan, the manager's notes, or the HR brief."""
    if plan.kind == "hr_brief":
        return _(HR_TITLE)
    return _(PERSON_TITLES[plan.kind]) if audience == "person" else _(MANAGER_TITLE)


def log_columns() -> tuple[str, ...]:
    """The check-in log's column titles in the language spoken now."""
    return tuple(_(column) for column in LOG_COLUMNS)


def _edited(plan: Plan, *fields: str) -> bool:
    return any(f in plan.edited_fields for f in fields)


def _header(plan: Plan, audience: Audience) -> Facts:
    team = f"{plan.team} · {plan.region}" if plan.region else plan.team
    role = f"{plan.role_name} ({plan.role})" if plan.role_name else plan.role
    name = plan.name if audience == "person" and plan.kind != "hr_brief" else f"{plan.name} ({plan.rep_id})"
    pairs = [(_("Name"), name), (_("Role"), role), (_("Team"), team), (_("Manager"), plan.manager)]
    if audience == "person" and plan.coach_line:
        pairs.append((_("Coach"), plan.coach_line))
    pairs += [(_("Period"), plan.period_label), (_("Written on"), day(plan.generated_on))]
    return Facts(tuple(pairs))


def _checkins(plan: Plan) -> Iterator[Block]:
    yield Heading(_("Check-ins"), edited=False)
    ordered = sorted(plan.checkins, key=lambda c: c.when)  # stable: same-day check-ins keep their order
    carried = tuple(carried_lines(c, ordered[i - 1] if i else None) for i, c in enumerate(ordered))
    shown = tuple(ordered[-LAST_CHECKINS:])
    if len(ordered) > len(shown):
        yield Text(_("The last {shown} of {total} check-ins.").format(shown=len(shown), total=len(ordered)), "muted")
    yield CheckInLog(shown, carried[len(ordered) - len(shown) :])


# --------------------------------------------------------------------------- the person's copy


def _focus(plan: Plan) -> Iterator[Block]:
    if not plan.focus:
        return
    yield Heading(
        _("Your focus for the next {days} days").format(days=90),
        edited=_edited(plan, "focus") or any(f.edited for f in plan.focus),
    )
    for area in plan.focus:
        yield Heading(area.label, level=2, edited=area.edited)
        if area.where_now:
            yield Text(area.where_now)
        if area.behaviour:
            yield Text(_("Behaviour goal: {goal}.").format(goal=area.behaviour.rstrip(".")), "strong")
        goal = area.goal.rstrip(".")
        yield Text(_("Result goal: {goal}.").format(goal=goal), "strong")
        if area.checkpoints:
            yield Bullets(area.checkpoints)
        if area.practice:
            yield Text(_("Options to discuss — you choose which to try:"), "muted")
            yield Bullets(area.practice)


def _person_blocks(plan: Plan) -> Iterator[Block]:
    if plan.strengths:
        yield Heading(_("What you do well"))
        yield Bullets(plan.strengths)
    if plan.moved:
        yield Heading(_("What changed in your figures"))
        yield Bullets(plan.moved)
    if plan.kind == "top":
        yield Heading(_("Your next step"))
        yield Bullets(plan.development)
        if plan.person_owns or plan.readiness:
            yield Heading(_("Coaching others — an invitation"))
            if plan.person_owns:
                yield Bullets(plan.person_owns)
            if plan.readiness:
                yield Text(_("A short readiness check:"), "muted")
                yield Bullets(plan.readiness)
        if plan.coach_line:
            yield Heading(_("Your own coach"))
            yield Text(plan.coach_line, "strong")
            if plan.coach_why:
                yield Text(plan.coach_why)
        yield Heading(_("You choose, you commit to"))
        yield FillIn(plan.commitments)
        yield FillIn((plan.agreement,), signature=True)
        return
    yield from _focus(plan)
    if plan.questions:
        yield Heading(_("Questions to explore together"))
        yield Bullets(plan.questions)
    yield Heading(_("You choose, you commit to"))
    yield Text(_("Your coach lays out the options; you choose which to try and own the change."), "muted")
    yield FillIn(plan.commitments)
    owners = (*plan.person_owns, *plan.coach_owns, *plan.manager_owns)
    if owners:
        yield Heading(_("Who owns what"), level=2)
        yield Bullets(owners)
    if plan.agreement:
        yield FillIn((plan.agreement,), signature=True)
    yield Heading(_("Your coach and the rhythm"), edited=_edited(plan, "cadence"))
    if plan.coach_line:
        yield Text(plan.coach_line, "strong")
    if plan.coach_why:
        yield Text(plan.coach_why)
    if plan.cadence:
        yield Text(plan.cadence)
    yield Text(_(CONTINUOUS), "muted")
    if plan.research_note:
        yield Heading(_("What research says"))
        yield Text(plan.research_note, "muted")


# --------------------------------------------------------------------------- the manager's notes


def _manager_blocks(plan: Plan) -> Iterator[Block]:
    yield Heading(_("Tier and why"))
    rank = next((line for line in plan.tier_lines[:1]), "")
    yield Text(
        _("Tier: {tier} · score {score} of 100 · percentile {percentile}").format(
            tier=tier_name(plan.tier), score=f"{plan.score:.0f}", percentile=f"{plan.percentile:.0f}"
        ),
        "strong",
    )
    rest = plan.tier_lines[1:] if rank else plan.tier_lines
    if rank:
        yield Text(rank)
    if rest:
        yield Bullets(rest)
    if len(plan.trend) >= 2:
        yield TrendChart(plan.trend)
    if plan.manager_lines:
        yield Bullets(plan.manager_lines)
    if plan.context_checks and plan.kind == "watch":
        yield Heading(_("Context to check first"))
        yield Bullets(plan.context_checks)
    notes = tuple(a.sizing_note for a in plan.focus if a.sizing_note)
    if notes:
        yield Heading(_("How the goals were sized"))
        yield Bullets(notes)
    if plan.coach or plan.coach_reason:
        yield Heading(_("Coach"))  # who and why once: the chain's reason names the coach itself
        line = plan.coach_reason if plan.coach_reason.startswith(plan.coach.split(" (")[0]) else ""
        if not line:
            yield Text(plan.coach, "strong")
            if plan.coach_reason:
                yield Text(plan.coach_reason)
        else:
            proposed = plan.coach.partition(", ")[2]
            yield Text(f"{line} — {proposed}" if proposed and proposed not in line else line)
    if plan.kind == "top":
        yield Heading(_("Retention: what to ask"))
        yield Bullets(plan.retention)
        if plan.coaching_role:
            yield Heading(_("Coaching role"))
            yield Bullets(plan.coaching_role)
    if plan.notes:
        yield Heading(_("Notes"), edited=_edited(plan, "notes"))
        yield Text(plan.notes)


# --------------------------------------------------------------------------- the HR brief


def _hr_blocks(plan: Plan) -> Iterator[Block]:
    if plan.hr_facts:
        yield Heading(_("Facts"))
        yield Bullets(plan.hr_facts)
    yield Heading(_("Position within the role"))
    yield Text(
        _("Percentile {percentile} within {role}s").format(percentile=f"{plan.percentile:.0f}", role=plan.role_name),
        "strong",
    )
    if len(plan.trend) >= 2:
        yield TrendChart(plan.trend)
    if plan.persistence_text:
        yield Heading(_("Persistence"))
        yield Text(plan.persistence_text)
    yield Heading(_("Support given"))
    if plan.support_given:
        yield Bullets(plan.support_given)
    else:
        yield Box(_(NO_SUPPORT))
        for area in plan.focus[:1]:
            yield Heading(_("Proposed support period"), level=2)
            yield Text(
                _("Focus: {metric} ({value}; role median {median}).").format(
                    metric=area.label, value=area.value_text, median=area.median_text
                )
            )
            if area.behaviour:
                yield Text(_("Behaviour goal: {goal}.").format(goal=area.behaviour.rstrip(".")), "strong")
            yield Text(_("Result goal: {goal}.").format(goal=area.goal.rstrip(".")), "strong")
            yield Bullets(area.checkpoints)
    if plan.context_checks:
        yield Heading(_("Context to check"))
        yield Bullets(plan.context_checks)
    yield Heading(_("The employee's view"))
    yield FillIn((_(EMPLOYEE_VIEW),))
    yield Heading(_("Who decides, and by when"))
    first = plan_day(plan.generated_on, 90 if not plan.support_given else 30)
    yield FillIn(
        (
            _("{manager} with HR, after hearing the employee; not before {date}").format(
                manager=plan.manager or _("The manager"), date=day(first)
            ),
        ),
        signature=True,
    )
    yield Text(_(RIGHT_TO_BE_HEARD))
    if plan.notes:
        yield Heading(_("Notes"), edited=_edited(plan, "notes"))
        yield Text(plan.notes)
    if plan.decision_note.strip():
        yield Heading(_("Decision"))
        yield Box(plan.decision_note)


def plan_blocks(plan: Plan, audience: Audience = "person") -> list[Block]:
    """List what one document holds, in reading order, for any renderer.

    Args:
        plan: The plan.
        audience: ``"person"`` for the person's own plan, ``"manager"`` for the manager's notes
            (an HR brief is the same document either way).

    Returns:
        The blocks; sections with nothing to say are left out, edited ones carry ``edited``.
    """
    with speaking(plan.language):
        blocks: list[Block] = [_header(plan, audience)]
        if plan.kind == "hr_brief":
            blocks += _hr_blocks(plan)
        elif audience == "person":
            blocks += _person_blocks(plan)
        else:
            blocks += _manager_blocks(plan)
        blocks += _checkins(plan)
    return blocks


def block_text(blocks: Sequence[Block]) -> str:
    """Every text the blocks hold, joined (for tests and for choosing a font that covers it)."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Heading | Text | Box):
            parts.append(block.text)
        elif isinstance(block, Bullets | FillIn):
            parts.extend(block.items if isinstance(block, Bullets) else block.labels)
        elif isinstance(block, Facts):
            parts.extend(f"{k} {v}" for k, v in block.pairs)
        elif isinstance(block, CheckInLog):
            parts.extend(f"{c.by} {' '.join(carried)} {c.note} {c.next_step}" for c, carried in block.lines())
    return "\n".join(parts)


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return " ".join(text.split()) or "—"


def _md_mark(edited: bool) -> str:
    return f" *({_('edited')})*" if edited else ""


def _md_block(block: Block) -> list[str]:
    md = markdown_text
    if isinstance(block, Heading):
        return [f"{'##' if block.level == 1 else '###'} {md(block.text)}{_md_mark(block.edited)}", ""]
    if isinstance(block, Text):
        text = md(" ".join(block.text.split("\n")) if block.style != "normal" else block.text)
        wrapped = {"strong": f"**{text}**", "muted": f"*{text}*"}.get(block.style, text)
        return [wrapped, ""]
    if isinstance(block, Bullets):
        return [*(f"- {md(item)}" for item in block.items), ""]
    if isinstance(block, Facts):
        return ["| | |", "|---|---|", *(f"| {k} | {_cell(md(v))} |" for k, v in block.pairs), ""]
    if isinstance(block, TrendChart):
        values = " → ".join(str(math.floor(p + 0.5)) for _m, p in block.trend[-6:])
        months = span([m for m, _p in block.trend[-6:]])
        return [
            _("Monthly percentile within the role: {values} over {months}.").format(values=values, months=months),
            "",
        ]
    if isinstance(block, Box):
        return [f"> **{md(block.text)}**", ""]
    if isinstance(block, FillIn):
        lines = [f"- {md(label)}: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_" for label in block.labels]
        if block.signature:
            lines.append(f"- {_('Date')}: \\_\\_\\_\\_\\_\\_\\_\\_")
        return [*lines, ""]
    if not block.rows:
        return [f"_{_('No check-ins yet.')}_", ""]
    rows = [
        f"| {day(c.when)} | {_cell(md(c.by))} | {_cell(md('; '.join(carried)))} | {_cell(md(c.note))} "
        f"| {_cell(md(steps_text(c)))} |"
        for c, carried in block.lines()
    ]
    return [f"| {' | '.join(log_columns())} |", "|---|---|---|---|---|", *rows, ""]


def to_markdown(plan: Plan, audience: Audience = "person") -> str:
    """Render one document as Markdown: the title, then the same blocks the PDF and Word files hold.

    Names and typed text show as the characters typed: no links, LaTeX, colours or emphasis.

    Args:
        plan: A plan from :func:`core.plans.content.build_plan`.
        audience: ``"person"`` (the default) or ``"manager"``.

    Returns:
        The document, ending with one newline; the same plan always gives the same text.
    """
    with speaking(plan.language):
        out = [f"# {md_title(plan, audience)}", ""]
        for block in plan_blocks(plan, audience):
            out += _md_block(block)
    return "\n".join(out).rstrip("\n") + "\n"


def md_title(plan: Plan, audience: Audience) -> str:
    """The Markdown title line's text: the document title and the person's name (escaped)."""
    return f"{title(plan, audience)}: {markdown_text(plan.name)}"


__all__ = [
    "Block",
    "Box",
    "Bullets",
    "CheckInLog",
    "Facts",
    "FillIn",
    "Heading",
    "LAST_CHECKINS",
    "MANAGER_TITLE",
    "PERSON_TITLES",
    "Text",
    "TrendChart",
    "block_text",
    "plan_blocks",
    "title",
    "to_markdown",
]
