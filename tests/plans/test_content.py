"""Coaching plans and HR briefs: content per tier, focus areas and goals, edits, file names and Markdown."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from core.coaching.chains import MANAGER_COLUMNS, UNMATCHED_COLUMNS, ChainResult, ChainSettings, match_chains
from core.demo import DemoSpec, generate_team
from core.plans.content import (
    DECISION_NOTE,
    PLAYBOOK,
    REVIEW_DAYS,
    PlanInputs,
    build_plan,
    build_plans,
    file_stem,
    format_date,
    period_label,
    plan_inputs,
    plans_from_records,
    to_markdown,
)
from core.plans.model import CheckIn, Plan, StepOutcome, plan_day
from core.scoring.metrics import METRICS, metrics_for, role_medians, score_people
from core.scoring.segmentation import SegmentSettings, segment
from core.scoring.tiers import score_history

TODAY = date(2026, 11, 23)
EXPECTED = Path(__file__).parent / "expected" / "plan_core.md"
EXPECTED_NOTES = Path(__file__).parent / "expected" / "plan_core_manager.md"


@pytest.fixture(scope="module")
def demo() -> PlanInputs:
    """The demo team segmented, with medians, chains, monthly history and the window's months."""
    team = generate_team(DemoSpec(reps=120, months=12, seed=7, end="2026-10"))
    settings = SegmentSettings(replicates=0)
    segmented = segment(team, settings)
    return plan_inputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented),
        history=score_history(team, lambda r, e: score_people(r, window=1, end=e), months=12),
        periods=team["period"].unique(),
        settings=settings,
        chain_settings=ChainSettings(),
        today=TODAY,
        records=team,
    )


def _plan(
    demo: PlanInputs,
    rep_id: str,
    *,
    checkins: Sequence[CheckIn] = (),
    edits: Mapping[str, str] | None = None,
    **changes: Any,
) -> Plan:
    return build_plan(rep_id, inputs=replace(demo, **changes), checkins=checkins, edits=edits)


