"""Segmentation: tiers within each role — settings, counts, charts, a filterable table, and why."""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from core.governance.access import scoped
from core.i18n import N_
from core.schema import ROLES, role_name
from core.scoring.metrics import (
    NO_QUOTA_METRIC,
    QUOTA_METRIC,
    check_weights,
    default_weights,
    metric_name,
    metrics_for,
    scored_on,
    scored_on_text,
    without_quota_text,
)
from core.scoring.overrides import override_history, set_override
from core.scoring.segmentation import (
    FLAG_COLUMNS,
    SegmentSettings,
    explain,
    export_table,
    filter_people,
    flag_name,
    flags_text,
    incomplete_note,
    tier_summary,
)
from core.scoring.tiers import PRESET_NOTES, PRESETS, TIERS, tier_name, trend_name
from core.store.datasets import DatasetInfo
from core.store.db import STORE_ERRORS
from core.team import person_labels
from core.text import markdown_text as md
from ui import cache
from ui.auth import current_user, require_page
from ui.charts import metric_axis, percentile_chart, tier_scale
from ui.dataset import require_dataset
from ui.downloads import table_downloads
from ui.i18n import _, number, percent, table_datetime_format
from ui.redact import View, name_key, redact_frame, view_of
from ui.state import get_engine, reset_on_next_run, show_store_error

WINDOWS = {
    1: N_("last month"),
    2: N_("last 2 months"),
    3: N_("last 3 months"),
    6: N_("last 6 months"),
    12: N_("last 12 months"),
    0: N_("all"),
}
TABLE_HEADERS = {
    "rep_id": N_("employee ID"),
    "name": N_("name"),
    "role": N_("role"),
    "team": N_("team"),
    "manager": N_("manager"),
    "score": N_("score"),
    "percentile": N_("percentile"),
    "tier": N_("tier"),
    "trend": N_("trend"),
    "flags": N_("flags"),
}
"""The people table's columns as the page shows them (the downloads keep the English keys)."""
HISTORY_HEADERS = {
    "rep_id": N_("employee ID"),
    "tier": N_("tier"),
    "reason": N_("reason"),
    "changed_by": N_("changed by"),
}


def segmentation() -> None:
    """The page: settings, tier counts per role, two charts, the people table, and why one person is where."""
    viewer = require_page("segmentation")
    if viewer is None:
        return
    st.title(_("Segmentation"))
    dataset = require_dataset(viewer)
    if dataset is None:
        return
    st.caption(
        _(
            "{dataset} · tiers are ranked within each role and are decision support: a person reviews them and "
            "can override any tier with a reason."
        ).format(dataset=md(dataset.name))
    )
    view = view_of(dataset.id)
    with st.expander(_("Settings — window, cut-offs, weights"), icon=":material/tune:"):
        settings = _settings()
    if settings is None:
        return
    settings = _incomplete_month(view, settings)
    try:
        everyone = cache.tiers(view, settings)
    except ValueError as exc:
        st.error(str(exc))
        return
    # Tiers are ranked within the whole role; a manager sees only their own people's rows.
    segmented = scoped(everyone, cache.visible(dataset.id, viewer))
    if segmented.empty:
        st.info(_("None of the people in this dataset are yours; ask an admin to set your manager name or teams."))
        return
    summary = _counts(segmented, settings)
    used = scored_on(everyone, settings.weights)
    st.caption(_("Scored on — {roles}").format(roles=" · ".join(scored_on_text(used))))
    if NO_QUOTA_METRIC in used.get("AE", {}):
        _without_quota(view, settings, cache.visible(dataset.id, viewer))
    _charts(segmented, summary, used)
    shown = _people(segmented, summary, dataset)
    if shown.empty:
        st.info(_("No one matches these filters."))
        return
    _why(shown, segmented, everyone, view, settings)


def _without_quota(view: View, settings: SegmentSettings, ids: frozenset[str] | None) -> None:
    """Who lacks a quota: the viewer's own people by name (aliases while presenting), the others counted."""
    lacking = cache.without_quota(view, settings)  # names from the view's records: aliases while presenting
    mine = scoped(lacking, ids)
    names = [str(name) for name in mine["name"]]
    st.caption(
        without_quota_text(names, others=len(lacking) - len(mine))
        + " "
        + _("Enter their quota to score AEs by quota attainment again.")
    )


