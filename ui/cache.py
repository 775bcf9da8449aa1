"""Cached, hashable-keyed computations for the pages (bounded; keyed by dataset version and settings)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.chains import ChainResult, ChainSettings, Constraints, match_chains
from core.datasets import dataset_version, load_records
from core.impact import ImpactResult, ImpactSettings, estimate_from_records
from core.metrics import role_medians
from core.segmentation import SegmentSettings, monthly_history, segment
from ui.state import get_engine


def version(dataset_id: int) -> str:
    """The dataset's current version token (changes when rows are added or replaced)."""
    return dataset_version(engine=get_engine(), dataset_id=dataset_id)


@st.cache_data(max_entries=8, show_spinner=False)
def records(dataset_id: int, token: str) -> pd.DataFrame:
    """A dataset's records, read once per version."""
    del token  # part of the cache key only
    return load_records(engine=get_engine(), dataset_id=dataset_id)


@st.cache_data(max_entries=16, show_spinner="Scoring every person within their role…")
def segmentation(
    dataset_id: int, token: str, settings_key: tuple[object, ...], _settings: SegmentSettings
) -> pd.DataFrame:
    """Segmentation before overrides (overrides change often and are applied on top, uncached)."""
    del settings_key  # the cache key for _settings
    return segment(records(dataset_id, token), _settings)


@st.cache_data(max_entries=16, show_spinner=False)
def medians(dataset_id: int, token: str, settings_key: tuple[object, ...], _settings: SegmentSettings) -> pd.DataFrame:
    """Role medians of the metrics for the same segmentation."""
    return role_medians(segmentation(dataset_id, token, settings_key, _settings))


@st.cache_data(max_entries=16, show_spinner=False)
def history(dataset_id: int, token: str, settings_key: tuple[object, ...], _settings: SegmentSettings) -> pd.DataFrame:
    """Each person's score and percentile within role month by month (for the trend chart)."""
    return monthly_history(records(dataset_id, token), _settings, months=max(_settings.trend_months, 12))


@st.cache_data(max_entries=16, show_spinner="Matching coaches and coachees…")
def _chains(
    segmented: pd.DataFrame,
    settings_key: tuple[object, ...],
    constraints_key: tuple[object, ...],
    _settings: ChainSettings,
    _constraints: Constraints,
) -> ChainResult:
    del settings_key, constraints_key  # cache keys for the unhashed arguments
    return match_chains(segmented, _settings, _constraints)


def chains(segmented: pd.DataFrame, settings: ChainSettings, constraints: Constraints) -> ChainResult:
    """The coaching chains for a segmentation (with overrides), cached on everything that changes them."""
    constraints_key = (constraints.locked, tuple(sorted(constraints.excluded)), constraints.forbidden)
    return _chains(segmented, settings.key(), constraints_key, settings, constraints)


@st.cache_data(max_entries=8, show_spinner="Comparing coached people with their uncoached peers…")
def _impact(
    dataset_id: int,
    token: str,
    pairs_key: tuple[tuple[str, str, str], ...],
    settings_key: tuple[object, ...],
    _settings: ImpactSettings,
) -> ImpactResult:
    del settings_key  # the cache key for _settings
    pairs = pd.DataFrame(list(pairs_key), columns=["coach_id", "coachee_id", "start"])
    return estimate_from_records(records(dataset_id, token), pairs, _settings)


def impact(dataset_id: int, token: str, started: pd.DataFrame, settings: ImpactSettings) -> ImpactResult:
    """The coaching-impact estimate for the started pairs, cached on the data, the pairs and the settings."""
    pairs_key = tuple(
        (str(c), str(e), str(s)) for c, e, s in started[["coach_id", "coachee_id", "start"]].itertuples(index=False)
    )
    return _impact(dataset_id, token, pairs_key, settings.key(), settings)
