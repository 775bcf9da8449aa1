"""The HR review rules: only persistent low performers, facts per person, cases with history and audit."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.coaching.chains import ChainSettings, match_chains
from core.demo import DemoSpec, generate_team
from core.governance.audit import audit_log
from core.plans import hr_review
from core.plans.content import PlanInputs, build_plans, plan_inputs
from core.plans.hr_review import (
    CASE_STATUSES,
    NO_CASE,
    case_counts,
    case_history,
    coaches_by_coachee,
    current_cases,
    export_brief,
    export_briefs_zip,
    metric_gaps,
    persistent_low_table,
    set_case_status,
    with_brief,
)
from core.plans.model import CheckIn
from core.plans.store import add_checkin, all_plan_edits, checkins, set_plan_edit
from core.scoring.metrics import METRICS, metrics_with_values, role_medians
from core.scoring.overrides import current_overrides, set_override
from core.scoring.segmentation import SegmentSettings, apply_overrides, monthly_history, segment
from core.store.datasets import sha256_bytes, store_dataset

ALWAYS_LOW = "E10006"  # planted: no deal won in any month
ONE_BAD_MONTH = "E10007"  # planted: every deal won, except in the last month
SETTINGS = SegmentSettings(window=1, cutoffs=(20, 60, 20), replicates=0)  # windows of one month each


@pytest.fixture
def planted(small_team: pd.DataFrame) -> pd.DataFrame:
    """The small team with one AE low every month and one AE low only in the last month."""
    team = small_team.copy()
    last = team["period"].max()
    always = team["rep_id"] == ALWAYS_LOW
    team.loc[always, "deals_won"] = 0
    team.loc[always, "revenue_won"] = 0.0
    once = team["rep_id"] == ONE_BAD_MONTH
    team.loc[once, "deals_won"] = team.loc[once, "deals_worked"]
    team.loc[once, "revenue_won"] = team.loc[once, "quota"] * 2
    team.loc[once & (team["period"] == last), ["deals_won"]] = 0
    team.loc[once & (team["period"] == last), ["revenue_won"]] = 0.0
    return team


def _table(
    segmented: pd.DataFrame,
    records: pd.DataFrame,
    *,
    checkins: list[tuple[str, CheckIn]] | None = None,
    cases: pd.DataFrame | None = None,
    coaches: dict[str, str] | None = None,
    plan_edits: dict[str, dict[str, str]] | None = None,
) -> pd.DataFrame:
    no_cases = pd.DataFrame(columns=["rep_id", "status", "note", "changed_by", "created_at"])
    return persistent_low_table(
        segmented,
        role_medians(segmented),
        monthly_history(records, SETTINGS),
        checkins or [],
        no_cases if cases is None else cases,
        coaches=coaches,
        plan_edits=plan_edits,
    )


def _store(engine: Engine, frame: pd.DataFrame) -> int:
    return store_dataset(
        engine=engine, frame=frame, name="HR test", source_filename="t.csv", source_sha256=sha256_bytes(b"hr")
    )


def test_persistent_low_in_one_bad_month_out(planted: pd.DataFrame) -> None:
    """Someone low month after month is listed; someone low in the last month only is not."""
    segmented = segment(planted, SETTINGS)
    by_rep = segmented.set_index("rep_id")
    assert by_rep.loc[ONE_BAD_MONTH, "tier"] == "low"  # low now — the planted bad month works
    table = _table(segmented, planted)
    assert ALWAYS_LOW in set(table["rep_id"])
    assert ONE_BAD_MONTH not in set(table["rep_id"])
    assert set(table["rep_id"]) == set(segmented.loc[segmented["persistent_low"], "rep_id"])
    row = table.set_index("rep_id").loc[ALWAYS_LOW]
    assert row["low_windows"] >= 2 and row["case_status"] == NO_CASE
    assert len(row["percentiles"]) == planted["period"].nunique()
    assert "→" in row["trend_text"]


def test_gap_to_the_role_median(planted: pd.DataFrame) -> None:
    """Each metric of the person's role carries the gap to the role median; others are empty."""
    segmented = segment(planted, SETTINGS)
    medians = role_medians(segmented)
    row = _table(segmented, planted).set_index("rep_id").loc[ALWAYS_LOW]
    person = segmented.set_index("rep_id").loc[ALWAYS_LOW]
    median = float(medians[(medians["role"] == "AE") & (medians["metric"] == "close_rate")]["raw_median"].iloc[0])
    assert row["gap_close_rate"] == pytest.approx(float(person["close_rate_raw"]) - median)
    assert row["gap_close_rate"] < 0
    assert pd.isna(row["gap_lead_rate"]) and pd.isna(row["gap_upsell_rate"])
    assert row["gaps"].startswith("Close rate −") and " pts · Quota attainment " in row["gaps"]