def _settings() -> SegmentSettings | None:
    """The window, cut-offs and weights chosen in the settings panel; None (with why) when they cannot work."""
    c1, c2 = st.columns(2)
    windows = {months: _(label) for months, label in WINDOWS.items()}
    window = c1.selectbox(
        _("Window"), options=list(WINDOWS), index=2, format_func=windows.__getitem__, key="seg_window"
    )
    presets = {**{name: name for name in PRESETS}, "custom": _("custom")}
    preset = c2.selectbox(
        _("Cut-offs (low / core / top %)"),
        options=list(presets),
        format_func=presets.__getitem__,
        key="seg_preset",
        help="\n".join(f"{k}: {_(v)}" for k, v in PRESET_NOTES.items()),
    )
    if preset == "custom":
        k1, k2, k3 = st.columns(3)
        low = k1.number_input(_("low %"), 0, 100, 10, key="seg_low")
        top = k3.number_input(_("top %"), 0, 100, 30, key="seg_top")
        k2.number_input(_("core %"), 0, 100, max(0, 100 - low - top), key="seg_core", disabled=True)
        if low + top > 100:
            st.error(_("low % and top % add up to more than 100; lower one of them."))
            return None
        cutoffs = (int(low), int(100 - low - top), int(top))
    else:
        cutoffs = PRESETS[preset]
        st.caption(_(PRESET_NOTES[preset]))
    weights = _weights()
    try:
        check_weights(weights)
    except ValueError as exc:
        st.error(str(exc))
        return None
    return SegmentSettings(window=window or None, cutoffs=cutoffs, weights=weights)


def _incomplete_month(view: View, settings: SegmentSettings) -> SegmentSettings:
    """When the latest month looks incomplete: say so, end the window before it, and offer to include it."""
    if not cache.incomplete(view):
        return settings
    records = cache.records(view)
    include = st.checkbox(_("Include the incomplete month"), key="seg_incomplete")
    chosen = replace(settings, include_incomplete=include)
    st.warning(incomplete_note(records, chosen), icon=":material/calendar_month:")
    return chosen


def _weights() -> dict[str, float]:
    """One number input per metric, in a column per role."""
    st.markdown(
        _("**Metric weights** within each role (renormalised to {share} over the metrics a person has)").format(
            share=percent(1.0)
        )
    )
    help_of = {
        QUOTA_METRIC: _("Used when every AE in the window has a quota."),
        NO_QUOTA_METRIC: _(
            "Used instead of quota attainment when not every AE in the window has a quota; won deals per month "
            "break ties."
        ),
    }
    defaults = default_weights()
    weights: dict[str, float] = {}
    for col, role in zip(st.columns(len(ROLES)), ROLES, strict=True):
        col.caption(role_name(role))
        for spec in metrics_for(role):
            weights[spec.id] = col.number_input(
                metric_name(spec.label),
                0.0,
                1.0,
                float(defaults[spec.id]),
                step=0.05,
                key=f"seg_w_{spec.id}",
                help=help_of.get(spec.id),
            )
    return weights


def _counts(segmented: pd.DataFrame, settings: SegmentSettings) -> pd.DataFrame:
    """low · core · top per role, and the flags in one line; returns the per-role summary."""
    summary = tier_summary(segmented)
    for col, (role, row) in zip(st.columns(len(summary)), summary.iterrows(), strict=True):
        col.metric(
            role_name(str(role)),
            " · ".join(number(int(row[tier])) for tier in TIERS),
            help=_("{low} · {core} · {top} (after overrides)").format(
                low=tier_name("low"), core=tier_name("core"), top=tier_name("top")
            ),
        )
    low, core, top = settings.cutoffs
    st.caption(
        _(
            "Cut-offs {low}/{core}/{top} · window: {window} · {borderline} borderline · {persistent} persistent low "
            "· {overridden} overridden"
        ).format(
            low=low,
            core=core,
            top=top,
            window=_(WINDOWS[settings.window or 0]),
            borderline=number(int(segmented["borderline"].sum())),
            persistent=number(int(segmented["persistent_low"].sum())),
            overridden=number(int(segmented["overridden"].sum())),
        )
    )
    return summary


