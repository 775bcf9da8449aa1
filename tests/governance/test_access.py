"""Access rules: roles, a manager's scope, consultants and demo data, and the start-up refusal."""

from __future__ import annotations

import pandas as pd
import pytest

from core.governance.access import (
    LOCAL_ADMIN,
    OPERATOR,
    ROLES,
    Viewer,
    check_role,
    in_scope,
    is_loopback,
    may_open_dataset,
    may_write_dataset,
    parse_teams,
    rows_in_write_scope,
    unsafe_start_message,
    visible_rep_ids,
)
from ui.nav import PAGES

PEOPLE = pd.DataFrame(
    {
        "rep_id": ["E1", "E2", "E3", "E4", "E5"],
        "manager": ["Anna Berg", "anna  berg", "Jörg Wolf", "Jörg Wolf", None],
        "team": ["DACH SMB", "DACH SMB", "Benelux", "DACH Enterprise", "Benelux"],
    }
)


def _manager(name: str = "", teams: tuple[str, ...] = ()) -> Viewer:
    return Viewer(username="m", role="manager", source="password", manager_name=name, teams=teams)


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (_manager("Anna Berg"), {"E1", "E2"}),
        (_manager("ANNA BERG "), {"E1", "E2"}),
        (_manager(teams=("benelux",)), {"E3", "E5"}),
        (_manager("Anna Berg", ("Benelux",)), {"E1", "E2", "E3", "E5"}),
        (_manager(), set()),
        (_manager("Nobody"), set()),
        (LOCAL_ADMIN, {"E1", "E2", "E3", "E4", "E5"}),
        (Viewer(username="h", role="hr", source="oidc"), {"E1", "E2", "E3", "E4", "E5"}),
        (Viewer(username="c", role="consultant", source="oidc"), {"E1", "E2", "E3", "E4", "E5"}),
    ],
)
def test_scope(viewer: Viewer, expected: set[str]) -> None:
    """A manager sees their reports (name match ignores case and spacing) and their teams; others see all."""
    assert visible_rep_ids(PEOPLE, viewer) == expected
    assert in_scope(PEOPLE, viewer).sum() == len(expected)


ANNA = _manager("Anna Berg")
CONSULTANT = Viewer(username="c", role="consultant", source="oidc")
# An incoming file: E1 (Anna's, stored), E3 (Jörg's Benelux, stored), N1 (new, Anna's), N2 (new, Jörg's),
# and E2 (stored as Anna's) now claiming to be in Jörg's team.
ROWS = pd.DataFrame(
    {
        "rep_id": ["E1", "E3", "N1", "N2", "E2"],
        "manager": ["Anna Berg", "Jörg Wolf", "Anna Berg", "Jörg Wolf", "Jörg Wolf"],
        "team": ["DACH SMB", "Benelux", "DACH SMB", "Benelux", "Benelux"],
    }
)


@pytest.mark.parametrize(
    ("viewer", "creator", "allowed"),
    [
        (ANNA, "", {"E1", "N1"}),  # her own people, stored or new; never Jörg's, nor moving E2 away
        (ANNA, "someone else", {"E1", "N1"}),
        (ANNA, "m", {"E1", "E3", "N1", "N2", "E2"}),  # a dataset she created: every row
        (_manager(teams=("Benelux",)), "", {"E3", "N2"}),  # a team-scoped manager: that team only
        (CONSULTANT, "", set()),  # a consultant has no people of their own in others' datasets
        (Viewer(username="c", role="consultant", source="oidc", manager_name="Anna Berg"), "", {"E1", "N1"}),
        (CONSULTANT, "c", {"E1", "E3", "N1", "N2", "E2"}),  # ...and every row of a dataset they created
        (Viewer(username="h", role="hr", source="oidc"), "", set()),
        (LOCAL_ADMIN, "", {"E1", "E3", "N1", "N2", "E2"}),
        (OPERATOR, "", {"E1", "E3", "N1", "N2", "E2"}),
    ],
)
def test_write_scope(viewer: Viewer, creator: str, allowed: set[str]) -> None:
    """Rows may be written by an admin, the dataset's creator, or for people in the writer's scope before and after."""
    ok = rows_in_write_scope(viewer=viewer, creator=creator, people=PEOPLE, rows=ROWS)
    assert set(ROWS.loc[ok, "rep_id"]) == allowed


