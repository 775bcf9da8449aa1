"""Accounts: argon2 hashes, sign-in with lockout, the last admin kept, one audit entry per change."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.governance.audit import audit_log
from core.governance.users import (
    LOCKOUT_FAILURES,
    USER_NAME_COLUMNS,
    authenticate,
    create_user,
    get_user,
    has_local_accounts,
    list_users,
    locked_out,
    update_user,
    user_by_email,
    users_table,
)
from core.store.models import User

PASSWORD = "correct horse battery"


def _admin(engine: Engine) -> None:
    create_user(engine=engine, username="root", role="admin", actor="setup", password=PASSWORD)


def test_password_is_stored_as_argon2_hash(engine: Engine) -> None:
    """The password itself is never stored; the hash is argon2id."""
    _admin(engine)
    with Session(engine) as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert has_local_accounts(engine=engine)


def test_sign_in_records_success_and_refusal(engine: Engine) -> None:
    """A right password signs in (case-insensitive name), a wrong one does not; each attempt is one entry."""
    _admin(engine)
    assert authenticate(engine=engine, username="ROOT", password=PASSWORD) is not None
    assert authenticate(engine=engine, username="root", password="wrong password") is None
    assert authenticate(engine=engine, username="ghost", password=PASSWORD) is None
    log = audit_log(engine=engine, actions=["sign_in", "sign_in_failed"])
    assert log["action"].tolist() == ["sign_in_failed", "sign_in_failed", "sign_in"]


def test_lockout_after_repeated_refusals(engine: Engine) -> None:
    """After five refusals in a quarter hour even the right password is refused for that name."""
    _admin(engine)
    for _ in range(LOCKOUT_FAILURES):
        assert authenticate(engine=engine, username="root", password="nope nope nope") is None
    assert authenticate(engine=engine, username="root", password=PASSWORD) is None
    assert "locked out" in audit_log(engine=engine, limit=1)["detail"].iloc[0]


def test_lockout_holds_across_letter_case(engine: Engine) -> None:
    """Refusals under one spelling lock every case variant: LOCKME gets no fresh guesses after lockme."""
    create_user(engine=engine, username="lockme", role="admin", actor="setup", password=PASSWORD)
    spellings = ["lockme", "LockMe", "LOCKME", "lOcKmE", "lockME"]
    for spelling in spellings[:LOCKOUT_FAILURES]:
        assert authenticate(engine=engine, username=spelling, password="nope nope nope") is None
    for spelling in spellings:
        assert authenticate(engine=engine, username=spelling, password=PASSWORD) is None
    unknown = ["Ghost", "GHOST", "ghost", "gHost", "ghosT"]
    for spelling in unknown[:LOCKOUT_FAILURES]:
        authenticate(engine=engine, username=spelling, password="nope nope nope")
    assert locked_out(engine=engine, username="GhOsT")


def test_inactive_account_cannot_sign_in(engine: Engine) -> None:
    """A deactivated account is refused even with its password."""
    _admin(engine)
    create_user(engine=engine, username="mia", role="manager", actor="root", password=PASSWORD)
    update_user(engine=engine, username="mia", actor="root", active=False)
    assert authenticate(engine=engine, username="mia", password=PASSWORD) is None


def test_first_account_must_be_admin_and_last_admin_is_kept(engine: Engine) -> None:
    """Nobody can lock the installation out: the first account is an admin, the last admin stays one."""
    with pytest.raises(ValueError, match="first account must be an admin"):
        create_user(engine=engine, username="mia", role="manager", actor="x", password=PASSWORD)
    _admin(engine)
    with pytest.raises(ValueError, match="at least one active admin"):
        update_user(engine=engine, username="root", actor="root", role="hr")
    with pytest.raises(ValueError, match="at least one active admin"):
        update_user(engine=engine, username="root", actor="root", active=False)
    create_user(engine=engine, username="ann", role="admin", actor="root", password=PASSWORD)
    assert update_user(engine=engine, username="root", actor="ann", role="hr").role == "hr"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "x", "password": PASSWORD}, "cannot be a user name"),
        ({"username": "bad name", "password": PASSWORD}, "cannot be a user name"),
        ({"username": "ok.name", "password": "short"}, "at least 10"),
        ({"username": "ok.name"}, "password .* or an e-mail"),
        ({"username": "ok.name", "email": "not-an-email"}, "not an e-mail"),
        ({"username": "ok.name", "role": "boss", "password": PASSWORD}, "not a role"),
        ({"username": "ROOT", "password": PASSWORD}, "already a user"),
    ],
)
def test_bad_accounts_are_refused(engine: Engine, kwargs: dict[str, str], message: str) -> None:
    """Each bad value is refused in one sentence and nothing is stored."""
    _admin(engine)
    kwargs.setdefault("role", "manager")
    with pytest.raises(ValueError, match=message):
        create_user(engine=engine, actor="root", **kwargs)  # type: ignore[arg-type]
    assert len(list_users(engine=engine)) == 1


def test_every_change_writes_one_entry_naming_what_changed(engine: Engine) -> None:
    """Creating and changing an account each write exactly one entry, with no password in it."""
    _admin(engine)
    create_user(
        engine=engine,
        username="mia",
        role="manager",
        actor="root",
        email="Mia@Example.com",
        manager_name="Anna Berg",
        teams="DACH SMB\nBenelux",
    )
    update_user(engine=engine, username="mia", actor="root", teams="Benelux", password="another password 1")
    update_user(engine=engine, username="mia", actor="root", teams="Benelux")  # no change, no entry
    log = audit_log(engine=engine, actions=["user_changed"])
    assert log["detail"].tolist() == ["password set, teams", "created with role manager", "created with role admin"]
    assert not log["detail"].str.contains("another password").any()
    mia = get_user(engine=engine, username="mia")
    assert mia is not None and mia.teams == ("Benelux",) and mia.email == "mia@example.com"
    assert user_by_email(engine=engine, email=" MIA@example.COM ") == mia
    viewer = mia.viewer("oidc")
    assert (viewer.role, viewer.manager_name, viewer.source) == ("manager", "Anna Berg", "oidc")


def test_users_table_lists_each_account_without_its_password(engine: Engine) -> None:
    """One row per account, role in words, teams joined, whether a password is set but never its hash."""
    _admin(engine)
    create_user(engine=engine, username="mia", role="manager", actor="root", email="mia@example.com", teams="A\nB")
    table = users_table(list_users(engine=engine)).set_index("user")
    assert table.loc["mia", "role"] == "Manager" and table.loc["mia", "teams"] == "A, B"
    assert table.loc["root", "password"] and not table.loc["mia", "password"]
    assert set(USER_NAME_COLUMNS) - {"user"} <= set(table.columns)
    assert not table.astype(str).apply(lambda c: c.str.contains("argon2")).any().any()