def test_support_and_override_are_shown(planted: pd.DataFrame) -> None:
    """Check-ins, a peer coach and plan edits count as support; an override out of low is stated."""
    base = segment(planted, SETTINGS)
    overrides = pd.DataFrame(
        [{"rep_id": ALWAYS_LOW, "tier": "core", "reason": "new territory", "changed_by": "Ann", "created_at": "x"}]
    )
    segmented = apply_overrides(base, overrides)
    logged = [(ALWAYS_LOW, CheckIn(when=date(2026, 5, 4), note="Pipeline review", next_step="", by="m"))]
    table = _table(
        segmented,
        planted,
        checkins=logged,
        coaches={ALWAYS_LOW: "Lea Wolf (AM)"},
        plan_edits={ALWAYS_LOW: {"notes": "x"}},
    ).set_index("rep_id")
    row = table.loc[ALWAYS_LOW]
    assert (row["checkins"], row["peer_coach"], row["plan_edits"]) == (1, "Lea Wolf (AM)", 1)
    assert "1 check-in, last 4 May 2026" in row["support"]
    assert row["overridden"] and row["tier"] == "core" and row["tier_computed"] == "low"
    assert row["override"].startswith("Tier set to core by Ann") and "new territory" in row["override"]


def test_case_status_changes_keep_history_and_audit(engine: Engine, small_team: pd.DataFrame) -> None:
    """Each status change is stored with note, who and when, newest in force, one audit entry each."""
    dataset_id = _store(engine, small_team)
    steps = [("open", "", "hr1"), ("in conversation", "first talk 12 May", "hr2"), ("closed", "agreed a plan", "hr1")]
    for status, note, who in steps:
        set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status=status, note=note, changed_by=who)
    history = case_history(engine=engine, dataset_id=dataset_id, rep_id="E10006")
    assert history["status"].tolist() == ["closed", "in conversation", "open"]
    assert history["changed_by"].tolist() == ["hr1", "hr2", "hr1"]
    assert history["created_at"].notna().all()
    assert current_cases(engine=engine, dataset_id=dataset_id)[["rep_id", "status"]].values.tolist() == [
        ["E10006", "closed"]
    ]
    log = audit_log(engine=engine, actions=["hr_case"])
    assert len(log) == 3
    assert log["subject"].tolist() == ["E10006"] * 3
    assert log["detail"].tolist()[::-1] == [f"{NO_CASE} → open", "open → in conversation", "in conversation → closed"]
    assert not log["detail"].str.contains("agreed|talk").any()  # notes stay out of the trail
    # reopening is allowed: people decide, the note says why
    set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status="open", note="", changed_by="hr2")
    assert current_cases(engine=engine, dataset_id=dataset_id)["status"].tolist() == ["open"]


@pytest.mark.parametrize(
    ("status", "note", "message"),
    [
        ("dismissed", "x", "not a case status"),
        ("", "x", "not a case status"),
        ("closed", "  ", "how the case was closed"),
    ],
)
def test_invalid_steps_refused(engine: Engine, small_team: pd.DataFrame, status: str, note: str, message: str) -> None:
    """Unknown statuses and a close without a note are refused; nothing is stored or audited."""
    dataset_id = _store(engine, small_team)
    with pytest.raises(ValueError, match=message):
        set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status=status, note=note, changed_by="h")
    assert case_history(engine=engine, dataset_id=dataset_id).empty
    assert audit_log(engine=engine).empty


def test_same_status_needs_a_note_and_person_must_exist(engine: Engine, small_team: pd.DataFrame) -> None:
    """Repeating the status without a note, or a rep_id not in the dataset, is refused."""
    dataset_id = _store(engine, small_team)
    set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status="open", note="", changed_by="h")
    with pytest.raises(ValueError, match="already 'open'"):
        set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status="open", note="", changed_by="h")
    set_case_status(engine=engine, dataset_id=dataset_id, rep_id="E10006", status="open", note="call", changed_by="h")
    with pytest.raises(ValueError, match="no NOPE"):
        set_case_status(engine=engine, dataset_id=dataset_id, rep_id="NOPE", status="open", note="", changed_by="h")
    with pytest.raises(ValueError, match="does not exist"):
        set_case_status(engine=engine, dataset_id=999, rep_id="E10006", status="open", note="", changed_by="h")
    assert len(case_history(engine=engine, dataset_id=dataset_id)) == 2
    assert len(audit_log(engine=engine, actions=["hr_case"])) == 2
    assert set(CASE_STATUSES) == {"open", "in conversation", "closed"}


