"""What building plans and HR briefs needs, assembled the same way for the Coaching plans and HR review pages."""

from __future__ import annotations

from datetime import date

from core.coaching.edits import edits_in_force
from core.plans.content import PlanInputs, plan_inputs
from core.plans.support import support_items
from core.scoring.segmentation import SegmentSettings, complete_records
from ui import cache
from ui.redact import View
from ui.state import get_engine


def plan_context(view: View, settings: SegmentSettings) -> PlanInputs:
    """Assemble the plans' inputs from the cached computations (raises ValueError as segmentation does)."""
    segmented = cache.tiers(view, settings)
    complete = complete_records(cache.records(view), settings)
    edits_now = edits_in_force(engine=get_engine(), dataset_id=view.dataset_id)
    chain_settings = edits_now.settings()  # the levels the chains page keeps for this dataset, too
    return plan_inputs(
        segmented=segmented,
        medians=cache.medians(view, settings),
        chains=cache.chains(segmented, chain_settings, edits_now.constraints),
        history=cache.history(view, settings),
        periods=complete["period"].unique(),
        settings=settings,
        chain_settings=chain_settings,
        today=date.today(),
        records=complete,
        support=support_items(
            engine=get_engine(),
            dataset_id=view.dataset_id,
            names=dict(zip(segmented["rep_id"].astype(str), segmented["name"].astype(str), strict=True)),
        ),
    )
