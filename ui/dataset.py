"""The one dataset picker: which stored datasets this viewer may open, and which one the pages work on."""

from __future__ import annotations

import streamlit as st

from core.governance.access import Viewer, may_open_dataset
from core.store.datasets import DatasetInfo, list_datasets
from ui.auth import link
from ui.state import ACTIVE_DATASET, get_engine, presenting


def all_datasets(viewer: Viewer) -> list[DatasetInfo]:
    """The stored datasets this viewer may open, newest first (a consultant: demo ones unless presenting)."""
    shown = presenting()
    return [
        d
        for d in list_datasets(engine=get_engine())
        if may_open_dataset(is_demo=d.is_demo, viewer=viewer, presenting=shown)
    ]


def active_dataset(viewer: Viewer) -> DatasetInfo | None:
    """The dataset the pages work on: the one chosen, else the newest this viewer may open."""
    datasets = all_datasets(viewer)
    if not datasets:
        st.session_state[ACTIVE_DATASET] = None
        return None
    chosen = st.session_state.get(ACTIVE_DATASET)
    match = next((d for d in datasets if d.id == chosen), None)
    if match is None:
        match = datasets[0]
        st.session_state[ACTIVE_DATASET] = match.id
    return match


def require_dataset(viewer: Viewer) -> DatasetInfo | None:
    """The active dataset, or None after a note with a link to Upload (the page then returns)."""
    dataset = active_dataset(viewer)
    if dataset is None:
        st.info("No team is loaded yet, or none that your role may open.")
        link("upload", "Upload a team export", ":material/upload_file:")
    return dataset


def dataset_picker(
    datasets: list[DatasetInfo], active: DatasetInfo, *, key: str, label: str = "Active dataset"
) -> None:
    """A select box over the datasets this viewer may open; choosing one makes it active on every page."""
    labels = {d.id: f"{d.name} · {d.created_at:%Y-%m-%d %H:%M} · {d.people} people" for d in datasets}
    st.selectbox(
        label,
        options=list(labels),
        format_func=labels.__getitem__,
        key=key,
        index=list(labels).index(active.id),
        on_change=lambda: st.session_state.update({ACTIVE_DATASET: st.session_state[key]}),
    )


def forget_active(deleted: set[int]) -> None:
    """After a deletion: no page keeps working on a dataset that is gone."""
    if st.session_state.get(ACTIVE_DATASET) in deleted:
        st.session_state[ACTIVE_DATASET] = None


def set_active(dataset_id: int) -> None:
    """Make a dataset (e.g. one just imported) the one every page works on."""
    st.session_state[ACTIVE_DATASET] = dataset_id


def is_active(dataset_id: int) -> bool:
    """Whether the pages are working on this dataset now."""
    return bool(st.session_state.get(ACTIVE_DATASET) == dataset_id)
