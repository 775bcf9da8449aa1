"""Impact: is coaching working (coached vs uncoached core peers, per coach), and what could it be worth."""

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from core.coaching.edits import started_pairs
from core.coaching.impact import ImpactSettings
from core.coaching.revenue import RevenueAssumptions, revenue_impact
from core.scoring.segmentation import SegmentSettings, apply_overrides
from ui import cache
from ui.auth import link, require_page
from ui.state import get_engine, require_dataset

viewer = require_page("impact")
st.title("Impact")
dataset = require_dataset()
st.caption(
    "Coaching is judged by its effect: coached core people before and after their chain started, against "
    "uncoached core peers of the same role over the same months — and what lifting the core could be worth."
)
engine = get_engine()
token = cache.version(dataset.id)
tab_effect, tab_revenue = st.tabs(["Is coaching working?", "Revenue impact"])


def _signed(value: float, digits: int = 1) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.{digits}f}"


def _interval(low: float, high: float) -> str:
    return "no interval" if pd.isna(low) or pd.isna(high) else f"{low:+.1f} to {high:+.1f}"


with tab_revenue:
    st.markdown(
        "What would it be worth to lift the **core 60%**? Research by the Sales Executive Council (later CEB), "
        'summarised in Dixon & Adamson, *"The Dirty Secret of Effective Sales Coaching"* (Harvard Business Review), '
        "found that raising coaching of the core from poor to average lifted their performance by **6–8%**, the "
        "best-quality coaching by **up to 19%**, while top performers gained little. These are research figures, "
        "not a promise for this team: change them below."
    )
    with st.container(border=True):
        r1, r2, r3 = st.columns(3)
        core_effect = r1.slider("Moderate coaching of the core (%)", 0.0, 20.0, 7.0, 0.5, key="im_core_effect")
        best_effect = r1.slider("Best-quality coaching of the core (%)", 0.0, 30.0, 19.0, 0.5, key="im_best_effect")
        top_effect = r2.slider(
            "Effect on the top tier (%)",
            0.0,
            10.0,
            2.0,
            0.5,
            key="im_top_effect",
            help="Top performers improve little from coaching (it helps retain them); 2% is a cautious guess.",
        )
        hours_pp = r2.slider("Coaching hours per person per month", 0.5, 10.0, 3.0, 0.5, key="im_hours")
        manager_hours = r3.slider("Coaching hours per manager per month", 0.0, 80.0, 20.0, 1.0, key="im_mgr_hours")
        horizon = r3.slider("Horizon (months)", 1, 24, 12, key="im_months")
        sdr_share = r3.slider(
            "Share of a qualified lead's value credited to SDRs (%)",
            0,
            100,
            50,
            5,
            key="im_sdr_share",
            help="SDR value is pipeline the AEs close, so it overlaps with AE revenue; 0 leaves SDRs out.",
        )
    assumptions = RevenueAssumptions(
        core_effect=core_effect / 100,
        best_effect=best_effect / 100,
        top_effect=top_effect / 100,
        hours_per_person=float(hours_pp),
        manager_hours=float(manager_hours),
        months=int(horizon),
        sdr_share=sdr_share / 100,
    )
    seg_settings = SegmentSettings(replicates=0)
    try:
        base = cache.segmentation(dataset.id, token, seg_settings.key(), seg_settings)
        tiers = apply_overrides(base, cache.overrides(dataset.id, token))
        ids = cache.visible(dataset.id, viewer)  # a manager's calculator runs on their own people
        revenue = revenue_impact(
            cache.scoped(cache.records(dataset.id, token), ids),
            cache.scoped(tiers, ids)[["rep_id", "tier"]],
            assumptions,
        )
    except ValueError as exc:
        st.error(str(exc))
    else:
        scenarios = revenue.scenarios
        best = scenarios.iloc[1]
        m = st.columns(4)
        m[0].metric(f"Moderate, core · {horizon} months", f"{scenarios.iloc[0]['change_horizon']:,.0f}", border=True)
        m[1].metric(f"Best-quality, core · {horizon} months", f"{best['change_horizon']:,.0f}", border=True)
        m[2].metric("Hours needed / month", f"{revenue.hours_needed:,.0f}", border=True)
        m[3].metric(
            "Managers' hours / month",
            f"{revenue.hours_available:,.0f}",
            delta=f"{revenue.hours_available - revenue.hours_needed:+,.0f} vs needed",
            delta_color="normal",
            border=True,
            help=f"{revenue.managers} managers × {manager_hours:.0f} hours",
        )
        chart = (
            alt.Chart(scenarios)
            .mark_bar(color="#1f6f8b")
            .encode(
                x=alt.X("change_horizon:Q", title=f"Expected revenue change over {horizon} months"),
                y=alt.Y("scenario:N", sort=list(scenarios["scenario"]), title=None, axis=alt.Axis(labelLimit=280)),
                tooltip=[
                    "scenario:N",
                    alt.Tooltip("coached:Q", title="people coached"),
                    alt.Tooltip("hours_per_person:Q", format=".1f", title="hours / person / month"),
                    alt.Tooltip("change_month:Q", format=",.0f", title="change / month"),
                    alt.Tooltip("change_pct:Q", format=".2f", title="% of team revenue"),
                ],
            )
            .properties(height=200)
        )
        st.altair_chart(chart, width="stretch")
        st.dataframe(
            scenarios,
            hide_index=True,
            width="stretch",
            column_config={
                "hours": st.column_config.NumberColumn("hours / month", format="%.0f"),
                "hours_per_person": st.column_config.NumberColumn("hours / person", format="%.1f"),
                "basis": st.column_config.NumberColumn("revenue basis / month", format="%,.0f"),
                "effect": st.column_config.NumberColumn("effect", format="percent"),
                "change_month": st.column_config.NumberColumn("change / month", format="%,.0f"),
                "change_horizon": st.column_config.NumberColumn(f"change / {horizon} months", format="%,.0f"),
                "change_pct": st.column_config.NumberColumn("% of team revenue", format="%.2f"),
            },
        )
        if revenue.hours_needed > revenue.hours_available:
            st.warning(
                f"Coaching the core needs {revenue.hours_needed:,.0f} hours a month; the managers have "
                f"{revenue.hours_available:,.0f}. Peer coaches (Coaching chains) or fewer hours per person "
                "close the gap."
            )
        st.caption(
            "Revenue basis per month from the last 3 months: AE revenue won; AM portfolio growth (a shrinking "
            f"portfolio counts as 0); SDR qualified leads × {revenue.lead_value:,.0f} (the credited share of AE "
            "revenue per qualified lead). The same hours on the top tier give each top person at most the full "
            "effect; spread over everyone, each person's effect shrinks with their share of the hours."
        )