@pytest.mark.parametrize(
    ("viewer", "creator", "people", "expected"),
    [
        (ANNA, "", PEOPLE, True),  # holds her people
        (ANNA, "", PEOPLE[PEOPLE["manager"] == "Jörg Wolf"], False),  # another team's dataset
        (ANNA, "m", PEOPLE[PEOPLE["manager"] == "Jörg Wolf"], True),  # ...that she created
        (_manager("Anna Berg", ()), "", PEOPLE.iloc[0:0], False),  # blank creator is nobody's
        (Viewer(username="", role="manager", source="oidc"), "", PEOPLE, False),  # a blank name owns nothing
        (CONSULTANT, "", PEOPLE, False),
        (CONSULTANT, "c", PEOPLE, True),
        (LOCAL_ADMIN, "", PEOPLE.iloc[0:0], True),
    ],
)
def test_may_write_dataset(viewer: Viewer, creator: str, people: pd.DataFrame, expected: bool) -> None:
    """A dataset is offered for adding to its creator, an admin, or someone with people in it — nobody else."""
    assert may_write_dataset(viewer=viewer, creator=creator, people=people) is expected


@pytest.mark.parametrize(
    ("role", "is_demo", "presenting", "expected"),
    [
        ("consultant", True, False, True),
        ("consultant", False, False, False),
        ("consultant", False, True, True),
        ("manager", False, False, True),
        ("hr", False, False, True),
        ("admin", False, False, True),
    ],
)
def test_consultants_see_real_data_only_when_presenting(
    role: str, is_demo: bool, presenting: bool, expected: bool
) -> None:
    """A consultant works on demo teams, and on real ones only while names are hidden."""
    viewer = Viewer(username="x", role=role, source="password")
    assert may_open_dataset(is_demo=is_demo, viewer=viewer, presenting=presenting) is expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("192.168.1.10", False),
        ("coachwise.example.com", False),
    ],
)
def test_loopback(address: str | None, expected: bool) -> None:
    """Only addresses reachable from this computer alone count as local; blank means every interface."""
    assert is_loopback(address) is expected


def test_unsafe_start_is_refused_with_what_to_do() -> None:
    """A non-local address without sign-in is refused in one sentence that says how to fix it."""
    message = unsafe_start_message("0.0.0.0", sign_in_configured=False)
    assert message is not None and "0.0.0.0" in message and "[auth]" in message and "users add" in message
    assert unsafe_start_message("0.0.0.0", sign_in_configured=True) is None
    assert unsafe_start_message("localhost", sign_in_configured=False) is None
    assert "every network interface" in (unsafe_start_message(None, sign_in_configured=False) or "")


def test_role_names() -> None:
    """Roles are checked case-insensitively; an unknown one is refused naming the known ones."""
    assert check_role(" HR ") == "hr"
    with pytest.raises(ValueError, match="admin, manager, hr, consultant"):
        check_role("boss")


def test_parse_teams() -> None:
    """Teams typed one per line or with semicolons become clean unique names."""
    assert parse_teams("DACH SMB\n  Benelux ; DACH  SMB\n\n") == ("DACH SMB", "Benelux")


def test_every_page_declares_known_roles_and_admin_sees_all() -> None:
    """Each page lists only known roles, the admin may open every page, and admin pages are admin-only."""
    for spec in PAGES:
        assert set(spec.roles) <= set(ROLES), spec.title
        assert "admin" in spec.roles, spec.title
        if spec.section == "Admin":
            assert spec.roles == ("admin",), spec.title
    managers = {p.url_path for p in PAGES if "manager" in p.roles}
    assert "users" not in managers and "audit" not in managers