def test_case_status_shows_in_the_table(engine: Engine, planted: pd.DataFrame) -> None:
    """The table carries each person's case in force, with who set it."""
    dataset_id = _store(engine, planted)
    set_case_status(engine=engine, dataset_id=dataset_id, rep_id=ALWAYS_LOW, status="open", note="", changed_by="hr")
    table = _table(segment(planted, SETTINGS), planted, cases=current_cases(engine=engine, dataset_id=dataset_id))
    row = table.set_index("rep_id").loc[ALWAYS_LOW]
    assert (row["case_status"], row["case_by"]) == ("open", "hr")


def test_exports_write_one_entry_each(engine: Engine, planted: pd.DataFrame) -> None:
    """A brief's PDF or Word and a ZIP of briefs are rendered and recorded once, with rep_ids as subject."""
    dataset_id = _store(engine, planted)
    set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="none", changed_by="x")
    segmented = apply_overrides(segment(planted, SETTINGS), current_overrides(engine=engine, dataset_id=dataset_id))
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id=ALWAYS_LOW, key="notes", value="n", changed_by="m")
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id=ALWAYS_LOW,
        held_on=date.today(),
        note="n",
        next_step="",
        changed_by="m",
    )
    low = sorted(segmented.loc[segmented["persistent_low"] & (segmented["tier"] == "low"), "rep_id"])
    logged: dict[str, list[CheckIn]] = {}
    for rep_id, entry in checkins(engine=engine, dataset_id=dataset_id):
        logged.setdefault(rep_id, []).append(entry)
    inputs = plan_inputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented),
        history=monthly_history(planted, SETTINGS),
        periods=planted["period"].unique(),
        settings=SETTINGS,
        chain_settings=ChainSettings(),
        today=date(2026, 7, 1),
    )
    plans = build_plans(low, inputs=inputs, checkins=logged, edits=all_plan_edits(engine=engine, dataset_id=dataset_id))
    before = len(audit_log(engine=engine))
    pdf = export_brief(engine=engine, actor="hr", dataset_id=dataset_id, plan=plans[0], fmt="pdf")
    docx = export_brief(engine=engine, actor="hr", dataset_id=dataset_id, plan=plans[0], fmt="docx")
    assert pdf[:4] == b"%PDF" and docx[:2] == b"PK"
    data = export_briefs_zip(engine=engine, actor="hr", dataset_id=dataset_id, plans=plans, fmt="pdf")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert len(archive.namelist()) == len(plans) + 1
    log = audit_log(engine=engine, actions=["export"])
    assert len(audit_log(engine=engine)) == before + 3 == len(log) + before
    assert log["subject"].tolist() == [", ".join(low), plans[0].rep_id, plans[0].rep_id]
    assert log["actor"].unique().tolist() == ["hr"]


def test_only_hr_briefs_are_exported(engine: Engine, planted: pd.DataFrame) -> None:
    """A coaching plan is refused by the HR export and nothing is recorded."""
    segmented = segment(planted, SETTINGS)
    core_rep = str(segmented.loc[segmented["tier"] == "core", "rep_id"].iloc[0])
    inputs = PlanInputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented),
        history=monthly_history(planted, SETTINGS),
        today=date(2026, 7, 1),
        window_periods=("2026-06",),
    )
    plan = build_plans([core_rep], inputs=inputs)[0]
    with pytest.raises(ValueError, match="no HR brief"):
        export_brief(engine=engine, actor="hr", dataset_id=1, plan=plan, fmt="pdf")
    with pytest.raises(ValueError, match="no HR briefs"):
        export_briefs_zip(engine=engine, actor="hr", dataset_id=1, plans=[], fmt="pdf")
    assert audit_log(engine=engine).empty


