"""Chains judge a coachee's need and focus on the metrics their role is scored on in this dataset (``scored_on``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import core.coaching.chains as chains
from core.coaching.chains import ChainSettings, match_chains
from core.scoring.metrics import METRICS
from core.scoring.segmentation import SegmentSettings, segment
from tests.coaching.test_chains import frame, person

NO_QUOTA = "close_rate=0.6;revenue_per_month=0.4"
AE_METRICS = [spec.id for spec in METRICS if spec.role == "AE"]


def test_am_coach_goes_to_the_ae_weakest_on_won_revenue_when_aes_are_scored_on_it() -> None:
    """Without a quota an AE's need across roles counts won revenue per month, not close rate alone."""
    seg = frame(
        person("M1", "AM", "top"),
        person("A1", "AE", "core", close_rate=80, quota_attainment=math.nan, revenue_per_month=5),
        person("A2", "AE", "core", close_rate=40, quota_attainment=math.nan, revenue_per_month=90),
    )
    seg["scored_on"] = ["upsell_rate=1", NO_QUOTA, NO_QUOTA]
    result = match_chains(seg, ChainSettings(capacity={"AM": 1}, levels=("am-ae",)))
    assert list(zip(result.pairs["coach_id"], result.pairs["coachee_id"], strict=True)) == [("M1", "A1")]
    assert result.pairs.iloc[0]["focus"] == "winning more and larger deals"


def test_focus_leaves_out_a_metric_the_role_is_not_scored_on() -> None:
    """A metric with a value that the role's scoring did not use (weight 0, or the other volume metric) is no focus."""
    seg = frame(
        person("A1", "AE", "top"),
        person("C1", "AE", "core", close_rate=40, quota_attainment=3, revenue_per_month=20),
        person("C2", "AE", "core", close_rate=40, quota_attainment=3, revenue_per_month=20),
    )
    seg["scored_on"] = [NO_QUOTA, NO_QUOTA, "close_rate=1"]
    focus = match_chains(seg, ChainSettings(levels=("ae-ae",))).pairs.set_index("coachee_id")["focus"]
    assert focus["C1"] == "winning more and larger deals"
    assert focus["C2"] == "closing"


def test_without_scored_on_every_metric_with_a_value_counts_as_before() -> None:
    """A frame without ``scored_on`` (an older caller) keeps the old rule: the weakest metric with a value."""
    seg = frame(person("A1", "AE", "top"), person("C1", "AE", "core", close_rate=40, quota_attainment=3))
    assert match_chains(seg, ChainSettings(levels=("ae-ae",))).pairs.iloc[0]["focus"] == (
        "deal size and pipeline for quota"
    )


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=3, max_size=3),
    used=st.sets(st.sampled_from(AE_METRICS), min_size=1),
)
def test_need_and_focus_use_only_the_scored_metrics(values: list[float], used: set[str]) -> None:
    """For any AE percentiles and any scored set: focus is a scored metric, need = 1 − the lowest scored percentile."""
    seg = frame(person("A", "AE", "core", **dict(zip(AE_METRICS, values, strict=True))))
    seg["scored_on"] = ";".join(f"{m}=0.5" for m in AE_METRICS if m in used)
    people = chains._prepare(seg, frozenset())
    chosen = METRICS[int(people.focus_metric[0])].id
    assert chosen in used
    lowest = min(v for m, v in zip(AE_METRICS, values, strict=True) if m in used)
    assert math.isclose(people.need[0], 1 - lowest / 100, abs_tol=1e-9)


def test_segmented_team_without_quota_reaches_the_matcher_with_revenue_as_focus() -> None:
    """End to end: AEs without a quota are segmented on revenue, and a weak earner's focus is revenue, not quota."""
    rows = []
    for i in range(10):
        for month in ("2026-08", "2026-09", "2026-10"):
            rows.append(
                {
                    "rep_id": f"A{i:02d}",
                    "name": f"AE {i}",
                    "role": "AE",
                    "team": "T",
                    "region": "R",
                    "manager": "M",
                    "period": month,
                    "deals_worked": 20,
                    "deals_won": 5 + i % 5,
                    "revenue_won": 1000.0 * (i + 1) if i != 4 else 10.0,
                    "coach_willing": "yes",
                }
            )
    records = pd.DataFrame(rows)
    for column in ("calls", "leads_sent", "qualified_leads", "quota", "portfolio_start", "portfolio_end"):
        records[column] = np.nan
    segmented = segment(records, SegmentSettings(replicates=0))
    assert set(segmented.loc[segmented["role"] == "AE", "scored_on"]) == {NO_QUOTA}
    people = chains._prepare(segmented, frozenset())
    weakest = METRICS[int(people.focus_metric[people.position["A04"]])].id
    assert weakest == "revenue_per_month"
