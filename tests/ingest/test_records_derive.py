"""Deals, calls, leads, snapshots and a people list derive back to the monthly table they came from."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.ingest.records.derive import Derivation, derive
from core.ingest.records.kinds import read_records
from core.ingest.records.parse import Answers
from core.schema import CANONICAL_COLUMNS


def _derive(files: dict[str, bytes], answers: Answers | None = None) -> Derivation:
    return derive([read_records(data, name) for name, data in files.items()], answers=answers)


def _same(derived: pd.DataFrame, team: pd.DataFrame) -> None:
    expected = team.sort_values(["rep_id", "period"]).reset_index(drop=True)[list(CANONICAL_COLUMNS)]
    got = derived[list(CANONICAL_COLUMNS)]
    pd.testing.assert_frame_equal(got.astype(object).fillna(-1), expected.astype(object).fillna(-1), check_dtype=False)


def test_salesforce_files_derive_back() -> None:
    """A Salesforce-style export set in English derives back to the team, with a sentence per file."""
    team = generate_team(DemoSpec(reps=15, months=4, seed=3, end="2026-04"))
    result = _derive(explode(team, CrmSpec(seed=1)))
    assert result.complete, (result.questions, result.problems)
    _same(result.frame, team)
    deals = next(f for f in result.files if f.kind == "deals")
    assert deals.sentence.startswith("deals export (Salesforce-style): ")
    assert "closed in Jan–Apr 2026" in deals.sentence
    assert any("footer" in n for n in result.notes)
    assert not result.open_pipeline.empty


VENDORS = [("Salesforce", "de"), ("HubSpot", "nl"), ("Pipedrive", "de"), ("Dynamics 365", "en"), ("Zoho", "en"),
           ("Odoo", "de"), ("Salesforce", "nl"), ("HubSpot", "en"), ("Pipedrive", "en"), ("Odoo", "en")]  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reps=st.integers(3, 14),
    months=st.integers(2, 4),
    seed=st.integers(0, 10_000),
    dialect=st.sampled_from(VENDORS),
    day_first=st.booleans(),
)
def test_exploded_team_derives_back(
    reps: int, months: int, seed: int, dialect: tuple[str, str], day_first: bool
) -> None:
    """Property: a random monthly team exploded into records (any vendor, both date orders) derives back exactly."""
    vendor, language = dialect
    team = generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-06"))
    spec = CrmSpec(vendor=vendor, language=language, day_first=day_first or language != "en", seed=seed)
    result = _derive(explode(team, spec))
    assert not result.problems and not result.questions
    _same(result.frame, team)


def _file(name: str, headers: list[str], *rows: list[str]) -> tuple[str, bytes]:
    lines = [",".join(headers), *(",".join(row) for row in rows)]
    return name, ("\n".join(lines) + "\n").encode("utf-8")


ROSTER = _file(
    "people.csv",
    ["Employee ID", "Full Name", "Job Title", "Email", "Monthly Quota"],
    ["E1", "Ann Lee", "Senior Account Executive DACH", "ann@x.com", "50000"],
    ["E2", "Bo Ek", "Inside Sales (SDR)", "bo@x.com", ""],
    ["E3", "Cy Dam", "Key Account Manager", "cy@x.com", ""],
)
DEALS = _file(
    "deals.csv",
    ["Opportunity Owner", "Stage", "Amount", "Close Date"],
    ["ann lee", "Closed Won", "1000", "2026-03-14"],
    ["ANN  LEE", "Closed Lost", "500", "2026-03-20"],
    ["Ann Lee", "Closed Won", "2000", "2026-04-02"],
    ["Ann Lee", "Prospecting", "9000", "2026-07-01"],
)


def test_owners_link_by_name_case_and_space_insensitive_with_roles_from_titles() -> None:
    """'ann lee' and 'ANN  LEE' are Ann Lee on the list; her title makes her an AE with the list's quota."""
    result = _derive(dict([ROSTER, DEALS]))
    assert result.complete
    ann = result.frame[result.frame["rep_id"] == "E1"]
    assert ann["period"].tolist() == ["2026-03", "2026-04"]
    assert ann["deals_worked"].tolist() == [2, 1] and ann["deals_won"].tolist() == [1, 1]
    assert ann["revenue_won"].tolist() == [1000.0, 2000.0] and ann["quota"].tolist() == [50000.0, 50000.0]
    assert result.open_pipeline[["open_deals", "open_amount"]].values.tolist() == [[1, 9000.0]]
    assert any("2 people on the people list have no records" in n for n in result.notes)


