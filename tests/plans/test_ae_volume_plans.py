"""Plans and HR briefs for AEs scored without a quota name won revenue per month, with its figures."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.demo import DemoSpec, generate_team
from core.plans.content import PLAYBOOK, plans_from_records, to_markdown
from core.plans.hr_review import metric_gaps
from core.scoring.metrics import role_medians
from core.scoring.segmentation import SegmentSettings, segment

TODAY = date(2026, 11, 23)
SETTINGS = SegmentSettings(replicates=0)


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """The demo team with every AE quota blanked."""
    frame = generate_team(DemoSpec(reps=120, months=6, seed=7, end="2026-10"))
    frame.loc[frame["role"] == "AE", "quota"] = np.nan
    return frame


def test_a_core_plan_can_focus_on_won_revenue_per_month(team: pd.DataFrame) -> None:
    """A core AE weakest on revenue gets a focus area "Won revenue per month" with amounts, practice and a goal."""
    segmented = segment(team, SETTINGS)
    aes = segmented[(segmented["role"] == "AE") & (segmented["tier"] == "core")]
    weakest = aes[aes["revenue_per_month_pct"] < aes["close_rate_pct"]].sort_values("revenue_per_month_pct")
    assert len(weakest), "the demo team should have a core AE weaker on revenue than on closing"
    rep = str(weakest["rep_id"].iloc[0])
    plan = plans_from_records(team, rep_ids=[rep], settings=SETTINGS, today=TODAY)[0]
    area = plan.focus[0]
    assert area.metric == "revenue_per_month" and area.label == "Won revenue per month"
    assert area.value_text.endswith(" per month") and "," in area.median_text
    assert area.practice == PLAYBOOK["revenue_per_month"]
    assert area.goal.startswith(("From about ", "A number you agree")) and "by 22 Feb 2027" in area.goal
    assert area.sizing_note.startswith("Won revenue per month: ")
    text = to_markdown(plan, "manager")
    assert "Won revenue per month" in text and "Quota attainment" not in text


def test_hr_facts_and_gaps_name_revenue_not_quota(team: pd.DataFrame) -> None:
    """The HR facts and the gap table of an AE without quota state won revenue per month, not quota attainment."""
    segmented = segment(team, SETTINGS)
    medians = role_medians(segmented)
    low = segmented[(segmented["role"] == "AE") & (segmented["tier"] == "low") & segmented["persistent_low"]]
    low = low.sort_values("rep_id")
    rep = str(low["rep_id"].iloc[0])
    gaps = metric_gaps(low.iloc[0], medians)
    assert gaps["metric"].tolist() == ["Close rate", "Won revenue per month"]
    assert gaps["gap"].iloc[1].endswith(" per month") and gaps["gap"].iloc[1][0] in "+−"
    plan = plans_from_records(team, rep_ids=[rep], settings=SETTINGS, today=TODAY)[0]
    assert plan.kind == "hr_brief"
    facts = " ".join(plan.hr_facts)
    assert "Won revenue per month:" in facts and "Quota attainment" not in facts
