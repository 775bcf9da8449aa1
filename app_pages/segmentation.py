"""Segmentation: tiers within each role — settings, counts, charts, a filterable table, and why."""

import altair as alt
import pandas as pd
import streamlit as st

from core.schema import ROLE_NAMES, ROLES
from core.scoring.metrics import MetricSpec, default_weights, metrics_for
from core.scoring.overrides import override_history, set_override
from core.scoring.segmentation import SegmentSettings, apply_overrides, explain, export_table, tier_summary
from core.scoring.tiers import PRESET_NOTES, PRESETS
from ui import cache
from ui.auth import name_key, require_page
from ui.downloads import table_downloads
from ui.plan_context import percentile_chart
from ui.state import current_user, get_engine, require_dataset
from ui.theme import TIER_COLOURS

viewer = require_page("segmentation")
st.title("Segmentation")

dataset = require_dataset()
st.caption(
    f"{dataset.name} · tiers are ranked within each role and are decision support: a person reviews them "
    "and can override any tier with a reason."
)


def _axis(spec: MetricSpec | None) -> alt.Axis:
    """Percent-like metrics on a % axis; counts per month as plain numbers."""
    return alt.Axis(format=".0%" if spec is not None and spec.unit in ("%", "×") else ",.0f")


WINDOWS = {1: "last month", 2: "last 2 months", 3: "last 3 months", 6: "last 6 months", 12: "last 12 months", 0: "all"}
with st.expander("Settings — window, cut-offs, weights", icon=":material/tune:"):
    c1, c2 = st.columns(2)
    window_choice = c1.selectbox(
        "Window", options=list(WINDOWS), index=2, format_func=WINDOWS.__getitem__, key="seg_window"
    )
    preset = c2.selectbox(
        "Cut-offs (low / core / top %)",
        options=[*PRESETS, "custom"],
        key="seg_preset",
        help="\n".join(f"{k}: {v}" for k, v in PRESET_NOTES.items()),
    )
    if preset == "custom":
        k1, k2, k3 = st.columns(3)
        low = k1.number_input("low %", 0, 100, 10, key="seg_low")
        top = k3.number_input("top %", 0, 100, 30, key="seg_top")
        core = k2.number_input("core %", 0, 100, max(0, 100 - low - top), key="seg_core", disabled=True)
        if low + top > 100:
            st.error("low % and top % add up to more than 100; lower one of them.")
            st.stop()
        cutoffs = (int(low), int(100 - low - top), int(top))
    else:
        cutoffs = PRESETS[preset]
        st.caption(PRESET_NOTES[preset])
    st.markdown("**Metric weights** within each role (renormalised to 100% over the metrics a person has)")
    weight_cols = st.columns(len(ROLES))
    defaults = default_weights()
    weights: dict[str, float] = {}
    for col, role in zip(weight_cols, ROLES, strict=True):
        col.caption(ROLE_NAMES[role])
        for spec in metrics_for(role):
            weights[spec.id] = col.number_input(
                spec.label, 0.0, 1.0, float(defaults[spec.id]), step=0.05, key=f"seg_w_{spec.id}"
            )
    if any(sum(weights[s.id] for s in metrics_for(r)) == 0 for r in ROLES):
        st.error("Each role needs at least one metric with a weight above 0.")
        st.stop()

settings = SegmentSettings(window=window_choice or None, cutoffs=cutoffs, weights=weights)
token = cache.version(dataset.id)
try:
    base = cache.segmentation(dataset.id, token, settings.key(), settings)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
engine = get_engine()
everyone = apply_overrides(base, cache.overrides(dataset.id, token))
# Tiers are ranked within the whole role; a manager sees only their own people's rows.
segmented = cache.scoped(everyone, cache.visible(dataset.id, viewer))
if segmented.empty:
    st.info("None of the people in this dataset are yours; ask an admin to set your manager name or teams.")
    st.stop()
medians = cache.medians(dataset.id, token, settings.key(), settings)

summary = tier_summary(segmented)
cols = st.columns(len(summary))
for col, (role, row) in zip(cols, summary.iterrows(), strict=True):
    col.metric(
        ROLE_NAMES[str(role)],
        f"{row['low']} · {row['core']} · {row['top']}",
        help="low · core · top (after overrides)",
    )
st.caption(
    f"Cut-offs {cutoffs[0]}/{cutoffs[1]}/{cutoffs[2]} · window: {WINDOWS[window_choice]} · "
    f"{int(segmented['borderline'].sum())} borderline · {int(segmented['persistent_low'].sum())} persistent low · "
    f"{int(segmented['overridden'].sum())} overridden"
)

