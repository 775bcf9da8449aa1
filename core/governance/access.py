"""Who may see what: the four roles, the viewer of a session, and whose people a manager sees.

Roles:
- **admin**: everything, including users, retention and the audit trail.
- **manager**: only the people whose ``manager`` field is theirs, or who are in one of their teams;
  no HR review.
- **hr**: the HR review and HR briefs for all teams; coaching plans read-only.
- **consultant**: demo datasets, and real ones only while presentation mode hides the names.

Writes are narrower than reads: an admin may change any dataset; anyone else may change a dataset they
created, and otherwise only the rows of people matched by their manager name or teams (a consultant
usually has neither, so only their own datasets); HR changes no data.

Which pages a role may open is listed with the pages (``ui/nav.py``); this module holds the rules
that do not depend on Streamlit, so they are tested directly.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from core.i18n import N_, _

ROLES: tuple[str, ...] = ("admin", "manager", "hr", "consultant")
ROLE_LABELS: dict[str, str] = {
    "admin": N_("Admin"),
    "manager": N_("Manager"),
    "hr": N_("HR"),
    "consultant": N_("Consultant"),
}
"""Each account role's name in English, marked for the catalogue (shown through the reader's translator)."""
ROLE_HELP: dict[str, str] = {
    "admin": N_("everything, including users, data retention and the audit trail"),
    "manager": N_("only the people they manage or whose team is theirs; no HR review"),
    "hr": N_("the HR review and HR briefs for all teams; coaching plans read-only"),
    "consultant": N_("demo teams, and real ones only in presentation mode"),
}
"""What each account role may do, in English, marked for the catalogue (the Users page shows the reader's)."""

Source = Literal["local-admin", "password", "oidc"]


@dataclass(frozen=True)
class Viewer:
    """The person using a session, as far as access is concerned."""

    username: str
    role: str
    source: Source
    display_name: str = ""
    manager_name: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        """What the sidebar and the records call this person."""
        return self.display_name or self.username

    @property
    def sees_everyone(self) -> bool:
        """Whether the viewer sees every person of a dataset (everyone but a manager)."""
        return self.role != "manager"

    @property
    def edits_plans(self) -> bool:
        """Whether the viewer may change plans, tiers and chains (HR reads plans only)."""
        return self.role in ("admin", "manager", "consultant")


LOCAL_ADMIN = Viewer(username="local admin", role="admin", source="local-admin", display_name="Local admin")
# Whoever runs ``python -m core`` on the server: they can read the database file anyway, so admin.
# Neither name is a valid account name (no spaces allowed), so no account can pass for them.
OPERATOR = Viewer(username="command line", role="admin", source="local-admin", display_name="Command line")


def parse_teams(text: str) -> tuple[str, ...]:
    """Split a team list typed one per line (or separated by ``;``) into clean, unique names."""
    seen: dict[str, None] = {}
    for part in text.replace(";", "\n").splitlines():
        name = " ".join(part.split())
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


def _fold(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.split().str.join(" ").str.casefold()


def in_scope(people: pd.DataFrame, viewer: Viewer) -> pd.Series:
    """Which rows of ``people`` (columns ``manager`` and ``team``) the viewer may see.

    A manager sees the people whose manager field matches their manager name (ignoring case and
    spacing) and everyone in their assigned teams; every other role sees everyone.

    Returns:
        A boolean Series aligned with ``people``.
    """
    if viewer.sees_everyone:
        return pd.Series(True, index=people.index)
    return _theirs(people, viewer)


def _theirs(people: pd.DataFrame, viewer: Viewer) -> pd.Series:
    """The rows whose manager is the viewer's manager name or whose team is one of the viewer's teams."""
    mine = pd.Series(False, index=people.index)
    name = " ".join(viewer.manager_name.split()).casefold()
    if name:
        mine |= _fold(people["manager"]).eq(name)
    teams = {" ".join(t.split()).casefold() for t in viewer.teams}
    if teams:
        mine |= _fold(people["team"]).isin(teams)
    return mine


def in_write_scope(people: pd.DataFrame, viewer: Viewer) -> pd.Series:
    """Which rows of ``people`` (columns ``manager`` and ``team``) the viewer may change in a dataset of others.

    An admin may change everyone; a manager or consultant the people matched as :func:`in_scope` matches
    a manager's (a consultant sees everyone of a demo team, but may not rewrite it); HR nobody.

    Returns:
        A boolean Series aligned with ``people``.
    """
    if viewer.role == "admin":
        return pd.Series(True, index=people.index)
    if viewer.role == "hr":
        return pd.Series(False, index=people.index)
    return _theirs(people, viewer)


def created_by(viewer: Viewer, creator: str) -> bool:
    """Whether the viewer created a dataset whose recorded creator is ``creator`` (blank: unknown, nobody)."""
    return bool(creator) and creator == viewer.username


def may_write_dataset(*, viewer: Viewer, creator: str, people: pd.DataFrame) -> bool:
    """Whether the viewer may add to a dataset at all: an admin, its creator, or someone with people in it.

    Args:
        viewer: Who writes.
        creator: The dataset's recorded creator (a user name; blank when unknown).
        people: The dataset's stored people (columns ``manager`` and ``team``).
    """
    return viewer.role == "admin" or created_by(viewer, creator) or bool(in_write_scope(people, viewer).any())


def rows_in_write_scope(*, viewer: Viewer, creator: str, people: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Which incoming rows the viewer may write into a dataset: the rule behind every import into one.

    An admin and the dataset's creator may write every row. Anyone else may write a row only when the
    row's own manager and team put the person in their scope and, for a person the dataset already
    holds, the stored person is in their scope too (so a file can neither rewrite another team's
    person nor move a person between teams).

    Args:
        viewer: Who writes.
        creator: The dataset's recorded creator (a user name; blank when unknown).
        people: The dataset's stored people (``rep_id``, ``manager``, ``team``).
        rows: The rows to write (``rep_id``, ``manager``, ``team``).

    Returns:
        A boolean Series aligned with ``rows``.
    """
    if viewer.role == "admin" or created_by(viewer, creator):
        return pd.Series(True, index=rows.index)
    stored_ids = people["rep_id"].astype(str)
    stored_ok = stored_ids[in_write_scope(people, viewer)]
    rep = rows["rep_id"].astype(str)
    return in_write_scope(rows, viewer) & (~rep.isin(stored_ids) | rep.isin(stored_ok))


def visible_rep_ids(people: pd.DataFrame, viewer: Viewer) -> frozenset[str]:
    """The rep_ids of the people the viewer may see."""
    return frozenset(people.loc[in_scope(people, viewer), "rep_id"].astype(str))


def may_open_dataset(*, is_demo: bool, viewer: Viewer, presenting: bool) -> bool:
    """Whether the viewer may work on a dataset: a consultant sees real ones only in presentation mode."""
    return viewer.role != "consultant" or is_demo or presenting


def is_loopback(address: str | None) -> bool:
    """Whether a server address is reachable from this computer only.

    An empty address means every interface (Streamlit's default), so it is *not* loopback.
    """
    host = (address or "").strip().strip("[]")
    if not host:
        return False
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unsafe_start_message(address: str | None, *, sign_in_configured: bool) -> str | None:
    """The sentence that refuses a start reachable from other computers without sign-in, else None."""
    if sign_in_configured or is_loopback(address):
        return None
    where = address.strip() if address and address.strip() else _("every network interface")
    return _(
        "Coachwise holds personal performance data and is bound to {where} without sign-in, so it will "
        "not start. Configure sign-in first: an [auth] section in .streamlit/secrets.toml (OpenID Connect), "
        "or a local admin account with `python -m core users add NAME --role admin --password-stdin`; or bind it to "
        "localhost (server.address in .streamlit/config.toml or STREAMLIT_SERVER_ADDRESS)."
    ).format(where=where)


def check_role(role: str) -> str:
    """Return ``role`` if it is one of :data:`ROLES`.

    Raises:
        ValueError: An unknown role, in one sentence naming the known ones.
    """
    clean = role.strip().casefold()
    if clean not in ROLES:
        raise ValueError(_("'{role}' is not a role; use one of {roles}.").format(role=role, roles=", ".join(ROLES)))
    return clean


def allowed(roles: Iterable[str], viewer: Viewer) -> bool:
    """Whether the viewer's role is among ``roles``."""
    return viewer.role in set(roles)


def scoped(frame: pd.DataFrame, ids: frozenset[str] | None, column: str = "rep_id") -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is a visible rep_id (all rows when ``ids`` is None).

    ``ids`` is what ``visible_rep_ids`` gives for a manager, and None for a role that sees everyone.
    """
    if ids is None:
        return frame
    return frame[frame[column].astype(str).isin(ids)]
