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
  and a note that a person decides. Never a recommendation to dismiss anyone.

Manager edits (keys as :mod:`core.plans.store` stores them) replace the generated part they name and are
listed in ``Plan.edited_fields``; every part not edited follows the data it is built from.
Everything here is pure and deterministic: the same inputs give the same plan and the same Markdown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

import pandas as pd

from core.cells import cell_number, cell_text
from core.coaching.chains import ChainResult, ChainSettings, match_chains
from core.months import format_date, span_label, window_periods
from core.plans.model import CheckIn, FocusArea, Plan, PlanKind, map_plan_text
from core.schema import ROLE_NAMES
from core.scoring.metrics import (
    MetricSpec,
    format_value,
    metric_refs,
    metrics_for,
    metrics_with_values,
    role_medians,
)
from core.scoring.segmentation import SegmentSettings, complete_records, explain, monthly_history, segment
from core.text import markdown_text

PLAYBOOK: Final[dict[str, tuple[str, ...]]] = {
    "lead_rate": (
        "Two fixed 90-minute calling blocks a day in the calendar, phone only, counting conversations per block",
        "Build next week's call list every Friday from the ideal-customer profile, so calling time is not spent "
        "searching",
        "Test one new opening line a week on 20 calls and compare the meetings it books with the old one",
        "Listen to two calls a week that booked a meeting (your own or a colleague's) and note what made the "
        "prospect say yes",
    ),
    "qualified_lead_rate": (
        "Weekly 30-minute review with your AE coach of the leads they accepted and turned down, and why",
        "Write the qualification criteria (need, budget, timing, decision-maker) on one card and check every "
        "lead against it before sending",
        "For two weeks, hold back any lead that misses a criterion and ask your AE coach whether it should have gone",
        "Sit in on two first meetings a month run by an AE to hear which answers make a lead real",
    ),
    "qualification_efficiency": (
        "Rank the call list against the ideal-customer profile before calling and start with the accounts "
        "that fit best",
        "Ask two discovery questions in the first minutes of each call, so prospects who do not fit are found early",
        "Look at last quarter's qualified leads with your coach: which industries, company sizes and job "
        "titles did they come from? Call more of those",
        "Swap the list source that yields least for one your AE coach recommends, for one month, and compare",
    ),
    "close_rate": (
        "Review one lost and one won deal a week with your coach: where did each one turn?",
        "Agree a written close plan (steps, dates, who signs) with the buyer in every deal past the demo",
        "Role-play the three objections you hear most with your coach, then try the new answers on live calls",
        "Park deals without a confirmed need and budget after the second meeting, so time goes to winnable ones",
    ),
    "quota_attainment": (
        "Check pipeline coverage every Monday: is there about three times the remaining quota in qualified deals?",
        "Plan the quarter backwards from quota with your coach: deals needed, meetings needed, leads needed",
        "Pick two deals a month to widen in scope (more users, a second product) before the proposal goes out",
        "One hour a week on the five largest open deals: next step, decision date, risks",
    ),
    "revenue_per_month": (
        "Count the deals you need each month from your own average deal size and close rate, and check "
        "every Monday whether the pipeline holds them",
        "Add one qualified opportunity a week on top of what your SDRs send, from your own network or accounts",
        "Before each proposal, look with your coach for one way to widen the scope (more users, a second "
        "product, a longer term)",
        "Review your three largest deals of last quarter with your coach: where did they come from, and "
        "where are more like them?",
    ),
    "upsell_rate": (
        "A business review with each of your ten largest accounts this quarter, bringing one growth idea to each",
        "Map each key account's buying group and meet one new stakeholder there every month",
        "Watch usage and order signals monthly and call the account when they rise",
        "Prepare renewals 90 days ahead with an option to add scope, not only to renew",
    ),
}
"""Practice options per metric id: concrete, written for this product, offered as options to discuss."""

REVIEW_DAYS: Final = 90
"""A focus area's goal is reviewed this many days after the plan is generated."""

DEFAULT_CADENCE: Final = "Weekly 30-minute check-in with the coach; monthly 15-minute review with the manager"
RESEARCH_NOTE: Final = (
    "Research by the Sales Executive Council (Dixon & Adamson, HBR) found that better coaching lifted core "
    "performers by 6–8% on average, and the best coaching by up to 19%. These are research figures, not a "
    "promise for any one person."
)
DECISION_NOTE: Final = (
    "This brief is decision support. It does not recommend dismissal; a person reviews the facts, talks with "
    "the employee, and decides."
)
NO_CHECKINS: Final = "No coaching check-ins recorded yet"
HR_TREND_MONTHS: Final = 6
"""Months of monthly percentiles an HR brief states."""
TREND_MONTHS: Final = 12
"""Months of history a plan carries in ``Plan.trend``."""

