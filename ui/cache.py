"""Cached, hashable-keyed computations for the pages (bounded; keyed by dataset version and settings)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.chains import ChainResult, ChainSettings, Constraints, match_chains
from core.datasets import dataset_version, load_records
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
