"""What building plans and HR briefs needs, assembled the same way for the Coaching plans and HR review pages."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from core.coaching.chains import ChainSettings
from core.coaching.edits import edits_in_force
from core.plans.content import PlanInputs, plan_inputs
from core.scoring.segmentation import SegmentSettings, apply_overrides
from ui import cache
from ui.state import get_engine


def plan_context(dataset_id: int, token: str, settings: SegmentSettings) -> PlanInputs:
    """Assemble the plans' inputs from the cached computations (raises ValueError as segmentation does)."""
    base = cache.segmentation(dataset_id, token, settings.key(), settings)
    segmented = apply_overrides(base, cache.overrides(dataset_id, token))
    edits_now = edits_in_force(engine=get_engine(), dataset_id=dataset_id)
    chain_settings = ChainSettings(capacity_overrides=edits_now.capacity_overrides)
    return plan_inputs(
        segmented=segmented,
        medians=cache.medians(dataset_id, token, settings.key(), settings),
        chains=cache.chains(segmented, chain_settings, edits_now.constraints),
        history=cache.history(dataset_id, token, settings.key(), settings),
        periods=cache.records(dataset_id, token)["period"].unique(),
        settings=settings,
        chain_settings=chain_settings,
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