def test_unknown_stage_is_asked_then_answered() -> None:
    """A stage the vocabulary lacks is a question listing the text; the answer counts it."""
    deals = _file("d.csv", ["Deal owner", "Deal Stage", "Amount", "Close Date"], ["Ann", "Signed", "10", "2026-03-14"])
    result = _derive(dict([deals]))
    assert [(q.topic, q.texts) for q in result.questions] == [("stage", ("Signed",))]
    assert "--stage 'Signed=won'" in result.questions[0].sentence()
    answered = _derive(dict([deals]), Answers(stages={"signed": "won"}))
    assert answered.complete and answered.frame["deals_won"].tolist() == [1]
    assert answered.people["role_source"].tolist() == ["inferred from deals"]


def test_date_order_that_reads_both_ways_is_asked() -> None:
    """03/04/2026 in every row could be March or April: asked, and the answer decides the month."""
    deals = _file("d.csv", ["Deal owner", "Deal Stage", "Amount", "Close Date"], ["Ann", "Won", "10", "03/04/2026"])
    result = _derive(dict([deals]))
    assert [q.topic for q in result.questions] == ["date order"] and result.frame.empty
    answered = _derive(dict([deals]), Answers(date_orders={"Close Date": "month first"}))
    assert answered.frame["period"].tolist() == ["2026-03"]


def test_unknown_title_and_two_kinds_are_asked() -> None:
    """A job title that fits no role, and an owner with deals and calls, are questions, never guesses."""
    roster = _file("p.csv", ["Full Name", "Job Title"], ["Ann Lee", "Sales Wizard"], ["Bo Ek", ""])
    calls = _file("c.csv", ["Assigned", "Task Subtype", "Date"], ["Bo Ek", "Call", "2026-03-14"])
    deals = _file("d.csv", ["Deal owner", "Deal Stage", "Close Date"], ["Bo Ek", "Won", "2026-03-14"])
    result = _derive(dict([roster, calls, deals]))
    topics = {q.topic: q.texts for q in result.questions}
    assert topics == {"job title": ("Sales Wizard",), "owner role": ("Bo Ek",)}
    answered = _derive(dict([roster, calls, deals]), Answers(roles={"Sales Wizard": "AE", "Bo Ek": "SDR"}))
    assert answered.complete
    assert answered.frame.set_index("name")["role"].to_dict() == {"Bo Ek": "SDR"}
    assert any(
        "1 deal record of 1 person in another role not counted (deals count for AEs only)" in n for n in answered.notes
    )


def test_repeated_export_counts_once() -> None:
    """The same deals under another name, and an export overlapping by a month, never count twice."""
    name, data = DEALS
    april = ["Ann Lee", "Closed Won", "2000", "2026-04-02"]
    may = ["Ann Lee", "Closed Won", "7", "2026-05-02"]
    overlap = _file("april.csv", ["Opportunity Owner", "Stage", "Amount", "Close Date"], april, may)
    result = _derive({name: data, "copy.csv": data.replace(b"\n", b"\r\n"), overlap[0]: overlap[1]})
    assert result.frame["deals_worked"].tolist() == [2, 1, 1]
    assert sum("counted once" in n for n in result.notes) == 2


@pytest.mark.parametrize(
    ("files", "sentence"),
    [
        ([ROSTER, _file("d.csv", ["Opportunity Owner", "Stage", "Close Date"], ["Zed", "Won", "2026-03-01"])],
         "None of the 1 owners in 'd.csv' (column 'Opportunity Owner') is on the people list"),
        ([_file("c.csv", ["Assigned", "Task Subtype", "Date"], ["Bo", "Email", "2026-03-14"])],
         "'c.csv': column 'Task Subtype' has no call-type rows (it has 'Email')"),
        ([_file("l.csv", ["Lead Owner", "Lead Status", "Create Date"], ["Bo", "", "2026-03-14"])],
         "'l.csv': column 'Lead Status' is empty"),
        ([_file("s.csv", ["Snapshot Date", "Account Name", "Account Owner", "ARR"], ["2026-03-31", "A", "Cy", "5"])],
         "'s.csv': column 'Snapshot Date' holds one snapshot date only (Mar 2026)"),
    ],
)  # fmt: skip
def test_unusable_files_get_one_sentence(files: list[tuple[str, bytes]], sentence: str) -> None:
    """Owners matching nobody, no call rows, no lead status, one snapshot date: one sentence naming file and column."""
    result = _derive(dict(files))
    assert len(result.problems) == 1 and result.problems[0].startswith(sentence), result.problems


