"""Altair charts shared by several pages, so a tier, role or percentile looks the same everywhere."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.scoring.metrics import MetricSpec
from core.scoring.tiers import TIERS, tier_name
from ui.i18n import _, month
from ui.theme import TIER_COLOURS


def tier_scale() -> alt.Scale:
    """The tiers' colours, keyed on their names in the reader's language (a chart's tier column holds those)."""
    return alt.Scale(domain=[tier_name(t) for t in TIERS], range=TIER_COLOURS)


def metric_axis(spec: MetricSpec | None) -> alt.Axis:
    """Percent-like metrics on a % axis; counts per month as plain numbers."""
    return alt.Axis(format=".0%" if spec is not None and spec.unit in ("%", "×") else ",.0f")


def percentile_chart(rows: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """One person's monthly percentile within role as a line (0–100); the y axis is "Percentile" unless ``title``.

    The months read in the reader's language ("Nov 2025", "Nov. 2025", "nov 2025"), in calendar order.
    """
    shown = rows[["period", "percentile"]].sort_values("period")
    shown = shown.assign(month=[month(str(p)) for p in shown["period"]])
    chart: alt.Chart = (
        alt.Chart(shown[["month", "percentile"]])
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=None, sort=list(dict.fromkeys(shown["month"]))),
            y=alt.Y("percentile:Q", scale=alt.Scale(domain=[0, 100]), title=title or _("Percentile")),
            tooltip=[
                alt.Tooltip("month:O", title=_("Month")),
                alt.Tooltip("percentile:Q", format=".0f", title=_("Percentile")),
            ],
        )
        .properties(height=200)
    )
    return chart
