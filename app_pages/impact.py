"""Impact: is coaching working (coached vs uncoached core peers, per coach), and what could it be worth."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.coaching.edits import started_pairs
from core.coaching.impact import ImpactResult, ImpactSettings, interval_text, signed
from core.coaching.revenue import RevenueAssumptions, RevenueResult, revenue_impact
from core.coaching.scope import impact_in_scope
from core.governance.access import Viewer, scoped
from core.i18n import formats
from core.scoring.segmentation import SegmentSettings
from ui import cache
from ui.auth import link, require_page
from ui.dataset import require_dataset
from ui.i18n import _, current_language, ngettext, number
from ui.redact import View, view_of
from ui.state import get_engine


def impact() -> None:
    """The page: two tabs, filled in the order they are declared."""
    viewer = require_page("impact")
    if viewer is None:
        return
    st.title(_("Impact"))
    dataset = require_dataset(viewer)
    if dataset is None:
        return
    st.caption(
        _(
            "Coaching is judged by its effect: coached core people before and after their chain started, against "
            "uncoached core peers of the same role over the same months — and what lifting the core could be worth."
        )
    )
    view = view_of(dataset.id)
    tab_effect, tab_revenue = st.tabs([_("Is coaching working?"), _("Revenue impact")])
    with tab_effect:
        effect(view, viewer)
    with tab_revenue:
        revenue(view, viewer)


def revenue(view: View, viewer: Viewer) -> None:
    """The revenue calculator: research-based effects on the core, scenarios, and the hours they need."""
    st.markdown(
        _(
            "What would it be worth to lift the **core 60%**? Research by the Sales Executive Council (later CEB), "
            'summarised in Dixon & Adamson, *"The Dirty Secret of Effective Sales Coaching"* (Harvard Business '
            "Review), found that raising coaching of the core from poor to average lifted their performance by "
            "**6–8%**, the best-quality coaching by **up to 19%**, while top performers gained little. These are "
            "research figures, not a promise for this team: change them below."
        )
    )
    assumptions = _assumptions()
    try:
        ids = cache.visible(view.dataset_id, viewer)  # a manager's calculator runs on their own people
        tiers = cache.tiers(view, SegmentSettings(replicates=0))
        result = revenue_impact(scoped(cache.records(view), ids), scoped(tiers, ids)[["rep_id", "tier"]], assumptions)
    except ValueError as exc:
        st.error(str(exc))
        return
    _scenarios(result, assumptions)


def _assumptions() -> RevenueAssumptions:
    """The calculator's sliders: effects, hours and horizon."""
    with st.container(border=True):
        r1, r2, r3 = st.columns(3)
        core_effect = r1.slider(_("Moderate coaching of the core (%)"), 0.0, 20.0, 7.0, 0.5, key="im_core_effect")
        best_effect = r1.slider(_("Best-quality coaching of the core (%)"), 0.0, 30.0, 19.0, 0.5, key="im_best_effect")
        top_effect = r2.slider(
            _("Effect on the top tier (%)"),
            0.0,
            10.0,
            2.0,
            0.5,
            key="im_top_effect",
            help=_("Top performers improve little from coaching (it helps retain them); 2% is a cautious guess."),
        )
        hours_pp = r2.slider(_("Coaching hours per person per month"), 0.5, 10.0, 3.0, 0.5, key="im_hours")
        manager_hours = r3.slider(_("Coaching hours per manager per month"), 0.0, 80.0, 20.0, 1.0, key="im_mgr_hours")
        horizon = r3.slider(_("Horizon (months)"), 1, 24, 12, key="im_months")
        sdr_share = r3.slider(
            _("Share of a qualified lead's value credited to SDRs (%)"),
            0,
            100,
            50,
            5,
            key="im_sdr_share",
            help=_("SDR value is pipeline the AEs close, so it overlaps with AE revenue; 0 leaves SDRs out."),
        )
    return RevenueAssumptions(
        core_effect=core_effect / 100,
        best_effect=best_effect / 100,
        top_effect=top_effect / 100,
        hours_per_person=float(hours_pp),
        manager_hours=float(manager_hours),
        months=int(horizon),
        sdr_share=sdr_share / 100,
    )


