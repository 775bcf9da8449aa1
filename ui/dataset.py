"""The one dataset picker: which stored datasets this viewer may open (and add to), and which one the pages work on."""

from __future__ import annotations

import streamlit as st

from core.governance.access import Viewer, created_by, may_open_dataset, may_write_dataset
from core.store.datasets import DatasetInfo, dataset_version, list_datasets, load_people
from ui.auth import link
from ui.i18n import _, moment, ngettext, number
from ui.state import ACTIVE_DATASET, get_engine, presenting


def all_datasets(viewer: Viewer) -> list[DatasetInfo]:
    """The stored datasets this viewer may open, newest first (a consultant: demo ones unless presenting)."""
    shown = presenting()
    return [
        d
        for d in list_datasets(engine=get_engine())
        if may_open_dataset(is_demo=d.is_demo, viewer=viewer, presenting=shown)
    ]


@st.cache_data(max_entries=64, show_spinner=False)
def _holds_people_of(dataset_id: int, version: str, creator: str, viewer: Viewer) -> bool:
    del version  # cache key only: the people change with the dataset's rows
    people = load_people(engine=get_engine(), dataset_id=dataset_id)
    return may_write_dataset(viewer=viewer, creator=creator, people=people)


def writable_datasets(viewer: Viewer) -> list[DatasetInfo]:
    """The datasets this viewer may open and add to: all for an admin; else the ones they created or hold their people.

    Which rows of such a dataset they may write is decided at import (``core.ingest.importer.write_refusal``).
    """
    engine = get_engine()
    return [
        d
        for d in all_datasets(viewer)
        if viewer.role == "admin"
        or created_by(viewer, d.created_by)
        or _holds_people_of(d.id, dataset_version(engine=engine, dataset_id=d.id), d.created_by, viewer)
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
        st.info(_("No team is loaded yet, or none that your role may open."))
        link("upload", _("Upload a team export"), ":material/upload_file:")
    return dataset


def dataset_picker(datasets: list[DatasetInfo], active: DatasetInfo, *, key: str, label: str | None = None) -> None:
    """A select box over the datasets this viewer may open; choosing one makes it active on every page.

    ``label`` defaults to "Active dataset" in the session's language.
    """
    labels = {
        d.id: " · ".join(
            [d.name, moment(d.created_at), ngettext("{n} person", "{n} people", d.people).format(n=number(d.people))]
        )
        for d in datasets
    }
    st.selectbox(
        label or _("Active dataset"),
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