def test_metric_gaps_for_one_person(planted: pd.DataFrame) -> None:
    """The detail view's table: each metric of the role with value, median and a signed gap."""
    segmented = segment(planted, SETTINGS)
    person = segmented.set_index("rep_id").loc[ALWAYS_LOW].rename(None)
    person["rep_id"] = ALWAYS_LOW
    gaps = metric_gaps(person, role_medians(segmented)).set_index("metric")
    assert list(gaps.index) == ["Close rate", "Quota attainment"]
    assert gaps.loc["Close rate", "value"] == "0.0%"
    assert gaps.loc["Close rate", "gap"].startswith("−") and gaps.loc["Close rate", "gap"].endswith(" pts")
    assert gaps.loc["Close rate", "gap_value"] < 0


def test_coaches_by_coachee_names_the_coach_and_role() -> None:
    """Each coachee maps to their coach's name and role, as the support text shows it."""
    pairs = pd.DataFrame(
        {"coachee_id": ["E1", "E2"], "coach_name": ["Ann Berg", "Bo Lind"], "coach_role": ["AE", "AM"], "x": [1, 2]}
    )
    assert coaches_by_coachee(pairs) == {"E1": "Ann Berg (AE)", "E2": "Bo Lind (AM)"}
    assert coaches_by_coachee(pairs.head(0)) == {}


def test_case_counts_and_who_gets_a_brief() -> None:
    """Statuses are counted with zeros kept; only people still in the low tier get a brief."""
    table = pd.DataFrame(
        {
            "rep_id": ["E3", "E1", "E2", "E4"],
            "tier": ["low", "low", "core", "low"],
            "case_status": [NO_CASE, "open", NO_CASE, "closed"],
        }
    )
    assert case_counts(table) == {NO_CASE: 2, "open": 1, "in conversation": 0, "closed": 1}
    assert with_brief(table) == ["E1", "E3", "E4"]


# --------------------------------------------------------------------------- the table's named steps


def test_support_columns_count_checkins_and_name_the_last() -> None:
    """The support given: check-ins counted with the latest date whatever the order, the coach, the edits."""
    done = [CheckIn(date(2026, 5, 2), "b", "", "m"), CheckIn(date(2026, 6, 1), "c", "", "m")]
    done.insert(0, CheckIn(date(2026, 4, 1), "a", "", "m"))
    columns = hr_review._support_columns(done[::-1], "Ada Coach", ["notes", "focus"])
    assert columns["checkins"] == 3 and columns["last_checkin"] == date(2026, 6, 1)
    assert columns["peer_coach"] == "Ada Coach" and columns["plan_edits"] == 2
    assert columns["support"] == "3 check-ins, last 1 Jun 2026; peer coach Ada Coach; plan edited (focus, notes)"
    nothing = hr_review._support_columns([], "", [])
    assert nothing["support"] == "No support recorded yet" and nothing["last_checkin"] is None


def test_case_columns_show_the_case_in_force_or_none() -> None:
    """A person with a case shows its status, author, time and note; anyone else shows that none is open."""
    at = pd.Timestamp("2026-06-03 10:00")
    latest = pd.DataFrame(
        {"rep_id": ["E1"], "status": ["opened"], "changed_by": ["hr"], "created_at": [at], "note": ["talked"]}
    ).set_index("rep_id")
    assert hr_review._case_columns(latest, "E1") == {
        "case_status": "opened",
        "case_by": "hr",
        "case_at": at,
        "case_note": "talked",
    }
    assert hr_review._case_columns(latest, "E2")["case_status"] == NO_CASE


def test_gap_columns_give_one_gap_per_metric_and_a_line() -> None:
    """Each of the person's metrics gets raw minus role median; other roles' metrics stay NaN."""
    team = generate_team(DemoSpec(reps=40, months=3, seed=2, end="2026-06"))
    segmented = segment(team, SETTINGS)
    person = segmented[segmented["role"] == "AE"].iloc[0]
    medians = role_medians(segmented)
    columns = hr_review._gap_columns(person, medians)
    assert set(columns) == {"gaps", *(f"gap_{spec.id}" for spec in METRICS)}
    # The AE metrics this scoring used (every AE here has a quota: close rate and quota attainment).
    mine = {f"gap_{spec.id}" for spec in metrics_with_values(medians, "AE")}
    assert mine == {"gap_close_rate", "gap_quota_attainment"}
    assert all(pd.isna(v) for k, v in columns.items() if k.startswith("gap_") and k not in mine)
    assert not any(pd.isna(columns[k]) for k in mine)
    assert "Close rate" in str(columns["gaps"])