def _scenarios(revenue: RevenueResult, assumptions: RevenueAssumptions) -> None:
    """Headline figures, the scenarios as bars and as a table, and how the basis is computed."""
    horizon = assumptions.months
    manager_hours = assumptions.manager_hours
    scenarios = revenue.scenarios.assign(scenario=revenue.scenarios["scenario"].map(_))
    best = scenarios.iloc[1]
    per_horizon = ngettext("{n} month", "{n} months", horizon).format(n=horizon)
    m = st.columns(4)
    m[0].metric(
        _("Moderate, core · {months}").format(months=per_horizon),
        number(scenarios.iloc[0]["change_horizon"]),
        border=True,
    )
    m[1].metric(
        _("Best-quality, core · {months}").format(months=per_horizon), number(best["change_horizon"]), border=True
    )
    m[2].metric(_("Hours needed / month"), number(revenue.hours_needed), border=True)
    m[3].metric(
        _("Managers' hours / month"),
        number(revenue.hours_available),
        delta=_("{difference} vs needed").format(difference=signed(revenue.hours_available - revenue.hours_needed, 0)),
        delta_color="normal",
        border=True,
        help=ngettext("{n} manager × {hours} hours", "{n} managers × {hours} hours", revenue.managers).format(
            n=revenue.managers, hours=number(manager_hours)
        ),
    )
    chart = (
        alt.Chart(scenarios)
        .mark_bar(color="#1f6f8b")
        .encode(
            x=alt.X("change_horizon:Q", title=_("Expected revenue change over {months}").format(months=per_horizon)),
            y=alt.Y("scenario:N", sort=list(scenarios["scenario"]), title=None, axis=alt.Axis(labelLimit=280)),
            tooltip=[
                alt.Tooltip("scenario:N", title=_("scenario")),
                alt.Tooltip("coached:Q", title=_("people coached")),
                alt.Tooltip("hours_per_person:Q", format=".1f", title=_("hours / person / month")),
                alt.Tooltip("change_month:Q", format=",.0f", title=_("change / month")),
                alt.Tooltip("change_pct:Q", format=".2f", title=_("share of team revenue (%)")),
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
            "scenario": st.column_config.TextColumn(_("scenario")),
            "coached": st.column_config.NumberColumn(_("people coached")),
            "hours": st.column_config.NumberColumn(_("hours / month"), format="%.0f"),
            "hours_per_person": st.column_config.NumberColumn(_("hours / person"), format="%.1f"),
            "basis": st.column_config.NumberColumn(_("revenue basis / month"), format="%,.0f"),
            "effect": st.column_config.NumberColumn(_("effect"), format="percent"),
            "change_month": st.column_config.NumberColumn(_("change / month"), format="%,.0f"),
            "change_horizon": st.column_config.NumberColumn(
                _("change / {months}").format(months=per_horizon), format="%,.0f"
            ),
            "change_pct": st.column_config.NumberColumn(_("share of team revenue (%)"), format="%.2f"),
        },
    )
    if revenue.hours_needed > revenue.hours_available:
        st.warning(
            _(
                "Coaching the core needs {needed} hours a month; the managers have {available}. Peer coaches "
                "(Coaching chains) or fewer hours per person close the gap."
            ).format(needed=number(revenue.hours_needed), available=number(revenue.hours_available))
        )
    st.caption(
        _(
            "Revenue basis per month from the last 3 months: AE revenue won; AM portfolio growth (a shrinking "
            "portfolio counts as 0); SDR qualified leads × {lead_value} (the credited share of AE revenue per "
            "qualified lead). The same hours on the top tier give each top person at most the full effect; spread "
            "over everyone, each person's effect shrinks with their share of the hours."
        ).format(lead_value=number(revenue.lead_value))
    )


def effect(view: View, viewer: Viewer) -> None:
    """Is coaching working: the programme's lift with its interval, per coach and per coachee, and the method."""
    started = started_pairs(engine=get_engine(), dataset_id=view.dataset_id)
    if started.empty:
        st.info(
            _(
                "No coaching chain has been started yet. On the Coaching chains page, start the matched pairs of a "
                "team (or one pair) in the month coaching began; this page then compares them with uncoached peers."
            )
        )
        link("chains", _("Start coaching on the Coaching chains page"), ":material/link:")
        return
    with st.expander(_("Comparison settings"), icon=":material/tune:"):
        settings = _comparison_settings()
    try:
        result = cache.impact(view, started, settings)
    except ValueError as exc:
        st.error(str(exc))
        return
    if result.coachees.empty:
        st.info(_("No started pair can be estimated yet (see why below): it needs scored months before and after."))
        _skipped_table(result)
        return
    # A manager sees their coachees and those coachees' coaches; the totals stay team-wide.
    result = impact_in_scope(result, cache.visible(view.dataset_id, viewer))
    _programme(result, settings)
    _leaderboard(result)
    _per_coachee(result)
    _method(settings)


def _skipped_table(result: ImpactResult) -> None:
    """The started pairs that could not be estimated, and why."""
    st.dataframe(
        result.skipped,
        hide_index=True,
        width="stretch",
        column_config={
            "coachee_id": _("coachee ID"),
            "coach_id": _("coach ID"),
            "start": _("start"),
            "why": _("why not"),
        },
    )


def _comparison_settings() -> ImpactSettings:
    c1, c2, c3, c4 = st.columns(4)
    pre = c1.number_input(_("Months before the start"), 1, 12, 3, key="im_pre")
    post = c2.number_input(_("Months from the start on (at most)"), 1, 24, 6, key="im_post")
    replicates = c3.select_slider(_("Bootstrap re-draws"), [200, 500, 1000, 2000], 1000, key="im_replicates")
    level = c4.select_slider(_("Interval"), [0.8, 0.9, 0.95], 0.95, format_func=_percent, key="im_level")
    return ImpactSettings(pre_months=int(pre), post_months=int(post), replicates=int(replicates), level=level)


def _percent(share: float) -> str:
    """A share as this session writes a percentage: ``95%`` / ``95 %``."""
    return formats.format_percent(share, current_language())


def _programme(result: ImpactResult, settings: ImpactSettings) -> None:
    """The programme's lift, its interval and what it can say, per role, and what it cannot prove."""
    level = settings.level
    programme = result.programme.set_index("group")
    overall = programme.iloc[-1]
    m = st.columns(4)
    m[0].metric(_("Coachees compared"), int(overall["coachees"]), border=True)
    m[1].metric(_("Uncoached core peers"), int(overall["peers"]), border=True)
    m[2].metric(
        _("Lift vs peers (score points)"),
        signed(float(overall["did"])),
        help=_("Difference-in-differences on the 0–100 score within role."),
        border=True,
    )
    m[3].metric(
        _("{level} interval").format(level=_percent(level)),
        interval_text(float(overall["low"]), float(overall["high"])),
        border=True,
    )
    verdict = (
        _("The interval lies above 0: coached people improved more than comparable uncoached peers.")
        if overall["low"] > 0
        else _("The interval includes 0: the data cannot yet tell this programme's effect apart from no effect.")
        if overall["low"] <= 0 <= overall["high"]
        else _("The interval lies below 0: coached people did worse than comparable uncoached peers.")
    )
    st.markdown(f"**{verdict}**")
    programme_shown = result.programme.assign(group=result.programme["group"].replace({"all": _("all")}))
    st.dataframe(
        programme_shown,
        hide_index=True,
        width="stretch",
        column_config={
            "group": _("coachee role"),
            "coachees": st.column_config.NumberColumn(_("coachees")),
            "peers": st.column_config.NumberColumn(_("peers")),
            "did": st.column_config.NumberColumn(_("lift vs peers"), format="%+.1f"),
            "low": st.column_config.NumberColumn(_("low"), format="%+.1f"),
            "high": st.column_config.NumberColumn(_("high"), format="%+.1f"),
            "note": _("note"),
        },
    )

    with st.container(border=True):
        st.markdown(
            _(
                "**What this can and cannot prove.** This is not a randomised trial: managers chose whom to coach, "
                "and something else may have changed for them at the same time. People who start low tend to drift "
                "back up anyway (**regression to the mean**); comparing with uncoached core peers of the same role "
                "over the same months removes part of that — and whatever moved everyone, such as the season — but "
                "not all of it. Read a lift as evidence to discuss, not as proof, and a single person's or coach's "
                "number with its interval."
            )
        )


def _leaderboard(result: ImpactResult) -> None:
    """Mean lift per coach with its interval, most trustworthy first."""
    st.subheader(_("Coach leaderboard"))
    board = result.coaches.copy()
    board["label"] = board["coach_name"] + " · n=" + board["coachees"].astype(str)
    shown_board = board.head(40)
    order = list(shown_board["label"])
    base_chart = alt.Chart(shown_board).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
        tooltip=[
            alt.Tooltip("coach_name:N", title=_("coach")),
            alt.Tooltip("coachees:Q", title=_("coachees")),
            alt.Tooltip("lift:Q", format="+.1f", title=_("mean lift")),
            alt.Tooltip("low:Q", format="+.1f", title=_("low")),
            alt.Tooltip("high:Q", format="+.1f", title=_("high")),
            alt.Tooltip("note:N", title=_("note")),
        ],
    )
    bars = base_chart.mark_rule(strokeWidth=3, color="#9db4c0").encode(x="low:Q", x2="high:Q")
    dots = base_chart.mark_point(filled=True, size=90).encode(
        x=alt.X("lift:Q", title=_("Mean lift of the coach's coachees vs peers (score points), with interval")),
        color=alt.condition("datum.coachees < 2", alt.value("#c8553d"), alt.value("#1f6f8b")),
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 3], color="#444").encode(x="x:Q")
    st.altair_chart(
        (bars + dots + zero).properties(height=max(160, 28 * len(shown_board))),
        width="stretch",
    )
    caption = _(
        "Coaches with 3 or more coachees first, each group ranked by the lower end of the interval, so a coach "
        "with one or two lucky coachees does not come first. Red dot: one coachee — no interval can be estimated; "
        "with two the interval is rough and likely too narrow. Wide intervals are the honest uncertainty, not a "
        "verdict on the coach."
    )
    if len(board) > 40:
        caption += " " + _("Showing the first 40 of {n} coaches.").format(n=number(len(board)))
    st.caption(caption)
    st.dataframe(
        board.drop(columns=["label", "coach_id"]),
        hide_index=True,
        width="stretch",
        column_config={
            "coach_name": _("coach"),
            "coach_role": _("role"),
            "coachees": st.column_config.NumberColumn(_("coachees")),
            "lift": st.column_config.NumberColumn(_("mean lift"), format="%+.1f"),
            "low": st.column_config.NumberColumn(_("low"), format="%+.1f"),
            "high": st.column_config.NumberColumn(_("high"), format="%+.1f"),
            "note": _("note"),
        },
    )