_NUMBER_WORDS: Final = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
_KIND_OF_TIER: Final[dict[str, PlanKind]] = {"core": "coaching", "top": "top", "low": "hr_brief"}
_TITLES: Final[dict[str, str]] = {
    "coaching": "Coaching plan",
    "top": "Retention and coaching-role plan",
    "hr_brief": "HR brief",
}
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
    return span_label(periods)


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
        points = size * 100
        return f"{points:.1f} percentage points" if spec.unit == "%" else f"{points:.0f} percentage points"
    return format_value(spec, size)


def _plain(line: str) -> str:
    return _BOLD.sub(r"\1", line)


def _sentence(text: str) -> str:
    """The text, stripped, ending with a full stop unless it already ends a sentence."""
    stripped = " ".join(text.split())
    return stripped if not stripped or stripped[-1] in ".!?" else stripped + "."


def _count(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _hours(value: float) -> str:
    return f"{value:g}"


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
    values = " → ".join(str(math.floor(p + 0.5)) for _, p in recent)  # half up: 12.5 → 13, as people round
    return f"{values} over {period_label([m for m, _ in recent])}"


# --------------------------------------------------------------------------- the pieces of a plan


def _goal(spec: MetricSpec, value: float, median: float, p75: float, review: date) -> str:
    by = format_date(review)
    if math.isnan(median) and math.isnan(p75):
        return f"{spec.label}: a target agreed with the manager, reviewed on {by}"
    if not math.isnan(median) and (math.isnan(value) or value < median):
        target, where = median, "role median"
    elif not math.isnan(p75) and (math.isnan(value) or value < p75):
        target, where = p75, "top-quartile start"
    else:
        target = p75 if not math.isnan(p75) else median
        where = "top-quartile start" if not math.isnan(p75) else "role median"
        return f"{spec.label} kept at or above {format_value(spec, target)} ({where}) over more months by {by}"
    start = "" if math.isnan(value) else f" from {format_value(spec, value)}"
    return f"{spec.label}{start} to {format_value(spec, target)} ({where}) by {by}"


def _weakest(person: pd.Series, specs: Sequence[MetricSpec]) -> list[str]:
    """Up to 3 metrics below the 50th percentile, weakest first; at least the weakest one."""
    # NaN is dropped before sorting: it compares false with everything, so a NaN between two values
    # (quota attainment between close rate and won revenue per month) would leave them unsorted.
    present = [(cell_number(person.get(f"{s.id}_pct")), i, s.id) for i, s in enumerate(specs)]
    ranked = sorted((t for t in present if not math.isnan(t[0])), key=lambda t: (t[0], t[1]))
    known = [(pct, metric) for pct, _, metric in ranked]
    if not known:
        return [specs[0].id] if specs else []
    below = [metric for pct, metric in known if pct < 50][:3]
    return below or [known[0][1]]


def _edited_focus(edits: Mapping[str, str], specs: Sequence[MetricSpec]) -> list[str]:
    allowed = {s.id for s in specs}
    chosen: list[str] = []
    for part in edits.get("focus", "").split(","):
        metric = part.strip()
        if metric in allowed and metric not in chosen:
            chosen.append(metric)
    return chosen[:3]


def _focus_areas(
    person: pd.Series,
    role: str,
    medians: pd.DataFrame,
    edits: Mapping[str, str],
    review: date,
    edited: list[str],
) -> tuple[FocusArea, ...]:
    specs = metrics_for(role)
    by_id = {s.id: s for s in specs}
    metrics = _edited_focus(edits, specs)
    if metrics:
        edited.append("focus")
    else:
        metrics = _weakest(person, specs)
    areas: list[FocusArea] = []
    for metric in metrics:
        spec = by_id[metric]
        value = cell_number(person.get(f"{metric}_raw"))
        median, p75 = metric_refs(medians, role, metric)
        goal = _goal(spec, value, median, p75, review)
        practice = PLAYBOOK.get(metric, ())
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
                label=spec.label,
                value_text=format_value(spec, value),
                median_text=format_value(spec, median),
                top_quartile_text=format_value(spec, p75),
                percentile=cell_number(person.get(f"{metric}_pct")),
                practice=practice,
                goal=goal,
                review_date=review,
                edited=bool(goal_edit or practice_edit),
            )
        )
    return tuple(areas)


