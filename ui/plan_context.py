"""What building plans and HR briefs needs, assembled the same way for the Coaching plans and HR review pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from core.coaching.chains import ChainResult, ChainSettings
from core.coaching.edits import edits_in_force
from core.months import window_periods
from core.scoring.segmentation import SegmentSettings, apply_overrides
from ui import cache
from ui.state import get_engine


@dataclass(frozen=True)
class PlanContext:
    """Tiers with overrides, role medians, the chains, the monthly history and the window, for one dataset view."""

    segmented: pd.DataFrame
    medians: pd.DataFrame
    chains: ChainResult
    history: pd.DataFrame
    chain_settings: ChainSettings
    months: list[str]
    today: date

    def inputs(self) -> dict[str, Any]:
        """The keyword arguments ``core.plans.content.build_plan`` and ``build_plans`` take besides the person."""
        return {
            "segmented": self.segmented,
            "medians": self.medians,
            "chains": self.chains,
            "history": self.history,
            "today": self.today,
            "window_periods": self.months,
            "hours_per_coachee": self.chain_settings.hours_per_coachee,
        }


def plan_context(dataset_id: int, token: str, settings: SegmentSettings) -> PlanContext:
    """Assemble the context from the cached computations (raises ValueError as segmentation does)."""
    base = cache.segmentation(dataset_id, token, settings.key(), settings)
    segmented = apply_overrides(base, cache.overrides(dataset_id, token))
    edits_now = edits_in_force(engine=get_engine(), dataset_id=dataset_id)
    chain_settings = ChainSettings(capacity_overrides=edits_now.capacity_overrides)
    records = cache.records(dataset_id, token)
    return PlanContext(
        segmented=segmented,
        medians=cache.medians(dataset_id, token, settings.key(), settings),
        chains=cache.chains(segmented, chain_settings, edits_now.constraints),
        history=cache.history(dataset_id, token, settings.key(), settings),
        chain_settings=chain_settings,
        months=window_periods(records["period"].unique(), settings.window),
        today=date.today(),
    )


def percentile_chart(rows: pd.DataFrame, *, title: str = "Percentile") -> alt.Chart:
    """One person's monthly percentile within role as a line (0–100)."""
    return (
        alt.Chart(rows[["period", "percentile"]])
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None),
            y=alt.Y("percentile:Q", scale=alt.Scale(domain=[0, 100]), title=title),
            tooltip=["period:O", alt.Tooltip("percentile:Q", format=".0f")],
        )
        .properties(height=200)
    )
