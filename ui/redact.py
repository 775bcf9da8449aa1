"""What may be shown of names now: presentation-mode aliases for names, free text, check-ins and edits.

Sits just above ``ui.state`` (it needs the engine and the presenting flag, not the viewer), so that
``ui.auth`` can show the signed-in name through it and ``ui.cache`` can alias the records it reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from core.governance.alias import alias_map, replace_names
from core.plans.model import CheckIn
from core.plans.store import all_plan_edits, checkins
from core.store.datasets import dataset_version, load_people
from core.store.settings import ALIAS_KEY, stored_secret
from ui.state import get_engine, presenting

_ALIASED = "|aliases:"


@dataclass(frozen=True)
class View:
    """One dataset as this session sees it: the value every cached computation is keyed on.

    ``token`` is the dataset's version (it changes when rows change) and, in presentation mode, a
    digest of the alias key, so aliased and real frames are never served from one cache entry.
    """

    dataset_id: int
    token: str

    @property
    def aliased(self) -> bool:
        """Whether names in this view are aliases."""
        return _ALIASED in self.token


def alias_key() -> bytes:
    """The secret behind the aliases: ``[presentation] alias_key`` in secrets.toml, else one stored once."""
    try:
        configured = st.secrets.get("presentation", {}).get("alias_key")
    except Exception:  # noqa: BLE001  (no secrets.toml)
        configured = None
    if configured:
        return str(configured).encode("utf-8")
    return stored_secret(engine=get_engine(), key=ALIAS_KEY).encode("utf-8")


def view_of(dataset_id: int) -> View:
    """The view of a dataset now: its current version, and whether names are aliased."""
    token = dataset_version(engine=get_engine(), dataset_id=dataset_id)
    if presenting():
        token += _ALIASED + hashlib.sha256(alias_key()).hexdigest()[:16]
    return View(dataset_id=dataset_id, token=token)


def shown_names(names: list[str]) -> dict[str, str]:
    """How names are shown now: themselves, or their aliases in presentation mode."""
    if not presenting():
        return {n: n for n in names}
    return alias_map(names, alias_key())


def show_name(name: str) -> str:
    """One name as it may be shown now (e.g. a user's name next to an edit)."""
    return shown_names([name])[name] if name else name


def name_key(key: str) -> str:
    """The widget key for a widget that shows or holds names: another widget while presenting.

    A browser keeps a widget's displayed text while its key stays the same, so a selectbox showing a
    real name would go on showing it after presentation mode is switched on; a new key makes a new widget.
    """
    return f"{key}_aliases" if presenting() else key


@st.cache_data(max_entries=8, show_spinner=False)
def _real_to_alias(view: View) -> dict[str, str]:
    people = load_people(engine=get_engine(), dataset_id=view.dataset_id)
    names = pd.concat([people["name"], people["manager"]]).dropna().astype(str)
    return alias_map(names[names.str.strip() != ""], alias_key())


def redact(view: View, text: object) -> str:
    """Free text (reasons, notes) as it may be shown: known names replaced by aliases in presentation mode.

    Only the full names that the dataset holds are recognised (a first name typed alone is not).
    """
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    if not view.aliased or not value:
        return value
    return replace_names(value, _real_to_alias(view))


def redact_frame(frame: pd.DataFrame, view: View, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy with free-text columns redacted and ``changed_by``/``by``/``actor`` user names aliased."""
    if not view.aliased:
        return frame
    out = frame.copy()
    for column in text_columns:
        if column in out.columns:
            out[column] = out[column].map(lambda v: redact(view, v))
    for column in ("changed_by", "by", "actor"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: show_name(str(v)) if isinstance(v, str) else v)
    return out


def shown_checkin(view: View, entry: CheckIn) -> CheckIn:
    """A check-in as it may be shown: in presentation mode, names in its text, its steps and its author are aliases."""
    if not view.aliased:
        return entry
    return replace(
        entry,
        note=redact(view, entry.note),
        next_step=redact(view, entry.next_step),
        by=show_name(entry.by),
        carried=tuple(replace(c, step=redact(view, c.step)) for c in entry.carried),
    )


def shown_checkins(view: View, rep_id: str | None = None) -> list[tuple[str, CheckIn]]:
    """The logged check-ins (of one person, or everyone) as they may be shown."""
    logged = checkins(engine=get_engine(), dataset_id=view.dataset_id, rep_id=rep_id)
    return [(rep, shown_checkin(view, entry)) for rep, entry in logged]


def checkins_by_rep(view: View) -> dict[str, list[CheckIn]]:
    """Everyone's logged check-ins as they may be shown, grouped by person."""
    grouped: dict[str, list[CheckIn]] = {}
    for rep, entry in shown_checkins(view):
        grouped.setdefault(rep, []).append(entry)
    return grouped


def shown_edits(view: View, stored: dict[str, str]) -> dict[str, str]:
    """Plan edits as they may be shown (free text redacted in presentation mode)."""
    return {k: redact(view, v) for k, v in stored.items()}


def shown_plan_edits(view: View) -> dict[str, dict[str, str]]:
    """Everyone's plan edits in force, by rep_id, as they may be shown."""
    stored = all_plan_edits(engine=get_engine(), dataset_id=view.dataset_id)
    return {rep: shown_edits(view, edits) for rep, edits in stored.items()}