def _rows(frame: pd.DataFrame, column: str, rep_id: str) -> pd.DataFrame:
    if frame.empty or column not in frame.columns:
        return frame.iloc[0:0]
    return frame[frame[column].astype(str) == rep_id]


PROPOSED: Final = "proposed — to be confirmed"
"""How a plan names a peer coach who has not said yes yet (an invitation), never as settled."""


def _coach_name(row: pd.Series) -> str:
    """ "Name (role)", with "proposed — to be confirmed" when the pair is an invitation."""
    named = f"{cell_text(row['coach_name'])} ({cell_text(row['coach_role'])})"
    invitation = str(row.get("status", "")) == "invitation" or bool(row.get("ask_first", False))
    return f"{named}, {PROPOSED}" if invitation else named


def _core_coach(rep_id: str, manager: str, chains: ChainResult) -> tuple[str, str]:
    """The coach line and its reason for a core person: peer coach(es), else an external coach or the manager."""
    pair = _rows(chains.pairs, "coachee_id", rep_id)
    if len(pair):
        return "; ".join(_coach_name(row) for _, row in pair.iterrows()), " | ".join(
            cell_text(r) for r in pair["reason"]
        )
    coached = _rows(chains.manager_coached, "rep_id", rep_id)
    if len(coached):
        row = coached.iloc[0]
        boss, external = cell_text(row["manager"]), cell_text(row.get("external_coach", ""))
        if external:
            return f"External coach: {external}", cell_text(row["why"])
        return (
            f"Manager (fallback until an external coach is named): {boss}" if boss else "External coach: to be named"
        ), cell_text(row["why"])
    left = _rows(chains.unmatched, "rep_id", rep_id)
    holder = f"Manager: {manager}" if manager else "External coach"
    if len(left):
        return f"{holder} until a peer coach is free", cell_text(left.iloc[0]["why"])
    return holder, "No peer coach is assigned in the current chains."


def _questions(first_name: str, focus: Sequence[FocusArea], review: date) -> tuple[str, ...]:
    topic = focus[0].label.lower() if focus else "the focus area"
    return (
        "Which of these options would you try first, and what would make it easy to keep doing?",
        f"When in a normal week does {topic} go well, and what is different on those days?",
        "What would help most from your coach between check-ins: call reviews, role-play, or a second opinion "
        "on a deal or lead?",
        f"What result by {format_date(review)} would tell you, {first_name}, and your coach that it is working?",
        "What gets in the way that your manager could remove?",
    )


def _retention(first_name: str) -> tuple[str, ...]:
    return (
        f"Recognition — options to discuss: naming {first_name}'s results in the team meeting, a note to senior "
        "leadership, or a say in how the team celebrates wins. Which would mean most?",
        "Growth path — options to discuss: larger or key accounts, a team-lead track, or owning a practice area "
        "such as the qualification criteria or onboarding. Which next step interests them, and by when?",
        "What keeps them — ask what makes the job worth staying for and what would make them look elsewhere "
        "(workload, pay plan, autonomy, the team), and agree one thing to protect.",
    )


def _willing(person: pd.Series) -> str:
    return cell_text(person.get("coach_willing")).lower()