def _first(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    rows = frame[mask]
    assert len(rows), "the demo team should have such a person"
    return rows.sort_values("rep_id").iloc[0]


# --------------------------------------------------------------------------- core: coaching plans


def test_core_plan_names_peer_coach_focus_goals_and_review_date(demo: PlanInputs) -> None:
    """A core SDR with a peer coach gets a plan naming that coach, 1–3 focus areas with numbers, review today+90."""
    pairs = demo.chains.pairs
    pair = pairs[pairs["coachee_role"] == "SDR"].sort_values("coachee_id").iloc[0]
    plan = _plan(demo, pair["coachee_id"])
    review = plan_day(TODAY, REVIEW_DAYS)
    assert plan.kind == "coaching"
    assert plan.tier == "core"
    assert plan.coach == f"{pair['coach_name']} (AE)"
    assert plan.coach_reason == pair["reason"]
    assert plan.coach_line == f"{pair['coach_name']} (Account Executive)"
    assert 1 <= len(plan.focus) <= 2
    for area in plan.focus:
        assert area.review_date == review == date(2027, 2, 22)  # 21 Feb 2027 is a Sunday
        assert area.goal.count(format_date(review)) == 1
        assert not any(format_date(review) in c for c in area.checkpoints)  # the date once
        assert [c.split(" (")[0] for c in area.checkpoints] == ["By 23 Dec 2026", "By 22 Jan 2027"]
        assert area.behaviour and area.where_now.startswith(area.label)
        assert area.practice == PLAYBOOK[area.metric]
        assert not area.edited
    assert plan.cadence.startswith("Weekly 30-minute check-in with the coach")
    assert 5 <= len(plan.questions) <= 9
    assert "6–8%" in plan.research_note and "19%" in plan.research_note and "not a promise" in plan.research_note
    assert plan.period_label == "Aug–Oct 2026"
    assert not any("**" in line for line in plan.tier_lines)
    assert plan.tier_lines[0].startswith(f"{plan.name} is in the core tier")


def test_sized_goals_state_counts_and_lie_between_the_noise_and_the_best_month(demo: PlanInputs) -> None:
    """Every sized goal of a core plan says "from about X to Y" with Y above X, and most core people get one."""
    segmented = demo.segmented
    sized = 0
    for rep_id in sorted(segmented.loc[segmented["tier"] == "core", "rep_id"]):
        for area in _plan(demo, rep_id).focus:
            found = re.search(r"[Ff]rom about (-?[\d,.]+)%? to (-?[\d,.]+)", area.goal)
            if found is None:
                assert area.goal.startswith("A number you agree"), area.goal
                continue
            sized += 1
            start, target = (float(x.replace(",", "")) for x in found.groups())
            assert target > start, area.goal
            assert "sized from" in area.sizing_note
    assert sized >= 20


def test_every_core_plan_focuses_on_the_weakest_metrics_below_the_median_percentile(demo: PlanInputs) -> None:
    """Focus = the lowest metric percentiles of the role, up to 3, only those below 50 — and at least one."""
    segmented = demo.segmented
    core = segmented[segmented["tier"] == "core"]
    assert len(core) > 30
    for _, person in core.iterrows():
        plan = _plan(demo, person["rep_id"])
        pcts = {s.id: float(person[f"{s.id}_pct"]) for s in metrics_for(person["role"])}
        pcts = {k: v for k, v in pcts.items() if not math.isnan(v)}
        ordered = sorted(pcts, key=lambda k: pcts[k])
        below = [k for k in ordered if pcts[k] < 50][:2]
        assert [a.metric for a in plan.focus] == (below or ordered[:1]), person["rep_id"]


def test_core_people_without_a_peer_coach_get_their_manager(demo: PlanInputs) -> None:
    """Core AMs without an AM peer: their manager as the fallback; core people left unmatched by their manager
    until a peer coach is free."""
    chains: ChainResult = demo.chains
    am = chains.manager_coached.sort_values("rep_id").iloc[0]
    plan = _plan(demo, am["rep_id"])
    assert plan.coach == f"Manager (fallback until an external coach is named): {am['manager']}"
    assert plan.coach_reason == am["why"]
    assert plan.coach_line == f"{am['manager']}, your manager, until an external coach is named"
    assert plan.agreement == f"Agreed by you and {am['manager']} (your manager and, for now, your coach)"
    assert plan.coach_owns == ()  # the manager-coach's parts are said once, under the manager
    left = chains.unmatched.sort_values("rep_id").iloc[0]
    plan = _plan(demo, left["rep_id"])
    assert plan.kind == "coaching"
    assert plan.coach == f"Manager: {plan.manager} until a peer coach is free"
    assert plan.coach_reason == left["why"]


# --------------------------------------------------------------------------- low: HR brief


def test_low_tier_gets_an_hr_brief_with_facts_trend_persistence_and_decision_note(demo: PlanInputs) -> None:
    """A low performer gets an HR brief: facts with gaps, the monthly trend, persistence text, a person decides."""
    segmented = demo.segmented
    person = _first(segmented, (segmented["tier"] == "low") & segmented["persistent_low"])
    plan = _plan(demo, person["rep_id"])
    assert plan.kind == "hr_brief"
    assert plan.context_checks
    assert len(plan.focus) == 1 and plan.coach == "" and plan.questions == ()  # one goal for a support period
    assert plan.decision_note == DECISION_NOTE
    expected = f"Low in {int(person['low_windows'])} of the last {int(person['windows_seen'])} three-month windows"
    assert plan.persistence_text.startswith(expected)
    assert plan.support_given == ()  # nothing recorded: the brief says so and proposes a support period
    assert any(
        fact.startswith("In ") and " calls, " in fact or " deals worked, " in fact or "portfolio from" in fact
        for fact in plan.hr_facts
    )  # counts next to the rates
    assert any(fact.startswith(f"The median {person['role']} of this team") for fact in plan.hr_facts)
    assert any("below the median" in fact for fact in plan.hr_facts)
    history = demo.history
    mine = history[history["rep_id"] == person["rep_id"]].sort_values("period").tail(6)
    stated = " → ".join(str(math.floor(p + 0.5)) for p in mine["percentile"])
    assert any(stated in fact for fact in plan.hr_facts)
    assert len(plan.trend) == len(history[history["rep_id"] == person["rep_id"]]) <= 12
    text = to_markdown(plan).lower()
    for word in ("terminat", "fire ", "let go", "you must"):
        assert word not in text
    assert DECISION_NOTE.lower() in text


def test_hr_brief_lists_the_check_ins_as_support_given(demo: PlanInputs) -> None:
    """Support given = the logged check-ins (and other dated support), oldest first, whatever order they arrive in."""
    segmented = demo.segmented
    person = _first(segmented, (segmented["tier"] == "low") & segmented["persistent_low"])
    logged = [
        CheckIn(date(2026, 11, 2), "Reviewed the pipeline together", "Book two account reviews", "Mara Vogel"),
        CheckIn(date(2026, 10, 5), "Agreed weekly calls", "", "Mara Vogel"),
    ]
    plan = _plan(demo, person["rep_id"], checkins=logged)
    assert plan.support_given == (
        "5 Oct 2026: Check-in with Mara Vogel: Agreed weekly calls.",
        "2 Nov 2026: Check-in with Mara Vogel: Reviewed the pipeline together. Next step: Book two account reviews.",
    )
    assert [c.when for c in plan.checkins] == [date(2026, 10, 5), date(2026, 11, 2)]


# --------------------------------------------------------------------------- top: retention and coaching role


def test_top_performer_gets_retention_and_their_coachees_with_hours(demo: PlanInputs) -> None:
    """A top AE who coaches gets 3 retention options, their coachees by name, the monthly hours and the credit."""
    pairs = demo.chains.pairs
    coach_id = sorted(pairs.loc[pairs["coach_role"] == "AE", "coach_id"])[0]
    mine = pairs[pairs["coach_id"] == coach_id]
    plan = _plan(demo, coach_id, hours_per_coachee=1.5)
    assert plan.kind == "top" and plan.focus == ()
    assert len(plan.retention) == 3
    assert [r.split(" — ")[0] for r in plan.retention] == ["Recognition", "Growth path", "What keeps them"]
    role_text = " ".join(plan.coaching_role)
    for name, role in zip(mine["coachee_name"], mine["coachee_role"], strict=True):
        assert f"{name} ({role})" in role_text
    assert f"about {len(mine) * 1.5:g} hours a month" in role_text
    assert "count these hours in targets and in the next review" in role_text


def test_top_performer_without_coachees_is_placed_in_or_out_of_the_coach_pool(demo: PlanInputs) -> None:
    """A top AE/AM coaching nobody hears whether they are in the coach pool (and to ask first) or said no."""
    segmented, pairs = demo.segmented, demo.chains.pairs
    idle = segmented[
        (segmented["tier"] == "top")
        & segmented["role"].isin(["AE", "AM"])
        & ~segmented["rep_id"].isin(pairs["coach_id"])
    ]
    assert len(idle)
    for _, person in idle.iterrows():
        text = " ".join(_plan(demo, person["rep_id"]).coaching_role)
        if person["coach_willing"] == "no":
            assert "Said no to coaching" in text
        elif str(person.get("previous_near_low")) == "True":
            assert "Not proposed as a coach yet" in text
        elif person["coach_willing"] == "yes":
            assert "In the coach pool and willing" in text
        else:
            assert "ask first" in text


# --------------------------------------------------------------------------- edits


def test_edits_are_kept_marked_and_survive_a_rebuild_with_other_data(demo: PlanInputs) -> None:
    """An edited goal, practice, cadence and notes stay when the data changes; generated parts follow the data."""
    segmented = demo.segmented
    person = _first(segmented, segmented["tier"] == "core")
    metric = _plan(demo, person["rep_id"]).focus[0].metric
    edits = {
        f"focus:{metric}:goal": "Agree a personal target with Mara by January",
        f"focus:{metric}:practice": "Shadow the best colleague once a week\n\n  Keep a one-line log per call  ",
        "cadence": "Fortnightly 45-minute check-in",
        "notes": "Prefers mornings.",
        "focus:lead_rate:goal": "   ",  # blank = generated
    }
    first = _plan(demo, person["rep_id"], edits=edits)
    changed = segmented.copy()
    hit = changed["rep_id"] == person["rep_id"]
    changed.loc[hit, f"{metric}_raw"] = changed.loc[hit, f"{metric}_raw"] * 0.5
    later = TODAY + timedelta(days=30)
    second = _plan(demo, person["rep_id"], edits=edits, segmented=changed, today=later)
    for plan in (first, second):
        area = plan.focus[0]
        assert area.metric == metric and area.edited
        assert area.goal == "Agree a personal target with Mara by January"
        assert area.practice == ("Shadow the best colleague once a week", "Keep a one-line log per call")
        assert plan.cadence == "Fortnightly 45-minute check-in"
        assert plan.notes == "Prefers mornings."
        assert set(plan.edited_fields) == {f"focus:{metric}:goal", f"focus:{metric}:practice", "cadence", "notes"}
    assert second.focus[0].value_text != first.focus[0].value_text
    assert second.focus[0].review_date == plan_day(later, REVIEW_DAYS)
    markdown = to_markdown(second)
    assert f"### {second.focus[0].label} *(edited)*" in markdown
    assert "**Result goal: Agree a personal target with Mara by January.**" in markdown
    assert "## Your coach and the rhythm *(edited)*" in markdown
    assert "Prefers mornings" not in markdown  # the manager's notes are not the person's copy
    assert "## Notes *(edited)*" in to_markdown(second, "manager")


def test_focus_edit_chooses_the_metrics_and_ignores_unknown_ones(demo: PlanInputs) -> None:
    """A "focus" edit replaces the generated metrics (role metrics only, no repeats) and is listed as edited."""
    segmented = demo.segmented
    person = _first(segmented, (segmented["tier"] == "core") & (segmented["role"] == "SDR"))
    plan = _plan(demo, person["rep_id"], edits={"focus": "lead_rate, close_rate, lead_rate,bogus"})
    assert [a.metric for a in plan.focus] == ["lead_rate"]
    assert "focus" in plan.edited_fields
    assert "## Your focus for the next 90 days *(edited)*" in to_markdown(plan)
    fallback = _plan(demo, person["rep_id"], edits={"focus": "close_rate"})
    assert fallback.focus == _plan(demo, person["rep_id"]).focus and "focus" not in fallback.edited_fields


# --------------------------------------------------------------------------- many, errors


def test_plan_inputs_cut_the_window_and_take_the_hours(demo: PlanInputs) -> None:
    """The window comes from the segmentation settings, the hours per coachee from the chain settings."""
    periods = ["2026-10", "2026-07", "2026-09", "2026-08", "2026-09"]
    shared = {"segmented": demo.segmented, "medians": demo.medians, "chains": demo.chains, "history": demo.history}
    two = plan_inputs(
        **shared,
        periods=periods,
        settings=SegmentSettings(window=2),
        chain_settings=ChainSettings(hours_per_coachee=1.5),
        today=TODAY,
    )
    assert two.window_periods == ("2026-09", "2026-10")
    assert two.hours_per_coachee == 1.5
    assert two.today == TODAY and two.segmented is demo.segmented
    everything = plan_inputs(
        **shared, periods=periods, settings=SegmentSettings(window=None), chain_settings=ChainSettings(), today=TODAY
    )
    assert everything.window_periods == ("2026-07", "2026-08", "2026-09", "2026-10")
    assert everything.hours_per_coachee == 2.0


def test_plans_from_records_builds_the_same_plans_as_plan_inputs(demo: PlanInputs) -> None:
    """The command line's path (records → plans) and the pages' path (pieces → inputs → plans) agree."""
    team = generate_team(DemoSpec(reps=120, months=12, seed=7, end="2026-10"))
    tiers = demo.segmented.drop_duplicates("tier").set_index("tier")["rep_id"]
    chosen = [str(tiers[t]) for t in ("core", "top", "low")]
    direct = plans_from_records(team, rep_ids=chosen, settings=SegmentSettings(replicates=0), today=TODAY)
    low = demo.segmented.set_index("rep_id").loc[chosen[2], "persistent_low"]
    assert [p.kind for p in direct] == ["coaching", "top", "hr_brief" if low else "watch"]
    assert direct == build_plans(chosen, inputs=demo)


def test_build_plans_for_everyone_sorted_by_rep_id_with_kind_by_tier(demo: PlanInputs) -> None:
    """None builds one plan per person, sorted by rep_id; the kind follows the tier after overrides."""
    plans = build_plans(None, inputs=demo)
    segmented = demo.segmented
    assert [p.rep_id for p in plans] == sorted(segmented["rep_id"])
    kinds = {"core": "coaching", "top": "top"}
    tier_of = dict(zip(segmented["rep_id"], segmented["tier"], strict=True))
    persistent = dict(zip(segmented["rep_id"], segmented["persistent_low"], strict=True))
    for p in plans:
        low = "hr_brief" if persistent[p.rep_id] else "watch"
        assert p.kind == kinds.get(tier_of[p.rep_id], low)
    assert {"hr_brief", "watch"} <= {p.kind for p in plans}


def test_an_override_changes_the_kind_of_document(demo: PlanInputs) -> None:
    """A core person overridden to low (not persistently low) gets a watch plan, never an HR brief."""
    segmented = demo.segmented.copy()
    person = _first(segmented, segmented["tier"] == "core")
    hit = segmented["rep_id"] == person["rep_id"]
    segmented.loc[hit, ["tier", "overridden", "override_by", "override_reason"]] = ["low", True, "Mara", "Test"]
    plan = _plan(demo, person["rep_id"], segmented=segmented)
    assert plan.kind == "watch" and len(plan.focus) == 1
    assert any(line.startswith("Tier set by Mara") for line in plan.tier_lines)
    segmented.loc[hit, "persistent_low"] = True
    brief = _plan(demo, person["rep_id"], segmented=segmented)
    assert brief.kind == "hr_brief"
    assert any(fact.startswith("Tier set by Mara") for fact in brief.hr_facts)


def test_unknown_person_is_a_readable_error(demo: PlanInputs) -> None:
    """Asking for someone not in the segmentation raises a ValueError that names them."""
    with pytest.raises(ValueError, match="E99999"):
        _plan(demo, "E99999")


# --------------------------------------------------------------------------- names and labels


@pytest.mark.parametrize(
    ("rep_id", "name", "expected"),
    [
        ("E10001", "Łukasz Wróbel", "E10001_lukasz-wrobel"),
        ("E10002", "Đorđe Petrović", "E10002_dorde-petrovic"),
        ("E10003", "Zoë Brouwer", "E10003_zoe-brouwer"),
        ("E10004", "Jürgen Groß", "E10004_jurgen-gross"),
        ("E10005", "Søren Østergaard", "E10005_soren-ostergaard"),
        ("E10006", "Æsa Þórðardóttir", "E10006_aesa-thordardottir"),
        ("E10007", "Sigríður O'Neil-Œuvre", "E10007_sigridur-o-neil-oeuvre"),
        ("../E 8", "Ana / Bo", "E-8_ana-bo"),
        ("E10009", "王小明", "E10009"),
    ],
)
def test_file_stem(rep_id: str, name: str, expected: str) -> None:
    """File stems are the ID and an ASCII-folded, lower-case, hyphenated name, safe for file systems."""
    stem = file_stem(rep_id, name)
    assert stem == expected
    assert re.fullmatch(r"[A-Za-z0-9._-]+", stem)


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (["2026-08", "2026-09", "2026-10"], "Aug–Oct 2026"),
        (["2026-01", "2025-11", "2025-12"], "Nov 2025–Jan 2026"),
        (["2026-10"], "Oct 2026"),
        (["2026-10", "2026-10"], "Oct 2026"),
        ([], ""),
    ],
)
def test_period_label(periods: list[str], expected: str) -> None:
    """A window is named by its first and last month, with the year once unless it spans two."""
    assert period_label(periods) == expected


