"""Overview: the active dataset, who is in it, and where to go next."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.governance.access import scoped
from core.schema import ROLES, role_name
from core.store.datasets import DatasetInfo, load_people, period_range
from core.team import coach_willingness, headcount_by_team, headcount_long, rows_and_months
from core.text import markdown_text as md
from ui import cache
from ui.auth import link, require_page
from ui.dataset import active_dataset, all_datasets, dataset_picker
from ui.i18n import _, moment, month, number
from ui.redact import view_of
from ui.state import get_engine
from ui.theme import ROLE_COLOURS


def overview() -> None:
    """The page: which team is loaded, its people by team and role, and the way on to the tiers."""
    viewer = require_page("overview")
    if viewer is None:
        return
    st.title(_("Overview"))
    dataset = active_dataset(viewer)
    if dataset is None:
        st.info(_("No team is loaded yet: upload your team's export to begin."))
        link("upload", _("Upload a team export"), ":material/upload_file:")
        return
    datasets = all_datasets(viewer)
    if len(datasets) > 1:
        dataset_picker(datasets, dataset, key="ov_dataset")
    if dataset.is_demo:
        st.info(
            _(
                "**This is a generated demo team**, not real people: names, numbers and teams are invented "
                "so every page has something to show. To work with your own team, upload its export (CSV or "
                "Excel, one row per person per month); the Upload page has a template."
            ),
            icon=":material/science:",
        )
        link("upload", _("Upload your own team"), ":material/upload_file:")
    ids = cache.visible(dataset.id, viewer)
    people = scoped(load_people(engine=get_engine(), dataset_id=dataset.id), ids)
    if people.empty:
        st.info(
            _(
                "None of the people in this dataset are yours: a manager sees the people whose manager field is "
                "their name, or who are in one of their teams. Ask an admin to set your manager name or teams on "
                "the Users page."
            )
        )
        return
    _headline(dataset, people, _extent(dataset, ids))
    _by_team(people)
    st.divider()
    st.markdown(_("**Next:** see who needs an HR conversation, who should be coached and who should coach."))
    link("segmentation", _("Tiers within each role"), ":material/stacked_bar_chart:")


def _extent(dataset: DatasetInfo, ids: frozenset[str] | None) -> tuple[int, tuple[str, str, int] | None]:
    """Rows and (first month, last month, months) of the viewer's people: the dataset's for everyone."""
    if ids is None:
        return dataset.row_count, period_range(engine=get_engine(), dataset_id=dataset.id)
    return rows_and_months(scoped(cache.records(view_of(dataset.id)), ids))


def _headline(dataset: DatasetInfo, people: pd.DataFrame, extent: tuple[int, tuple[str, str, int] | None]) -> None:
    """The dataset's name and source, and the viewer's people, teams, months and rows in it."""
    rows, months = extent
    st.subheader(md(dataset.name))
    st.caption(
        _("From {file} · imported {when} UTC · SHA-256 {digest}…").format(
            file=md(dataset.source_filename), when=moment(dataset.created_at), digest=dataset.source_sha256[:12]
        )
    )
    cols = st.columns(4)
    cols[0].metric(_("People"), number(len(people)))
    cols[1].metric(_("Teams"), number(people["team"].nunique()))
    cols[2].metric(
        _("Months"),
        number(months[2]) if months else number(0),
        help=_("{first} to {last}").format(first=month(months[0]), last=month(months[1])) if months else None,
    )
    cols[3].metric(_("Rows"), number(rows))
    by_role = people["role"].value_counts()
    for col, role in zip(st.columns(len(ROLES)), ROLES, strict=True):
        col.metric(role_name(role), number(int(by_role.get(role, 0))))


def _by_team(people: pd.DataFrame) -> None:
    """People per team and role as a stacked bar chart, the headcount table, and who is willing to coach."""
    left, right = st.columns([3, 2])
    no_team = _("(no team)")
    counts = headcount_by_team(people, no_team=no_team)
    with left:
        st.markdown(_("**People per team and role**"))
        team_order = counts.sort_values("Total", ascending=False).index.tolist()
        chart = (
            alt.Chart(headcount_long(people, no_team=no_team))
            .transform_calculate(rank="indexof(['SDR', 'AE', 'AM'], datum.role)")
            .mark_bar()
            .encode(
                x=alt.X("people:Q", title=_("People")),
                y=alt.Y("team:N", title=None, sort=team_order, axis=alt.Axis(labelLimit=220)),
                color=alt.Color("role:N", title=_("Role"), scale=alt.Scale(domain=list(ROLES), range=ROLE_COLOURS)),
                order=alt.Order("rank:Q"),
                tooltip=[
                    alt.Tooltip("team:N", title=_("Team")),
                    alt.Tooltip("role:N", title=_("Role")),
                    alt.Tooltip("people:Q", title=_("People")),
                ],
            )
            .properties(height=max(160, 30 * people["team"].nunique()))
        )
        st.altair_chart(chart, width="stretch")
    with right:
        st.markdown(_("**Headcount table**"))
        table = counts.rename(columns={"Total": _("Total")}).rename_axis(_("Team"))
        st.dataframe(table, width="stretch")
        willing = coach_willingness(people)
        st.caption(
            _("Willing to coach: {yes} yes · {no} no · {unasked} not asked yet").format(
                yes=number(willing["yes"]), no=number(willing["no"]), unasked=number(willing["ask first"])
            )
        )