def _charts(segmented: pd.DataFrame, summary: pd.DataFrame, used: dict[str, dict[str, float]]) -> None:
    """A role picker, then that role's score distribution and its two main metrics against each other."""
    roles = list(summary.index)
    role_names = {str(r): role_name(str(r)) for r in roles}
    role = st.segmented_control(
        _("Role"), options=roles, default=roles[0], key="seg_role", format_func=role_names.__getitem__
    )
    of_role = segmented[segmented["role"] == (role or roles[0])].assign(tier=lambda frame: frame["tier"].map(tier_name))
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Score distribution — {role}s**").format(role=role_names[str(role or roles[0])]))
        st.altair_chart(_distribution(of_role), width="stretch")
    with right:
        chosen = str(role or roles[0])
        _scatter(of_role, chosen, used.get(chosen, {}))


def _distribution(of_role: pd.DataFrame) -> alt.LayerChart:
    """Histogram of scores coloured by tier, the tiers' score bands behind it, the cut-offs as rules."""
    names = [tier_name(t) for t in TIERS]  # the tier column holds these (see _charts)
    bands = of_role.groupby("tier")["score"].agg(["min", "max"]).reindex(names).dropna().reset_index()
    band = (
        alt.Chart(bands)
        .mark_rect(opacity=0.12)
        .encode(x="min:Q", x2="max:Q", color=alt.Color("tier:N", scale=tier_scale(), legend=None))
    )
    hist = (
        alt.Chart(of_role[["score", "tier"]])
        .mark_bar()
        .encode(
            x=alt.X("score:Q", bin=alt.Bin(step=5, extent=[0, 100]), title=_("Score (0–100 within role)")),
            y=alt.Y("count():Q", title=_("People"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("tier:N", scale=tier_scale(), title=_("Tier")),
            tooltip=[alt.Tooltip("tier:N", title=_("Tier")), alt.Tooltip("count():Q", title=_("People"))],
        )
    )
    tiers_present = set(bands["tier"])
    cuts = pd.DataFrame(
        {"cut": [bands.loc[bands["tier"] == t, "min"].iloc[0] for t in names[1:] if t in tiers_present]}
    )
    rules = alt.Chart(cuts).mark_rule(strokeDash=[4, 3], color="#444").encode(x="cut:Q")
    layered: alt.LayerChart = (band + hist + rules).properties(height=260)
    return layered


def _scatter(of_role: pd.DataFrame, role: str, used: dict[str, float]) -> None:
    """The role's first scored metric against its second (or against the score, for a role with one metric)."""
    specs = tuple(spec for spec in metrics_for(role) if spec.id in used) or metrics_for(role)[:1]
    x_spec = specs[0]
    y_spec = specs[1] if len(specs) > 1 else None
    x_name = metric_name(x_spec.label)
    y_name = metric_name(y_spec.label) if y_spec else _("Score")
    st.markdown(_("**{x} vs {y}**").format(x=x_name, y=y_name if y_spec else _("score")))
    x_field = f"{x_spec.id}_raw"
    y_field = f"{y_spec.id}_raw" if y_spec else "score"
    # dict.fromkeys keeps order and drops the repeat when the y axis is the score itself (one-metric roles).
    columns = list(dict.fromkeys(["name", "team", "tier", "score", x_field, y_field]))
    chart = (
        alt.Chart(of_role[columns].dropna())
        .mark_circle(size=60, opacity=0.8)
        .encode(
            x=alt.X(f"{x_field}:Q", title=x_name, axis=metric_axis(x_spec)),
            y=alt.Y(f"{y_field}:Q", title=y_name, axis=metric_axis(y_spec)),
            color=alt.Color("tier:N", scale=tier_scale(), title=_("Tier")),
            tooltip=[
                alt.Tooltip("name:N", title=_("Name")),
                alt.Tooltip("team:N", title=_("Team")),
                alt.Tooltip("tier:N", title=_("Tier")),
                alt.Tooltip("score:Q", format=".0f", title=_("Score")),
            ],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def _people(segmented: pd.DataFrame, summary: pd.DataFrame, dataset: DatasetInfo) -> pd.DataFrame:
    """The filterable people table with its downloads; returns the people the filters keep."""
    st.subheader(_("People"))
    f1, f2, f3, f4, f5 = st.columns(5)
    role_names = {str(r): role_name(str(r)) for r in summary.index}
    tier_names = {t: tier_name(t) for t in TIERS}
    flag_names = {f: flag_name(f) for f in FLAG_COLUMNS}
    shown = filter_people(
        segmented,
        roles=f1.multiselect(
            _("Role"), options=list(summary.index), key="seg_f_role", format_func=role_names.__getitem__
        ),
        teams=f2.multiselect(_("Team"), options=sorted(segmented["team"].dropna().unique()), key="seg_f_team"),
        managers=f3.multiselect(
            _("Manager"), options=sorted(segmented["manager"].dropna().unique()), key=name_key("seg_f_manager")
        ),
        tiers=f4.multiselect(_("Tier"), options=list(TIERS), format_func=tier_names.__getitem__, key="seg_f_tier"),
        flags=f5.multiselect(
            _("Flags"), options=list(FLAG_COLUMNS), format_func=flag_names.__getitem__, key="seg_f_flags"
        ),
    )
    table = shown[["rep_id", "name", "role", "team", "manager", "score", "percentile", "tier", "trend", "flags"]]
    table = table.assign(
        tier=table["tier"].map(tier_name), trend=table["trend"].map(trend_name), flags=table["flags"].map(flags_text)
    )
    headers: dict[str, str | st.column_config.Column] = {c: _(label) for c, label in TABLE_HEADERS.items()}
    headers["score"] = st.column_config.ProgressColumn(_("score"), min_value=0, max_value=100, format="%.0f")
    headers["percentile"] = st.column_config.NumberColumn(_("percentile"), format="%.0f")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table)),
        column_config=headers,
    )
    table_downloads(
        export_table(shown), stem="coachwise-tiers", sheet="Tiers", key_prefix="seg_dl", dataset_id=dataset.id
    )
    return shown


def _why(
    shown: pd.DataFrame,
    segmented: pd.DataFrame,
    everyone: pd.DataFrame,
    view: View,
    settings: SegmentSettings,
) -> None:
    """One person's explanation, monthly percentile, the override form and its history."""
    st.subheader(_("Why this tier?"))
    labels = person_labels(shown)
    rep = str(
        st.selectbox(_("Person"), options=list(labels), format_func=labels.__getitem__, key=name_key("seg_person"))
    )
    person = segmented[segmented["rep_id"] == rep].iloc[0]
    left, right = st.columns([3, 2])
    with left:
        role_size = int((everyone["role"] == person["role"]).sum())
        as_text = person.copy()
        as_text["name"] = md(str(person["name"]))  # the name is data; the rest of the explanation is our Markdown
        for line in explain(as_text, cache.medians(view, settings), role_size):
            st.markdown(f"- {line}")
    with right:
        history = cache.role_history(view, settings, str(person["role"]))
        mine = history[history["rep_id"] == rep]
        if len(mine):
            st.markdown(_("**Monthly percentile within role**"))
            st.altair_chart(percentile_chart(mine), width="stretch")
    _override(view, rep)


def _override(view: View, rep: str) -> None:
    """The override form (a reason is required) and the person's override history."""
    engine = get_engine()
    with st.form("seg_override_form"):
        st.markdown(
            _(
                "**Override the tier** — the reason is kept with your name and the time, and shows wherever the "
                "tier does."
            )
        )
        o1, o2 = st.columns([1, 3])
        choices = {**{t: tier_name(t) for t in TIERS}, "computed": _("back to computed")}
        choice = o1.selectbox(
            _("Tier"),
            options=list(choices),
            key="seg_ov_tier",
            format_func=choices.__getitem__,
        )
        reason = o2.text_input(
            _("Reason"), key="seg_ov_reason", placeholder=_("e.g. new in role since August; ramping")
        )
        if st.form_submit_button(_("Save override"), key="seg_ov_save"):
            try:
                set_override(
                    engine=engine,
                    dataset_id=view.dataset_id,
                    rep_id=rep,
                    tier=None if choice == "computed" else choice,
                    reason=reason,
                    changed_by=current_user(),
                )
            except ValueError as exc:  # a refusal, or the store stayed busy: the typed reason stays
                st.error(str(exc))
            except STORE_ERRORS as exc:
                show_store_error(exc)
            else:
                reset_on_next_run(seg_ov_tier="low", seg_ov_reason="")
                st.rerun()
    past = override_history(engine=engine, dataset_id=view.dataset_id, rep_id=rep)
    if len(past):
        st.caption(_("Override history"))
        lifted = _("(lifted)")
        past = past.assign(tier=past["tier"].map(lambda t: lifted if pd.isna(t) else tier_name(t)))
        st.dataframe(
            redact_frame(past, view, ("reason",)),
            hide_index=True,
            width="stretch",
            column_config={c: _(label) for c, label in HISTORY_HEADERS.items()}
            | {
                "created_at": st.column_config.DatetimeColumn(
                    _("when (UTC)"), format=table_datetime_format(seconds=True)
                )
            },
        )