# --------------------------------------------------------------------------- a fixed input, byte for byte


def _person(rep_id: str, name: str, tier: str, score: float, rank: int, **metrics: float) -> dict[str, Any]:
    row: dict[str, Any] = {
        "rep_id": rep_id,
        "name": name,
        "role": "SDR",
        "team": "DACH Mid-Market",
        "region": "DACH",
        "manager": "Mara Vogel",
        "coach_willing": "yes",
        "score": score,
        "percentile": score,
        "rank": rank,
        "tier": tier,
        "tier_computed": tier,
        "overridden": False,
        "borderline": False,
        "persistent_low": False,
        "low_windows": 0,
        "windows_seen": 3,
        "trend": "stable",
        "slope": 0.0,
        "meaningful": True,
    }
    for spec in METRICS:
        raw = metrics.get(f"{spec.id}_raw", math.nan) if spec.role == "SDR" else math.nan
        row[f"{spec.id}_raw"] = raw
        row[spec.id] = raw
        row[f"{spec.id}_pct"] = metrics.get(f"{spec.id}_pct", math.nan) if spec.role == "SDR" else math.nan
    return row


def fixed_plan() -> Plan:
    """A core SDR built from hand-made inputs (no demo generator): two focus areas, one edited, two check-ins."""
    people = [
        _person(
            "E10001",
            "Łukasz Wróbel",
            "core",
            31.0,
            4,
            lead_rate_raw=18.0,
            lead_rate_pct=30.0,
            qualified_lead_rate_raw=0.41,
            qualified_lead_rate_pct=20.0,
            qualification_efficiency_raw=0.025,
            qualification_efficiency_pct=55.0,
        ),  # fmt: skip
        _person("E10002", "Anna Berg", "top", 90.0, 1, lead_rate_raw=31.0, lead_rate_pct=90.0),
        _person("E10003", "Tom Smit", "core", 60.0, 2, lead_rate_raw=24.0, lead_rate_pct=60.0),
        _person("E10004", "Eva Kern", "core", 45.0, 3, lead_rate_raw=21.0, lead_rate_pct=45.0),
        _person("E10005", "Jan Roos", "low", 5.0, 5, lead_rate_raw=9.0, lead_rate_pct=5.0),
    ]
    segmented = pd.DataFrame(people)
    medians = pd.DataFrame(
        {
            "role": ["SDR"] * 3,
            "metric": ["lead_rate", "qualified_lead_rate", "qualification_efficiency"],
            "raw_median": [22.0, 0.531, 0.023],
            "raw_p75": [30.0, 0.611, 0.032],
        }
    )
    pairs = pd.DataFrame(
        [
            {
                "coach_id": "E20001",
                "coach_name": "Lea Wolf",
                "coach_role": "AE",
                "coachee_id": "E10001",
                "coachee_name": "Łukasz Wróbel",
                "coachee_role": "SDR",
                "reason": "Lea Wolf (AE, top 5%, close rate 31% vs median 23%) · same team · focus: qualifying leads",
                "ask_first": False,
            }
        ]
    )
    chains = ChainResult(
        pairs=pairs,
        unmatched=pd.DataFrame(columns=list(UNMATCHED_COLUMNS)),
        manager_coached=pd.DataFrame(columns=list(MANAGER_COLUMNS)),
        load=pd.DataFrame(),
        suggestions=[],
    )
    history = pd.DataFrame(
        {
            "rep_id": ["E10001"] * 3 + ["E10002"],
            "period": ["2026-08", "2026-09", "2026-10", "2026-10"],
            "score": [40.0, 35.0, 30.0, 90.0],
            "percentile": [37.5, 25.0, 12.5, 100.0],
        }
    )
    checkins = [
        CheckIn(
            date(2026, 11, 16),
            "Reviewed five turned-down leads | two lacked a budget owner",
            "Ask for budget\nSit in on two first meetings",
            "Lea",
            carried=(StepOutcome("Use it on every lead this week", "in_progress"),),
        ),
        CheckIn(date(2026, 11, 9), "Agreed the criteria card", "Use it on every lead this week", "Lea Wolf"),
    ]
    months = [f"2026-{m:02d}" for m in range(5, 11)]
    records = pd.DataFrame(
        {
            "rep_id": ["E10001"] * 6,
            "period": months,
            "calls": [540, 520, 560, 500, 530, 510],
            "leads_sent": [16, 17, 19, 18, 18, 18],
            "qualified_leads": [7, 8, 7, 9, 7, 6],
        }
    )
    inputs = PlanInputs(
        segmented=segmented,
        medians=medians,
        chains=chains,
        history=history,
        today=TODAY,
        window_periods=("2026-08", "2026-09", "2026-10"),
        records=records,
        tier_history={"E10001": ("top", "top")},
    )
    return build_plan(
        "E10001",
        inputs=inputs,
        checkins=checkins,
        edits={
            "focus:lead_rate:goal": "Lead rate to 24 per month by the end of February",
            "notes": "Prefers mornings.",
        },
    )