def _per_coachee(result: ImpactResult) -> None:
    """Each coachee's before, after, peers' change and lift, and the started pairs that could not be estimated."""
    st.subheader(_("Per coachee"))
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
    table = table.assign(focus_label=table["focus_label"].map(lambda label: _(label) if label else label))
    points = {"format": "%+.1f"}
    st.dataframe(
        table.sort_values("did", ascending=False),
        hide_index=True,
        width="stretch",
        column_config={
            "coachee_name": _("coachee"),
            "role": _("role"),
            "coach_name": _("coach"),
            "start": _("start"),
            "pre": st.column_config.NumberColumn(_("score before"), format="%.1f"),
            "post": st.column_config.NumberColumn(_("score after"), format="%.1f"),
            "change": st.column_config.NumberColumn(_("change"), **points),
            "peer_change": st.column_config.NumberColumn(_("peers' change"), **points),
            "did": st.column_config.NumberColumn(_("lift vs peers"), **points),
            "low": st.column_config.NumberColumn(_("low"), **points),
            "high": st.column_config.NumberColumn(_("high"), **points),
            "focus_label": _("focus metric"),
            "focus_did": st.column_config.NumberColumn(_("focus lift (pct points)"), **points),
            "focus_low": st.column_config.NumberColumn(_("focus low"), **points),
            "focus_high": st.column_config.NumberColumn(_("focus high"), **points),
        },
    )
    if not result.skipped.empty:
        with st.expander(_("Started pairs not estimated ({n})").format(n=number(len(result.skipped)))):
            _skipped_table(result)


def _method(settings: ImpactSettings) -> None:
    """How the estimate is made, in the page's own settings."""
    with st.expander(_("How this is estimated"), icon=":material/functions:"):
        st.markdown(
            _(
                """
- **Score**: each month, each person's score 0–100 within their role (single-month windows, the Segmentation
  page's metrics and weights); the focus metric is the coachee's weakest metric before the start, as a
  monthly percentile within role.
- **Change**: mean of the months from the start on (up to {post}) minus the mean of the {pre} months before.
- **Peers**: same role, in the core tier over the 3 months before the earliest start, not coached.
- **Lift (difference-in-differences)**: the coachee's change minus the peers' mean change over the same months.
- **Intervals**: bootstrap with a fixed seed, {replicates} re-draws, {level} percentile interval. For one
  coachee the person's own months and the peers are re-drawn; for a coach or the programme the coachees and the
  peers. One coachee per coach: no interval.
- Percentiles are relative: when coachees rise, peers' ranks dip slightly, which widens the difference a little.
"""
            ).format(
                post=settings.post_months,
                pre=settings.pre_months,
                replicates=number(settings.replicates),
                level=_percent(settings.level),
            )
        )