role = (
    st.segmented_control(
        "Role", options=list(summary.index), default=list(summary.index)[0], key="seg_role", format_func=ROLE_NAMES.get
    )
    or list(summary.index)[0]
)
of_role = segmented[segmented["role"] == role]
chart_left, chart_right = st.columns(2)
tier_scale = alt.Scale(domain=["low", "core", "top"], range=TIER_COLOURS)
with chart_left:
    st.markdown(f"**Score distribution — {ROLE_NAMES[role]}s**")
    bands = of_role.groupby("tier")["score"].agg(["min", "max"]).reindex(["low", "core", "top"]).dropna().reset_index()
    band = (
        alt.Chart(bands)
        .mark_rect(opacity=0.12)
        .encode(x="min:Q", x2="max:Q", color=alt.Color("tier:N", scale=tier_scale, legend=None))
    )
    hist = (
        alt.Chart(of_role[["score", "tier"]])
        .mark_bar()
        .encode(
            x=alt.X("score:Q", bin=alt.Bin(step=5, extent=[0, 100]), title="Score (0–100 within role)"),
            y=alt.Y("count():Q", title="People", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("tier:N", scale=tier_scale, title="Tier"),
            tooltip=["tier:N", "count():Q"],
        )
    )
    cuts = pd.DataFrame(
        {"cut": [bands.loc[bands["tier"] == t, "min"].iloc[0] for t in ("core", "top") if t in set(bands["tier"])]}
    )
    rules = alt.Chart(cuts).mark_rule(strokeDash=[4, 3], color="#444").encode(x="cut:Q")
    st.altair_chart((band + hist + rules).properties(height=260), width="stretch")
with chart_right:
    specs = metrics_for(role)
    x_spec = specs[0]
    y_spec = specs[1] if len(specs) > 1 else None
    st.markdown(f"**{x_spec.label} vs {y_spec.label if y_spec else 'score'}**")
    y_field = f"{y_spec.id}_raw" if y_spec else "score"
    scatter = (
        alt.Chart(of_role[["name", "team", "tier", "score", f"{x_spec.id}_raw", y_field]].dropna())
        .mark_circle(size=60, opacity=0.8)
        .encode(
            x=alt.X(f"{x_spec.id}_raw:Q", title=x_spec.label, axis=_axis(x_spec)),
            y=alt.Y(f"{y_field}:Q", title=y_spec.label if y_spec else "Score", axis=_axis(y_spec)),
            color=alt.Color("tier:N", scale=tier_scale, title="Tier"),
            tooltip=["name:N", "team:N", "tier:N", alt.Tooltip("score:Q", format=".0f")],
        )
        .properties(height=260)
    )
    st.altair_chart(scatter, width="stretch")

st.subheader("People")
f1, f2, f3, f4, f5 = st.columns(5)
roles_sel = f1.multiselect("Role", options=list(summary.index), key="seg_f_role", format_func=ROLE_NAMES.get)
teams_sel = f2.multiselect("Team", options=sorted(segmented["team"].dropna().unique()), key="seg_f_team")
managers_sel = f3.multiselect(
    "Manager", options=sorted(segmented["manager"].dropna().unique()), key=name_key("seg_f_manager")
)
tiers_sel = f4.multiselect("Tier", options=["low", "core", "top"], key="seg_f_tier")
FLAG_COLUMNS = {
    "borderline": "borderline",
    "persistent low": "persistent_low",
    "tie at cut-off": "tie_at_boundary",
    "overridden": "overridden",
    "small sample": "small_sample",
}
flags_sel = f5.multiselect("Flags", options=list(FLAG_COLUMNS), key="seg_f_flags")
view = segmented
for column, chosen in (("role", roles_sel), ("team", teams_sel), ("manager", managers_sel), ("tier", tiers_sel)):
    if chosen:
        view = view[view[column].isin(chosen)]
for flag in flags_sel:
    view = view[view[FLAG_COLUMNS[flag]]]
shown = view[["rep_id", "name", "role", "team", "manager", "score", "percentile", "tier", "trend", "flags"]]
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * len(shown)),
    column_config={
        "score": st.column_config.ProgressColumn("score", min_value=0, max_value=100, format="%.0f"),
        "percentile": st.column_config.NumberColumn("percentile", format="%.0f"),
    },
)
table = export_table(view)
table_downloads(table, stem="coachwise-tiers", sheet="Tiers", key_prefix="seg_dl", dataset_id=dataset.id)

if view.empty:
    st.info("No one matches these filters.")
    st.stop()

st.subheader("Why this tier?")
labels = {
    r: f"{n} · {r} · {ROLE_NAMES[ro]} · {t}"
    for r, n, ro, t in view[["rep_id", "name", "role", "team"]].itertuples(index=False)
}
rep = st.selectbox("Person", options=list(labels), format_func=labels.__getitem__, key=name_key("seg_person"))
person = segmented[segmented["rep_id"] == rep].iloc[0]
role_size = int((everyone["role"] == person["role"]).sum())
left, right = st.columns([3, 2])
with left:
    for line in explain(person, medians, role_size):
        st.markdown(f"- {line}")
with right:
    hist = cache.history(dataset.id, token, settings.key(), settings)
    mine = hist[hist["rep_id"] == rep]
    if len(mine):
        st.markdown("**Monthly percentile within role**")
        line = percentile_chart(mine)
        st.altair_chart(line, width="stretch")

with st.form("seg_override_form", clear_on_submit=True):
    st.markdown(
        "**Override the tier** — the reason is kept with your name and the time, and shows wherever the tier does."
    )
    o1, o2 = st.columns([1, 3])
    choice = o1.selectbox(
        "Tier",
        options=["low", "core", "top", "computed"],
        key="seg_ov_tier",
        format_func=lambda t: "back to computed" if t == "computed" else t,
    )
    reason = o2.text_input("Reason", key="seg_ov_reason", placeholder="e.g. new in role since August; ramping")
    if st.form_submit_button("Save override", key="seg_ov_save"):
        try:
            set_override(
                engine=engine,
                dataset_id=dataset.id,
                rep_id=str(rep),
                tier=None if choice == "computed" else choice,
                reason=reason,
                changed_by=current_user(),
            )
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.rerun()
past = override_history(engine=engine, dataset_id=dataset.id, rep_id=str(rep))
if len(past):
    st.caption("Override history")
    past = cache.redact_frame(past.fillna({"tier": "(lifted)"}), dataset.id, token, ("reason",))
    st.dataframe(past, hide_index=True, width="stretch")