def _coaching_role(
    person: pd.Series, rep_id: str, role: str, chains: ChainResult, hours_per_coachee: float
) -> tuple[tuple[str, ...], str, str]:
    """Lines on whom a top performer coaches, the hours and the credit; plus their own coach, if any."""
    lines: list[str] = []
    mine = _rows(chains.pairs, "coach_id", rep_id)
    willing = _willing(person)
    if len(mine):
        names = ", ".join(
            f"{cell_text(r['coachee_name'])} ({cell_text(r['coachee_role'])})" for _, r in mine.iterrows()
        )
        count = len(mine)
        hours = count * hours_per_coachee
        noun = "person" if count == 1 else "people"
        lines.append(f"Coaches {count} {noun}: {names}.")
        lines.append(
            f"Expected coaching time: about {_hours(hours)} hours a month "
            f"({count} × {_hours(hours_per_coachee)} hours per coachee)."
        )
        lines.append(
            "Credit: count these hours in targets and in the next review — coaching time is selling time "
            "given to the team."
        )
        ask_first = bool(mine["ask_first"].any()) if "ask_first" in mine.columns else willing != "yes"
        if ask_first:
            lines.append(
                f"Coaching role {PROPOSED}: has not said yes to coaching yet. Ask first, and adjust if the "
                "answer is no."
            )
    elif role == "SDR" and not len(_rows(chains.load, "coach_id", rep_id)):
        lines.append(
            "Top SDRs coach no one in the chains as they run now. An option to discuss: sharing how they work at a "
            "team meeting, or showing a new SDR their call preparation."
        )
    else:
        in_pool = len(_rows(chains.load, "coach_id", rep_id)) > 0
        below = {"SDR": "SDR", "AE": "SDR or AE", "AM": "AE or AM"}.get(role, "")
        if in_pool and willing == "yes":
            lines.append(f"In the coach pool and willing to coach; no {below} is assigned to them at the moment.")
        elif in_pool:
            lines.append(
                f"In the coach pool, but has not said whether they want to coach: ask first. No {below} is "
                "assigned to them at the moment."
            )
        elif willing == "no":
            lines.append("Said no to coaching, so not in the coach pool. That is their choice; retention comes first.")
        elif str(person.get("previous_near_low", "")) == "True":  # np.bool_ or bool; NaN when unknown
            lines.append(
                "Not proposed as a coach yet: low or near the low cut-off in the previous window. Once the top tier "
                "holds, they can coach."
            )
        else:
            lines.append(
                "Not in the coach pool at the moment (capacity set to 0, or taken out of the chains by a manager)."
            )
    own = _rows(chains.pairs, "coachee_id", rep_id)
    coach, reason = "", ""
    if len(own):
        row = own.iloc[0]
        coach = _coach_name(row)
        reason = cell_text(row["reason"])
        lines.append(f"Is coached in turn by {coach}: coaching the coaches.")
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
    when = f" over {period}" if period else ""
    specs = metrics_with_values(medians, role)
    facts = [
        f"Score {cell_number(person.get('score')):.0f} of 100{when}; "
        f"percentile {cell_number(person.get('percentile')):.0f} "
        f"among {role_size} {ROLE_NAMES.get(role, role)}s (rank {_rank(person)})."
    ]
    for spec in specs:
        value = cell_number(person.get(f"{spec.id}_raw"))
        median, p75 = metric_refs(medians, role, spec.id)
        if math.isnan(value) or math.isnan(median):
            gap = "no comparison possible"
        elif value < median:
            gap = f"{_format_gap(spec, median - value)} below the median"
        elif value > median:
            gap = f"{_format_gap(spec, value - median)} above the median"
        else:
            gap = "at the median"
        facts.append(
            f"{spec.label}: {format_value(spec, value)} against a role median of {format_value(spec, median)} "
            f"({gap}); top quartile from {format_value(spec, p75)}."
        )
    stated = trend_text(trend)
    label = cell_text(person.get("trend"))
    direction = f" ({label})" if label in ("improving", "declining", "stable") else ""
    facts.append(
        f"Monthly percentile within role: {stated}{direction}." if stated else "No monthly history to show a trend."
    )
    # What explain adds beyond score and metrics (an override, a borderline flag, a small role), except
    # the trend and persistence lines, which this brief states in its own words.
    covered = tuple(f"{spec.label}:" for spec in specs) + ("Trend:", "Persistent:")
    facts += [line for line in tier_lines[1:] if not line.startswith(covered)]
    return tuple(facts)


def _rank(person: pd.Series) -> str:
    rank = cell_number(person.get("rank"))
    return "n/a" if math.isnan(rank) else f"{int(rank)}"


def _whole(value: object) -> int:
    number = cell_number(value)
    return 0 if math.isnan(number) else int(number)


def _persistence(person: pd.Series, window_months: int) -> str:
    low, seen = _whole(person.get("low_windows")), _whole(person.get("windows_seen"))
    if seen <= 0:
        return "No earlier windows to compare: persistence cannot be judged yet."
    size = f"{_count(window_months)}-month " if window_months > 0 else ""
    text = f"Low in {low} of the last {seen} {size}windows"
    if bool(person.get("persistent_low")):
        return text + ": a persistent pattern, not one bad period."
    return text + ": not persistent — low results may be a single bad period."