with tab_effect:
    started = started_pairs(engine=engine, dataset_id=dataset.id)
    if started.empty:
        st.info(
            "No coaching chain has been started yet. On the Coaching chains page, start the matched pairs of a "
            "team (or one pair) in the month coaching began; this page then compares them with uncoached peers."
        )
        link("chains", "Start coaching on the Coaching chains page", ":material/link:")
        st.stop()
    with st.expander("Comparison settings", icon=":material/tune:"):
        c1, c2, c3, c4 = st.columns(4)
        pre = c1.number_input("Months before the start", 1, 12, 3, key="im_pre")
        post = c2.number_input("Months from the start on (at most)", 1, 24, 6, key="im_post")
        replicates = c3.select_slider("Bootstrap re-draws", [200, 500, 1000, 2000], 1000, key="im_replicates")
        level = c4.select_slider("Interval", [0.8, 0.9, 0.95], 0.95, format_func="{:.0%}".format, key="im_level")
    settings = ImpactSettings(pre_months=int(pre), post_months=int(post), replicates=int(replicates), level=level)
    try:
        result = cache.impact(dataset.id, token, started, settings)
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    if result.coachees.empty:
        st.info("No started pair can be estimated yet (see why below): it needs scored months before and after.")
        st.dataframe(result.skipped, hide_index=True, width="stretch")
        st.stop()

    ids = cache.visible(dataset.id, viewer)
    if ids is not None:  # a manager sees their coachees and those coachees' coaches; the totals stay team-wide
        mine = cache.scoped(result.coachees, ids, "coachee_id")
        coaches = result.coaches[result.coaches["coach_id"].isin(set(mine["coach_id"]) | ids)]
        result = replace(result, coachees=mine, coaches=coaches)
    programme = result.programme.set_index("group")
    overall = programme.iloc[-1]
    m = st.columns(4)
    m[0].metric("Coachees compared", int(overall["coachees"]), border=True)
    m[1].metric("Uncoached core peers", int(overall["peers"]), border=True)
    m[2].metric(
        "Lift vs peers (score points)",
        _signed(float(overall["did"])),
        help="Difference-in-differences on the 0–100 score within role.",
        border=True,
    )
    m[3].metric(f"{level:.0%} interval", _interval(float(overall["low"]), float(overall["high"])), border=True)
    verdict = (
        "The interval lies above 0: coached people improved more than comparable uncoached peers."
        if overall["low"] > 0
        else "The interval includes 0: the data cannot yet tell this programme's effect apart from no effect."
        if overall["low"] <= 0 <= overall["high"]
        else "The interval lies below 0: coached people did worse than comparable uncoached peers."
    )
    st.markdown(f"**{verdict}**")
    st.dataframe(
        result.programme,
        hide_index=True,
        width="stretch",
        column_config={
            "group": "coachee role",
            "did": st.column_config.NumberColumn("lift vs peers", format="%+.1f"),
            "low": st.column_config.NumberColumn(format="%+.1f"),
            "high": st.column_config.NumberColumn(format="%+.1f"),
        },
    )

    with st.container(border=True):
        st.markdown(
            "**What this can and cannot prove.** This is not a randomised trial: managers chose whom to coach, "
            "and something else may have changed for them at the same time. People who start low tend to drift "
            "back up anyway (**regression to the mean**); comparing with uncoached core peers of the same role "
            "over the same months removes part of that — and whatever moved everyone, such as the season — but "
            "not all of it. Read a lift as evidence to discuss, not as proof, and a single person's or coach's "
            "number with its interval."
        )

    st.subheader("Coach leaderboard")
    board = result.coaches.copy()
    board["label"] = board["coach_name"] + " · n=" + board["coachees"].astype(str)
    shown_board = board.head(40)
    order = list(shown_board["label"])
    base_chart = alt.Chart(shown_board).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
        tooltip=[
            alt.Tooltip("coach_name:N", title="coach"),
            alt.Tooltip("coachees:Q", title="coachees"),
            alt.Tooltip("lift:Q", format="+.1f", title="mean lift"),
            alt.Tooltip("low:Q", format="+.1f"),
            alt.Tooltip("high:Q", format="+.1f"),
            "note:N",
        ],
    )
    bars = base_chart.mark_rule(strokeWidth=3, color="#9db4c0").encode(x="low:Q", x2="high:Q")
    dots = base_chart.mark_point(filled=True, size=90).encode(
        x=alt.X("lift:Q", title="Mean lift of the coach's coachees vs peers (score points), with interval"),
        color=alt.condition("datum.coachees < 2", alt.value("#c8553d"), alt.value("#1f6f8b")),
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 3], color="#444").encode(x="x:Q")
    st.altair_chart(
        (bars + dots + zero).properties(height=max(160, 28 * len(shown_board))),
        width="stretch",
    )
    st.caption(
        "Coaches with 3 or more coachees first, each group ranked by the lower end of the interval, so a coach "
        "with one or two lucky coachees does not come first. Red dot: one coachee — no interval can be estimated; "
        "with two the interval is rough and likely too narrow. Wide intervals are the honest uncertainty, not a "
        "verdict on the coach." + (f" Showing the first 40 of {len(board)} coaches." if len(board) > 40 else "")
    )
    st.dataframe(
        board.drop(columns=["label", "coach_id"]),
        hide_index=True,
        width="stretch",
        column_config={
            "lift": st.column_config.NumberColumn("mean lift", format="%+.1f"),
            "low": st.column_config.NumberColumn(format="%+.1f"),
            "high": st.column_config.NumberColumn(format="%+.1f"),
        },
    )

    st.subheader("Per coachee")
    table = result.coachees[
        [
            "coachee_name",
            "role",
            "coach_name",
            "start",
            "pre",
            "post",
            "change",
            "peer_change",
            "did",
            "low",
            "high",
            "focus_label",
            "focus_did",
            "focus_low",
            "focus_high",
        ]
    ]
    points = {"format": "%+.1f"}
    st.dataframe(
        table.sort_values("did", ascending=False),
        hide_index=True,
        width="stretch",
        column_config={
            "pre": st.column_config.NumberColumn("score before", format="%.1f"),
            "post": st.column_config.NumberColumn("score after", format="%.1f"),
            "change": st.column_config.NumberColumn(**points),
            "peer_change": st.column_config.NumberColumn("peers' change", **points),
            "did": st.column_config.NumberColumn("lift vs peers", **points),
            "low": st.column_config.NumberColumn(**points),
            "high": st.column_config.NumberColumn(**points),
            "focus_label": "focus metric",
            "focus_did": st.column_config.NumberColumn("focus lift (pct points)", **points),
            "focus_low": st.column_config.NumberColumn(**points),
            "focus_high": st.column_config.NumberColumn(**points),
        },
    )
    if not result.skipped.empty:
        with st.expander(f"Started pairs not estimated ({len(result.skipped)})"):
            st.dataframe(result.skipped, hide_index=True, width="stretch")
    with st.expander("How this is estimated", icon=":material/functions:"):
        st.markdown(
            f"""
- **Score**: each month, each person's score 0–100 within their role (single-month windows, the Segmentation
  page's metrics and weights); the focus metric is the coachee's weakest metric before the start, as a
  monthly percentile within role.
- **Change**: mean of the months from the start on (up to {post}) minus the mean of the {pre} months before.
- **Peers**: same role, in the core tier over the 3 months before the earliest start, not coached.
- **Lift (difference-in-differences)**: the coachee's change minus the peers' mean change over the same months.
- **Intervals**: bootstrap with a fixed seed, {replicates:,} re-draws, {level:.0%} percentile interval. For one
  coachee the person's own months and the peers are re-drawn; for a coach or the programme the coachees and the
  peers. One coachee per coach: no interval.
- Percentiles are relative: when coachees rise, peers' ranks dip slightly, which widens the difference a little.
"""
        )