def test_owner_missing_from_list_is_kept_with_a_stable_id() -> None:
    """A CRM owner the list lacks keeps their records under a stable ID from the name, and is listed."""
    deals = _file("d.csv", ["Opportunity Owner", "Stage", "Close Date"], ["Ann Lee", "Won", "2026-03-01"],
                  ["Dora Vos", "Won", "2026-03-02"])  # fmt: skip
    first = _derive(dict([ROSTER, deals]))
    again = _derive(dict([ROSTER, deals]))
    dora = first.frame[first.frame["name"] == "Dora Vos"]
    assert dora["rep_id"].iloc[0].startswith("U-") and dora["role"].iloc[0] == "AE"
    assert dora["rep_id"].tolist() == again.frame[again.frame["name"] == "Dora Vos"]["rep_id"].tolist()
    assert any("1 owner not on the people list, kept: Dora Vos (1 records)" in n for n in first.notes)


def test_monthly_table_joins_the_records() -> None:
    """The monthly table itself can be dropped with the records; its rows win over derived ones for the same month."""
    monthly = _file(
        "team.csv",
        ["rep_id", "name", "role", "period", "calls", "leads_sent", "qualified_leads", "deals_worked", "deals_won"],
        ["E9", "Eva Roos", "SDR", "2026-03", "400", "20", "8", "", ""],
        ["E1", "Ann Lee", "AE", "2026-03", "", "", "", "5", "1"],
    )
    result = _derive(dict([ROSTER, DEALS, monthly]))
    assert result.frame[["rep_id", "period"]].values.tolist() == [
        ["E1", "2026-03"],
        ["E1", "2026-04"],
        ["E9", "2026-03"],
    ]
    assert result.frame["calls"].tolist()[-1] == 400 and result.frame["deals_worked"].tolist()[:2] == [5, 1]
    assert any("monthly table's rows are kept" in n for n in result.notes)
    assert next(f for f in result.files if f.kind == "monthly").sentence == "monthly table: 2 rows, 2 valid"


def test_a_name_two_people_share_links_nobody() -> None:
    """Two Ann Lees on the list: a deal owned by 'Ann Lee' is linked to neither, and the sentence says what to add."""
    roster = _file("p.csv", ["Employee ID", "Full Name", "Job Title"], ["E1", "Ann Lee", "AE"], ["E2", "Ann Lee", "AE"])
    result = _derive(dict([roster, DEALS]))
    assert result.problems[0].startswith("'Ann Lee' matches several people on the people list")
    assert "add an owner e-mail or ID column" in result.problems[0]
    assert not result.frame["rep_id"].isin(["E1", "E2"]).any()


def test_a_quota_file_fills_each_months_quota() -> None:
    """A quota file (person, month, quota) gives the AEs their month's quota, over the list's monthly quota."""
    quota = _file(
        "quota.csv", ["Sales Rep", "Month", "Quota"], ["Ann Lee", "2026-03", "40000"], ["Ann Lee", "Apr 2026", "45000"]
    )
    result = _derive(dict([ROSTER, DEALS, quota]))
    assert result.complete, (result.questions, result.problems)
    assert next(f for f in result.files if f.kind == "quota").sentence.startswith("quota file: 2 rows, 2 monthly")
    ann = result.frame[result.frame["rep_id"] == "E1"]
    assert ann["quota"].tolist() == [40000.0, 45000.0]
    partial = _file("quota.csv", ["Sales Rep", "Month", "Quota"], ["Ann Lee", "2026-04", "45000"])
    ann = _derive(dict([ROSTER, DEALS, partial])).frame.query("rep_id == 'E1'")
    assert ann["quota"].tolist() == [50000.0, 45000.0]  # March from the list, April from the file