def test_fixed_plan_content() -> None:
    """The hand-made core SDR gets the two focus areas below percentile 50, weakest first, with the example goal."""
    plan = fixed_plan()
    assert [a.metric for a in plan.focus] == ["qualified_lead_rate", "lead_rate"]
    assert plan.focus[0].goal.startswith("From about 7 to 9 qualified leads a month from your usual 18 leads sent")
    assert plan.questions[0].startswith("In the two three-month periods before this one your results were among")
    assert plan.focus[1].edited and not plan.focus[0].edited
    assert plan.coach == "Lea Wolf (AE)"
    assert plan.trend == (("2026-08", 37.5), ("2026-09", 25.0), ("2026-10", 12.5))


def test_markdown_of_a_fixed_plan_matches_the_stored_expectation() -> None:
    """The Markdown of a fixed input is byte for byte the reviewed file tests/plans/expected/plan_core.md."""
    markdown = to_markdown(fixed_plan())
    assert markdown == EXPECTED.read_text(encoding="utf-8")
    assert to_markdown(replace(fixed_plan())) == markdown
    assert to_markdown(fixed_plan(), "manager") == EXPECTED_NOTES.read_text(encoding="utf-8")


def test_edits_to_store_keeps_generated_text_unedited() -> None:
    """A form that repeats the generated text stores nothing; a changed goal is stored; a cleared note resets."""
    from core.plans.content import edits_to_store

    plan = fixed_plan()
    assert plan.kind == "coaching" and plan.focus
    focus = [f.metric for f in plan.focus]
    goals = {f.metric: f.goal for f in plan.focus}
    practices = {f.metric: "\n".join(f.practice) for f in plan.focus}
    same = edits_to_store(plan, {}, notes="", cadence=plan.cadence, focus=focus, goals=goals, practices=practices)
    assert same == {}
    first = focus[0]
    changed = edits_to_store(
        plan,
        {"notes": "old"},
        notes="",
        cadence=plan.cadence,
        focus=focus,
        goals={**goals, first: "Better by March"},
        practices=practices,
    )
    assert changed == {"notes": "", f"focus:{first}:goal": "Better by March"}


