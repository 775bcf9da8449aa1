"""Cached, hashable-keyed computations for the pages (bounded; keyed by dataset version and settings).

Presentation mode is applied here, once, where the records are read: the view token says whether
names are aliased, so every frame derived from the records — tiers, chains, plans, exports —
carries aliases and no real name reaches the browser. A manager's scope is a set of rep_ids
computed from the real names, applied to what a page shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from core.coaching.chains import ChainResult, ChainSettings, Constraints, match_chains
from core.coaching.impact import ImpactResult, ImpactSettings, estimate_from_records
from core.governance.access import Viewer, visible_rep_ids
from core.governance.alias import alias_frame, alias_map, replace_names
from core.plans.model import CheckIn
from core.plans.store import checkins
from core.scoring.metrics import role_medians
from core.scoring.overrides import current_overrides
from core.scoring.segmentation import SegmentSettings, monthly_history, segment
from core.store.datasets import dataset_version, load_people, load_records
from ui.auth import alias_key, presenting, show_name
from ui.state import get_engine

_ALIASED = "|aliases:"


def version(dataset_id: int) -> str:
    """The view token: the dataset's version (changes when rows change) and whether names are aliased."""
    token = dataset_version(engine=get_engine(), dataset_id=dataset_id)
    if presenting():
        token += _ALIASED + hashlib.sha256(alias_key()).hexdigest()[:16]
    return token


@st.cache_data(max_entries=8, show_spinner=False)
def records(dataset_id: int, token: str) -> pd.DataFrame:
    """A dataset's records, read once per view token; names are aliases when the token says so."""
    frame = load_records(engine=get_engine(), dataset_id=dataset_id)
    if _ALIASED in token:
        frame = alias_frame(frame, alias_key())
    return frame


@st.cache_data(max_entries=32, show_spinner=False)
def _visible(
    dataset_id: int, version_token: str, role: str, manager_name: str, teams: tuple[str, ...]
) -> frozenset[str]:
    del version_token  # cache key only
    viewer = Viewer(username="", role=role, source="password", manager_name=manager_name, teams=teams)
    return visible_rep_ids(load_people(engine=get_engine(), dataset_id=dataset_id), viewer)


def visible(dataset_id: int, viewer: Viewer) -> frozenset[str] | None:
    """The rep_ids the viewer may see in a dataset, or None for everyone (every role but manager)."""
    if viewer.sees_everyone:
        return None
    token = dataset_version(engine=get_engine(), dataset_id=dataset_id)
    return _visible(dataset_id, token, viewer.role, viewer.manager_name, viewer.teams)


def scoped(frame: pd.DataFrame, ids: frozenset[str] | None, column: str = "rep_id") -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is a visible rep_id (all rows when ``ids`` is None)."""
    if ids is None:
        return frame
    return frame[frame[column].astype(str).isin(ids)]


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


@st.cache_data(max_entries=8, show_spinner=False)
def _real_to_alias(dataset_id: int, token: str) -> dict[str, str]:
    people = load_people(engine=get_engine(), dataset_id=dataset_id)
    del token  # cache key only
    names = pd.concat([people["name"], people["manager"]]).dropna().astype(str)
    return alias_map(names[names.str.strip() != ""], alias_key())


def redact(dataset_id: int, token: str, text: object) -> str:
    """Free text (reasons, notes) as it may be shown: known names replaced by aliases in presentation mode.

    Only the full names that the dataset holds are recognised (a first name typed alone is not).
    """
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    if _ALIASED not in token or not value:
        return value
    return replace_names(value, _real_to_alias(dataset_id, token))


def redact_frame(frame: pd.DataFrame, dataset_id: int, token: str, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy with free-text columns redacted and ``changed_by``/``by``/``actor`` user names aliased."""
    if _ALIASED not in token:
        return frame
    out = frame.copy()
    for column in text_columns:
        if column in out.columns:
            out[column] = out[column].map(lambda v: redact(dataset_id, token, v))
    for column in ("changed_by", "by", "actor"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: show_name(str(v)) if isinstance(v, str) else v)
    return out


def overrides(dataset_id: int, token: str) -> pd.DataFrame:
    """The tier overrides in force, with reasons redacted and who aliased in presentation mode."""
    return redact_frame(current_overrides(engine=get_engine(), dataset_id=dataset_id), dataset_id, token, ("reason",))


def shown_checkin(dataset_id: int, token: str, entry: CheckIn) -> CheckIn:
    """A check-in as it may be shown: in presentation mode, names in its text and its author are aliases."""
    if _ALIASED not in token:
        return entry
    return replace(
        entry,
        note=redact(dataset_id, token, entry.note),
        next_step=redact(dataset_id, token, entry.next_step),
        by=show_name(entry.by),
    )


def shown_checkins(dataset_id: int, token: str, rep_id: str | None = None) -> list[tuple[str, CheckIn]]:
    """The logged check-ins (of one person, or everyone) as they may be shown."""
    logged = checkins(engine=get_engine(), dataset_id=dataset_id, rep_id=rep_id)
    return [(rep, shown_checkin(dataset_id, token, entry)) for rep, entry in logged]


def shown_edits(dataset_id: int, token: str, stored: dict[str, str]) -> dict[str, str]:
    """Plan edits as they may be shown (free text redacted in presentation mode)."""
    return {k: redact(dataset_id, token, v) for k, v in stored.items()}


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