def _support(checkins: Sequence[CheckIn]) -> tuple[str, ...]:
    if not checkins:
        return (f"{NO_CHECKINS}.",)
    lines = []
    for c in checkins:
        step = f" Next step: {_sentence(c.next_step)}" if c.next_step.strip() else ""
        by = f" ({c.by.strip()})" if c.by.strip() else ""
        lines.append(f"{format_date(c.when)}{by}: {_sentence(c.note)}{step}")
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
    """

    segmented: pd.DataFrame
    medians: pd.DataFrame
    chains: ChainResult
    history: pd.DataFrame
    today: date
    window_periods: tuple[str, ...]
    hours_per_coachee: float = 2.0


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
) -> PlanInputs:
    """Put the already-computed pieces together: the one way plans get their inputs.

    Args:
        segmented, medians, chains, history: As :class:`PlanInputs` (computed, or cached, by the caller).
        periods: The months present in the records (repeats are fine); the window is cut from them.
        settings: The segmentation settings the pieces were computed with (for the window).
        chain_settings: The chain settings the chains were matched with (for the hours per coachee).
        today: The date plans are generated.

    Returns:
        The typed inputs for :func:`build_plan` and :func:`build_plans`.
    """
    return PlanInputs(
        segmented=segmented,
        medians=medians,
        chains=chains,
        history=history,
        today=today,
        window_periods=tuple(window_periods(periods, settings.window)),
        hours_per_coachee=chain_settings.hours_per_coachee,
    )


def _person(segmented: pd.DataFrame, rep_id: str) -> tuple[pd.Series, str]:
    """The person's row and tier; a sentence when there is no plan to build for them."""
    match = segmented[segmented["rep_id"].astype(str) == str(rep_id)]
    if match.empty:
        raise ValueError(f"{rep_id} is not in this team's segmentation, so there is no plan to build.")
    person = match.iloc[0]
    tier = cell_text(person.get("tier"))
    if tier not in _KIND_OF_TIER:
        raise ValueError(f"{rep_id} has no tier (no score in the window), so there is no plan to build.")
    return person, tier


def _base_plan(
    rep_id: str, person: pd.Series, tier: str, inputs: PlanInputs, checkins: Sequence[CheckIn], notes: str
) -> Plan:
    """The parts every kind of plan has: who, the window, the tier and why, the trend and the log."""
    role = cell_text(person["role"])
    name = cell_text(person["name"]) or str(rep_id)
    role_size = int((inputs.segmented["role"] == role).sum())
    history = inputs.history
    mine = _rows(history, "rep_id", str(rep_id)).sort_values("period") if len(history) else history.iloc[0:0]
    trend = tuple((str(p), float(v)) for p, v in zip(mine["period"], mine["percentile"], strict=True))[-TREND_MONTHS:]
    return Plan(
        kind=_KIND_OF_TIER[tier],
        rep_id=str(rep_id),
        name=name,
        role=role,
        role_name=ROLE_NAMES.get(role, role),
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
    )


def _coaching_plan(
    base: Plan, person: pd.Series, inputs: PlanInputs, edits: Mapping[str, str], edited: list[str]
) -> Plan:
    """A core person's plan: focus areas, the peer coach, the cadence and who owns what."""
    first_name = base.name.split()[0]
    review = inputs.today + timedelta(days=REVIEW_DAYS)
    focus = _focus_areas(person, base.role, inputs.medians, edits, review, edited)
    coach, coach_reason = _core_coach(base.rep_id, base.manager, inputs.chains)
    cadence = edits.get("cadence", "").strip()
    if cadence:
        edited.append("cadence")
    holder = base.manager or "the manager"
    return replace(
        base,
        focus=focus,
        coach=coach,
        coach_reason=coach_reason,
        cadence=cadence or DEFAULT_CADENCE,
        manager_owns=(
            "The targets and the territory.",
            f"The decision at the review on {format_date(review)}: what comes next.",
            f"Agreeing the expected result with the coach and {first_name}.",
        ),
        coach_owns=(
            "The practice: which options to try, and how.",
            "Feedback after calls, meetings or account reviews.",
            "The check-in log: date, note, next step.",
            f"Agreeing the expected result with {holder} and {first_name}.",
        ),
        questions=_questions(first_name, focus, review),
        research_note=RESEARCH_NOTE,
        edited_fields=tuple(edited),
    )