@pytest.mark.parametrize(
    "hostile",
    [
        "$x^2$",
        ":red[Ann] :material/warning: :smile:",
        "[Ann](https://example.com)",
        "https://example.com and www.example.com",
        "**Ann** _Lee_ ~~Bo~~ `code` <b>x</b>",
        "Ann | Lee",
    ],
)
def test_names_and_notes_are_text_in_the_markdown(hostile: str) -> None:
    """A name, team or note with Markdown, LaTeX, directives or links is shown as the characters typed."""
    text = to_markdown(replace(fixed_plan(), name=hostile, team=hostile, notes=hostile))
    title = text.split("\n", 1)[0]  # "# Your coaching plan: <name>"
    unescaped = r"(?<!\\)"  # an active character with no backslash before it
    for active in (r"\$", r":(?=[a-z])", r"\[", r"\]", r"://", r"www\.", r"\*", r"_", r"~", r"`", r"<", r"\|"):
        assert not re.search(unescaped + active, title), active
    shown = re.sub(r"\\(.)", r"\1", text)  # what Markdown displays: each escaped character as itself
    assert title.startswith("# Your coaching plan: ") and f"| Team | {hostile}" in shown and hostile in shown
    manager = to_markdown(replace(fixed_plan(), name=hostile, team=hostile, notes=hostile), "manager")
    assert hostile in re.sub(r"\\(.)", r"\1", manager)


