"""Cached computations for the pages, keyed on one ``View`` (dataset version + aliasing) and settings objects.

Presentation mode is applied here, once, where the records are read: the view's token says whether
names are aliased, so every frame derived from the records — tiers, chains, plans, exports —
carries aliases and no real name reaches the browser. A manager's scope is a set of rep_ids
computed from the real names; core cuts results to it (``core.governance.access.scoped``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.coaching.chains import ChainResult, ChainSettings, Constraints, match_chains
from core.coaching.impact import ImpactResult, ImpactSettings, estimate_from_records
from core.governance.access import Viewer, visible_rep_ids
from core.governance.alias import alias_frame
from core.i18n import speaking
from core.scoring.metrics import role_medians
from core.scoring.metrics import without_quota as aes_without_quota
from core.scoring.overrides import current_overrides
from core.scoring.segmentation import (
    SegmentSettings,
    apply_overrides,
    complete_records,
    incomplete_months,
    monthly_history,
    segment,
)
from core.store.datasets import dataset_version, load_people, load_records
from ui.i18n import _, current_language
from ui.redact import View, alias_key, redact_frame
from ui.state import get_engine

_SETTINGS: dict[str | type[Any], Callable[[Any], Any]] = {
    SegmentSettings: SegmentSettings.key,
    ChainSettings: ChainSettings.key,
    ImpactSettings: ImpactSettings.key,
}


@st.cache_resource(max_entries=8, show_spinner=False)
def _records(view: View) -> pd.DataFrame:
    frame = load_records(engine=get_engine(), dataset_id=view.dataset_id)
    if view.aliased:
        frame = alias_frame(frame, alias_key())
    return frame


def records(view: View) -> pd.DataFrame:
    """A dataset's records, read once per view; names are aliases when the view says so.

    Kept as one shared table, not pickled into the cache and unpickled for every caller (#17: a tenth of a
    second per call on 100,000 rows, several calls a page). Each caller gets a shallow copy: with pandas'
    copy-on-write, whatever a caller changes in it is copied first and never reaches the shared table.
    """
    return _records(view).copy(deep=False)


def forget_all() -> None:
    """After a deletion: no frame of any dataset stays in memory, the shared records included."""
    st.cache_data.clear()
    _records.clear()


@st.cache_data(max_entries=32, show_spinner=False)
def _visible(dataset_id: int, version: str, viewer: Viewer) -> frozenset[str]:
    del version  # cache key only
    return visible_rep_ids(load_people(engine=get_engine(), dataset_id=dataset_id), viewer)


def visible(dataset_id: int, viewer: Viewer) -> frozenset[str] | None:
    """The rep_ids the viewer may see in a dataset, or None for everyone (every role but manager)."""
    if viewer.sees_everyone:
        return None
    return _visible(dataset_id, dataset_version(engine=get_engine(), dataset_id=dataset_id), viewer)


@st.cache_data(max_entries=8, show_spinner=False)
def incomplete(view: View) -> list[str]:
    """The trailing months of a dataset that look incomplete (empty when the latest month is complete)."""
    return incomplete_months(records(view))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def _segmentation(view: View, settings: SegmentSettings) -> pd.DataFrame:
    return segment(records(view), settings)


def segmentation(view: View, settings: SegmentSettings) -> pd.DataFrame:
    """Segmentation before overrides (overrides change often and are applied on top, uncached).

    The spinner is the page's, in the reader's language: a cached function's own spinner text is fixed at import.
    """
    with st.spinner(_("Scoring every person within their role…")):
        return _segmentation(view, settings)


def overrides(view: View) -> pd.DataFrame:
    """The tier overrides in force, with reasons redacted and who aliased in presentation mode."""
    stored = current_overrides(engine=get_engine(), dataset_id=view.dataset_id)
    return redact_frame(stored, view, ("reason",))


def tiers(view: View, settings: SegmentSettings) -> pd.DataFrame:
    """Everyone's tiers with the overrides in force: the one way every page gets tiers.

    Raises:
        ValueError: when the records cannot be segmented (as ``core.scoring.segmentation.segment``).
    """
    return apply_overrides(segmentation(view, settings), overrides(view))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def without_quota(view: View, settings: SegmentSettings) -> pd.DataFrame:
    """The AEs without a quota in the segmentation's window (rep_id, name; aliases when the view says so)."""
    return aes_without_quota(complete_records(records(view), settings), window=settings.window)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def medians(view: View, settings: SegmentSettings) -> pd.DataFrame:
    """Role medians of the metrics for the same segmentation."""
    return role_medians(segmentation(view, settings))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def history(view: View, settings: SegmentSettings) -> pd.DataFrame:
    """Each person's score and percentile within role month by month (for the trend chart)."""
    return monthly_history(records(view), settings, months=max(settings.trend_months, 12))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def role_history(view: View, settings: SegmentSettings, role: str) -> pd.DataFrame:
    """:func:`history` for one role only: percentiles are within role, so its rows are the same (#17).

    The Segmentation page's trend of one person needs their role's months, not everyone's: a third of
    the work of a first run.
    """
    team = records(view)
    return monthly_history(team[team["role"] == role], settings, months=max(settings.trend_months, 12))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=_SETTINGS)
def _chains(segmented: pd.DataFrame, settings: ChainSettings, constraints: Constraints, language: str) -> ChainResult:
    with speaking(language):  # the pairs' reasons, the gaps and the suggestions are sentences in this language
        return match_chains(segmented, settings, constraints)


def chains(segmented: pd.DataFrame, settings: ChainSettings, constraints: Constraints) -> ChainResult:
    """The coaching chains for a segmentation (with overrides), cached on everything that changes them.

    The language is part of the key: a German session after an English one (or the other way round) gets its
    own reasons, never the other's.
    """
    with st.spinner(_("Matching coaches and coachees…")):
        return _chains(segmented, settings, constraints, current_language())


@st.cache_data(max_entries=8, show_spinner=False, hash_funcs=_SETTINGS)
def _impact(view: View, pairs: pd.DataFrame, settings: ImpactSettings, language: str) -> ImpactResult:
    with speaking(language):  # the skipped pairs' reasons and the leaderboard's notes are sentences
        return estimate_from_records(records(view), pairs, settings)


def impact(view: View, started: pd.DataFrame, settings: ImpactSettings) -> ImpactResult:
    """The coaching-impact estimate for the started pairs, cached on the data, the pairs, the settings and the
    language its notes and reasons are written in (as :func:`chains`)."""
    pairs = started[["coach_id", "coachee_id", "start"]].astype(str).reset_index(drop=True)
    with st.spinner(_("Comparing coached people with their uncoached peers…")):
        return _impact(view, pairs, settings, current_language())