def _top_plan(base: Plan, person: pd.Series, inputs: PlanInputs, edited: list[str]) -> Plan:
    """A top performer's plan: keeping them, and their place as a peer coach."""
    lines, coach, coach_reason = _coaching_role(person, base.rep_id, base.role, inputs.chains, inputs.hours_per_coachee)
    return replace(
        base,
        coach=coach,
        coach_reason=coach_reason,
        retention=_retention(base.name.split()[0]),
        coaching_role=lines,
        edited_fields=tuple(edited),
    )


def _hr_brief(base: Plan, person: pd.Series, inputs: PlanInputs, edited: list[str]) -> Plan:
    """A low-tier person's brief for HR: facts, persistence and the support given so far."""
    role_size = int((inputs.segmented["role"] == base.role).sum())
    return replace(
        base,
        hr_facts=_hr_facts(
            person, base.role, role_size, inputs.medians, base.period_label, base.trend, base.tier_lines
        ),
        persistence_text=_persistence(person, len(set(inputs.window_periods))),
        support_given=_support(base.checkins),
        decision_note=DECISION_NOTE,
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
    person, tier = _person(inputs.segmented, rep_id)
    notes = edits.get("notes", "").strip()
    edited: list[str] = ["notes"] if notes else []
    base = _base_plan(rep_id, person, tier, inputs, checkins, notes)
    if base.kind == "coaching":
        return _coaching_plan(base, person, inputs, edits, edited)
    if base.kind == "top":
        return _top_plan(base, person, inputs, edited)
    return _hr_brief(base, person, inputs, edited)


def build_plans(
    rep_ids: Sequence[str] | None,
    *,
    inputs: PlanInputs,
    checkins: Mapping[str, Sequence[CheckIn]] | None = None,
    edits: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Plan]:
    """Build the plans of many people with :func:`build_plan`.

    Args:
        rep_ids: Whom to build for, in this order; ``None`` for everyone in ``inputs.segmented`` with a
            tier, sorted by rep_id.
        inputs: As :func:`build_plan`.
        checkins: Check-ins by rep_id (people not in it have none).
        edits: Manager edits by rep_id (as :func:`core.plans.store.all_plan_edits` gives them).

    Returns:
        One plan per person.
    """
    if rep_ids is None:
        tiered = inputs.segmented[inputs.segmented["tier"].isin(list(_KIND_OF_TIER))]
        rep_ids = sorted(tiered["rep_id"].astype(str).unique())
    logged = checkins or {}
    changed = edits or {}
    return [
        build_plan(rep_id, inputs=inputs, checkins=logged.get(rep_id, ()), edits=changed.get(rep_id))
        for rep_id in rep_ids
    ]


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    """One table cell: on one line (to_markdown has already escaped "|" with the other active characters)."""
    return " ".join(text.split()) or "—"


def _mark(edited: bool) -> str:
    return " *(edited)*" if edited else ""


def _checkin_table(checkins: Sequence[CheckIn]) -> list[str]:
    if not checkins:
        return [f"_{NO_CHECKINS}._"]
    lines = ["| Date | Note | Next step |", "|---|---|---|"]
    lines += [f"| {format_date(c.when)} | {_cell(c.note)} | {_cell(c.next_step)} |" for c in checkins]
    return lines


def _goal_line(area: FocusArea) -> str:
    review = format_date(area.review_date)
    goal = _sentence(area.goal)
    return goal if review in goal else f"{goal} Review on {review}."


def _coaching_markdown(plan: Plan, edited: set[str]) -> list[str]:
    """The sections only a coaching plan has: focus areas, coach, cadence, who owns what, questions, research."""
    out = [f"## Focus areas{_mark('focus' in edited)}", ""]
    for number, area in enumerate(plan.focus, start=1):
        pct = "" if math.isnan(area.percentile) else f" (percentile {area.percentile:.0f})"
        goal_mark = _mark(f"focus:{area.metric}:goal" in edited)
        practice_mark = _mark(f"focus:{area.metric}:practice" in edited)
        out += [
            f"### {number}. {area.label}{pct}",
            "",
            f"Now {area.value_text} · role median {area.median_text} · top quartile from {area.top_quartile_text}.",
            "",
            f"**Goal{goal_mark}:** {_goal_line(area)}",
            "",
            f"**Options to discuss{practice_mark}:**",
            "",
        ]
        out += [f"- {option}" for option in area.practice]
        out.append("")
    out += ["## Coach", "", f"**{plan.coach}**" + (f" — {plan.coach_reason}" if plan.coach_reason else ""), ""]
    out += [f"## Cadence{_mark('cadence' in edited)}", "", plan.cadence, ""]
    out += ["## Who owns what", "", "**The manager owns:**", ""]
    out += [f"- {item}" for item in plan.manager_owns]
    out += ["", "**The coach owns:**", ""]
    out += [f"- {item}" for item in plan.coach_owns]
    out += ["", "## Questions and options to discuss", ""]
    out += [f"- {q}" for q in plan.questions]
    out += ["", "## What the research says", "", plan.research_note, ""]
    return out


def to_markdown(plan: Plan) -> str:
    """Render a plan as Markdown: a header table, then the sections of its kind; edited parts marked.

    Args:
        plan: A plan from :func:`build_plan`.

    Returns:
        The document, ending with one newline; the same plan always gives the same text.
    """
    plan = map_plan_text(plan, markdown_text)  # names and typed text show as text: no links, LaTeX or colours
    edited = set(plan.edited_fields)
    team = plan.team + (f" ({plan.region})" if plan.region else "")
    out: list[str] = [
        f"# {_TITLES[plan.kind]}: {plan.name}",
        "",
        "| | |",
        "|---|---|",
        f"| Who | {_cell(plan.name)} ({_cell(plan.rep_id)}) |",
        f"| Role | {_cell(plan.role_name)} ({_cell(plan.role)}) |",
        f"| Team | {_cell(team)} |",
        f"| Manager | {_cell(plan.manager)} |",
        f"| Period | {_cell(plan.period_label)} |",
        f"| Tier | {_cell(plan.tier)} · score {plan.score:.0f} of 100 · percentile {plan.percentile:.0f} |",
        f"| Generated | {format_date(plan.generated_on)} |",
        "",
    ]
    if plan.kind == "hr_brief":
        out += [f"> **A person decides.** {plan.decision_note}", ""]
    if plan.kind != "hr_brief":  # an HR brief states the same in its facts, with the gaps
        out += ["## Why this tier", ""]
        out += [f"- {line}" for line in plan.tier_lines]
        if plan.trend:
            out += [f"- Monthly percentile within role: {trend_text(plan.trend)}."]
        out.append("")

    if plan.kind == "coaching":
        out += _coaching_markdown(plan, edited)
    elif plan.kind == "top":
        out += ["## Retention: options to discuss", ""]
        out += [f"- {item}" for item in plan.retention]
        out += ["", "## Coaching role", ""]
        out += [f"- {item}" for item in plan.coaching_role]
        out.append("")
    else:
        out += ["## Facts", ""]
        out += [f"- {fact}" for fact in plan.hr_facts]
        out += ["", "## Persistence", "", plan.persistence_text, "", "## Support given", ""]
        out += [f"- {item}" for item in plan.support_given]
        out.append("")

    if plan.notes:
        out += [f"## Notes{_mark('notes' in edited)}", "", plan.notes, ""]
    if plan.kind != "hr_brief":
        out += ["## Check-in log", ""]
        out += _checkin_table(plan.checkins)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


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
) -> list[Plan]:
    """The whole job from records to plans (tiers, chains, history, medians), for scripts and the CLI.

    Args:
        records: Canonical records.
        rep_ids: Only these people (in this order); None for everyone with a tier.
        settings: Segmentation settings (default: the defaults of the Segmentation page).
        chain_settings: Coaching-chain settings (default capacity 3, 2 hours per coachee).
        today: The date plans are written on (review dates count from it).

    Raises:
        ValueError: A requested rep_id has no tier in the window.
    """
    settings = settings or SegmentSettings()
    chain_settings = chain_settings or ChainSettings()
    segmented = segment(records, settings)
    if rep_ids is not None:
        unknown = [r for r in rep_ids if r not in set(segmented["rep_id"])]
        if unknown:
            raise ValueError(f"No active person with rep_id {', '.join(unknown)} in the chosen window.")
    inputs = plan_inputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented, chain_settings),
        history=monthly_history(records, settings),
        periods=complete_records(records, settings)["period"].unique(),
        settings=settings,
        chain_settings=chain_settings,
        today=today,
    )
    return build_plans(rep_ids, inputs=inputs)


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