def test_a_proposed_coach_is_named_as_to_be_confirmed() -> None:
    """A plan names a coach who has not said yes as "proposed — to be confirmed", never as settled."""
    from core.plans.content import _core_coach

    pairs = pd.DataFrame(
        [
            {
                "coach_id": "A1",
                "coach_name": "Jonas Keller",
                "coach_role": "AE",
                "coachee_id": "A2",
                "status": "invitation",
                "ask_first": True,
                "reason": "Jonas Keller (AE, 3rd of 30) · same region DACH · focus: closing · ask Jonas first",
            }
        ]
    )
    chains = ChainResult(
        pairs=pairs,
        unmatched=pd.DataFrame(columns=list(UNMATCHED_COLUMNS)),
        manager_coached=pd.DataFrame(columns=list(MANAGER_COLUMNS)),
        load=pd.DataFrame(),
        suggestions=[],
    )
    coach, reason = _core_coach("A2", "Mara Vogel", chains)
    assert coach == "Jonas Keller (AE), proposed — to be confirmed"
    assert reason.endswith("ask Jonas first")
    settled = ChainResult(**{**chains.__dict__, "pairs": pairs.assign(status="pair", ask_first=False)})
    assert _core_coach("A2", "Mara Vogel", settled)[0] == "Jonas Keller (AE)"
