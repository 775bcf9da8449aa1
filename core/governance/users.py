"""User accounts: who may sign in, with which role and scope; passwords hashed with argon2id.

Local accounts carry a password hash (argon2-cffi's defaults, the OWASP-recommended argon2id).
With OpenID Connect sign-in an account is matched by e-mail and needs no password. Every change
to an account writes one audit entry in the same transaction. The last active admin cannot be
demoted or deactivated, so nobody locks the installation out by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.governance.access import ROLE_LABELS, Viewer, check_role, parse_teams
from core.governance.audit import add_entry, audit_log
from core.i18n import LANGUAGES, _, ngettext
from core.i18n import language as checked_language
from core.store.db import retry_when_busy
from core.store.models import User, utcnow
from core.text import clean

MIN_PASSWORD = 10
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{1,79}")
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("coachwise-no-such-user")


@dataclass(frozen=True)
class UserInfo:
    """An account as the app shows it (never the password hash)."""

    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    manager_name: str
    teams: tuple[str, ...]
    active: bool
    has_password: bool
    created_at: datetime
    updated_at: datetime
    credentials_version: int = 0
    """Raised by each password change; a session signed in with an older version is over."""
    language: str | None = None
    """The language chosen in the app (``en``, ``de``, ``nl``), or None: the browser's."""

    def viewer(self, source: str = "password") -> Viewer:
        """The access rules' view of this account."""
        return Viewer(
            username=self.username,
            role=self.role,
            source="oidc" if source == "oidc" else "password",
            display_name=self.display_name,
            manager_name=self.manager_name,
            teams=self.teams,
        )


def _info(user: User) -> UserInfo:
    assert user.id is not None
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        manager_name=user.manager_name,
        teams=parse_teams(user.teams),
        active=user.active,
        has_password=bool(user.password_hash),
        created_at=user.created_at,
        updated_at=user.updated_at,
        credentials_version=user.credentials_version,
        language=user.language if user.language in LANGUAGES else None,
    )


def _check_username(username: str) -> str:
    name = username.strip()
    if not _USERNAME.fullmatch(name):
        raise ValueError(
            _(
                "'{name}' cannot be a user name: use 2–80 letters, digits or . _ @ + - "
                "and start with a letter or digit."
            ).format(name=clean(username, limit=80))
        )
    return name


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(
            ngettext(
                "A password needs at least {n} character.", "A password needs at least {n} characters.", MIN_PASSWORD
            ).format(n=MIN_PASSWORD)
        )
    return _HASHER.hash(password)


def _check_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    value = email.strip().casefold()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError(_("'{email}' is not an e-mail address.").format(email=clean(email, limit=254)))
    return value


def _active_admins(session: Session, *, except_id: int | None = None) -> int:
    query = select(func.count()).select_from(User).where(col(User.role) == "admin", col(User.active).is_(True))
    if except_id is not None:
        query = query.where(col(User.id) != except_id)
    return int(session.execute(query).scalar_one())


@retry_when_busy
def create_user(
    *,
    engine: Engine,
    username: str,
    role: str,
    actor: str,
    password: str | None = None,
    email: str | None = None,
    display_name: str = "",
    manager_name: str = "",
    teams: str = "",
) -> UserInfo:
    """Create an account (one audit entry, in the same transaction).

    A local account needs a password; an account for OpenID Connect sign-in needs an e-mail.

    Raises:
        ValueError: A bad user name, role, e-mail or password; neither password nor e-mail; a name
            or e-mail already taken.
    """
    name = _check_username(username)
    role = check_role(role)
    mail = _check_email(email)
    if not password and not mail:
        raise ValueError(_("Give the account a password (local sign-in) or an e-mail (single sign-on)."))
    hashed = _check_password(password) if password else None
    with Session(engine) as session, session.begin():
        if session.execute(select(col(User.id)).where(func.lower(col(User.username)) == name.casefold())).first():
            raise ValueError(_("There is already a user called '{name}'.").format(name=name))
        if mail and session.execute(select(col(User.id)).where(col(User.email) == mail)).first():
            raise ValueError(_("Another user already has the e-mail {email}.").format(email=mail))
        if role != "admin" and _active_admins(session) == 0:
            raise ValueError(_("The first account must be an admin, so someone can manage the others."))
        user = User(
            username=name,
            role=role,
            email=mail,
            password_hash=hashed,
            display_name=clean(display_name, limit=200),
            manager_name=clean(manager_name, limit=200),
            teams="\n".join(parse_teams(teams)),
        )
        session.add(user)
        session.flush()
        created = f"created with role {role}"  # i18n: data (the audit trail's detail stays English)
        add_entry(session, actor=actor, action="user_changed", subject=name, detail=created)
        info = _info(user)
    return info


@retry_when_busy
def update_user(
    *,
    engine: Engine,
    username: str,
    actor: str,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    email: str | None = None,
    display_name: str | None = None,
    manager_name: str | None = None,
    teams: str | None = None,
) -> UserInfo:
    """Change an account; only the arguments given change (one audit entry naming what changed).

    Raises:
        ValueError: No such user, a bad value, or a change that would leave no active admin.
    """
    with Session(engine) as session, session.begin():
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        if user is None:
            raise ValueError(_("There is no user called '{name}'.").format(name=clean(username, limit=80)))
        changed: list[str] = []
        if role is not None and check_role(role) != user.role:
            user.role = check_role(role)
            changed.append(f"role {user.role}")
        if active is not None and active != user.active:
            user.active = active
            changed.append("activated" if active else "deactivated")
        if password:
            user.password_hash = _check_password(password)
            user.credentials_version += 1  # ends every session signed in with the old password
            changed.append("password set")
        if email is not None and _check_email(email) != user.email:
            mail = _check_email(email)
            taken = (
                mail
                and session.execute(
                    select(col(User.id)).where(col(User.email) == mail, col(User.id) != user.id)
                ).first()
            )
            if taken:
                raise ValueError(_("Another user already has the e-mail {email}.").format(email=mail))
            user.email = mail
            changed.append("e-mail")
        for attribute, value in (("display_name", display_name), ("manager_name", manager_name)):
            if value is not None and clean(value, limit=200) != getattr(user, attribute):
                setattr(user, attribute, clean(value, limit=200))
                changed.append(attribute.replace("_", " "))
        if teams is not None and "\n".join(parse_teams(teams)) != user.teams:
            user.teams = "\n".join(parse_teams(teams))
            changed.append("teams")
        if (user.role != "admin" or not user.active) and _active_admins(session, except_id=user.id) == 0:
            raise ValueError(_("Keep at least one active admin: make someone else an admin first."))
        if not user.password_hash and not user.email:
            raise ValueError(_("An account needs a password or an e-mail to sign in with."))
        if changed:
            user.updated_at = utcnow()
            session.add(user)
            add_entry(session, actor=actor, action="user_changed", subject=user.username, detail=", ".join(changed))
        info = _info(user)
    return info


def list_users(*, engine: Engine) -> list[UserInfo]:
    """Every account, by user name."""
    with Session(engine) as session:
        users = session.execute(select(User).order_by(func.lower(col(User.username)))).scalars().all()
        return [_info(u) for u in users]


USER_NAME_COLUMNS: tuple[str, ...] = ("user", "name", "e-mail", "manager name in the data")
"""The columns of :func:`users_table` that hold people's names (aliased in presentation mode)."""


def users_table(users: list[UserInfo]) -> pd.DataFrame:
    """The accounts as the Users page lists them: one row each, role in words, no password hash.

    Args:
        users: The accounts, as :func:`list_users` returns them.

    Returns:
        Columns user, name, e-mail, role, manager name in the data, teams (comma-separated),
        active, password (whether one is set), changed (UTC).
    """
    return pd.DataFrame(
        {
            "user": [u.username for u in users],
            "name": [u.display_name for u in users],
            "e-mail": [u.email or "" for u in users],
            "role": [ROLE_LABELS[u.role] for u in users],
            "manager name in the data": [u.manager_name for u in users],
            "teams": [", ".join(u.teams) for u in users],
            "active": [u.active for u in users],
            "password": [u.has_password for u in users],
            "changed (UTC)": [u.updated_at.strftime("%Y-%m-%d %H:%M") for u in users],
        }
    )


def get_user(*, engine: Engine, username: str) -> UserInfo | None:
    """The account with this user name, or None."""
    with Session(engine) as session:
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        return _info(user) if user else None


@retry_when_busy
def set_language(*, engine: Engine, username: str, language: str) -> bool:
    """Keep ``language`` as the account's choice; False when there is no such account (the single local admin).

    A preference, not an access change: it is not written to the audit trail and does not touch ``updated_at``.

    Raises:
        ValueError: When ``language`` is not one Coachwise speaks.
    """
    chosen = checked_language(language)
    with Session(engine) as session:
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        if user is None:
            return False
        user.language = chosen
        session.add(user)
        session.commit()
        return True


def user_by_email(*, engine: Engine, email: str) -> UserInfo | None:
    """The active account with this e-mail (case-insensitive), or None."""
    mail = email.strip().casefold()
    if not mail:
        return None
    with Session(engine) as session:
        user = session.execute(
            select(User).where(col(User.email) == mail, col(User.active).is_(True))
        ).scalar_one_or_none()
        return _info(user) if user else None


def has_local_accounts(*, engine: Engine) -> bool:
    """Whether any active account can sign in with a password (then sign-in is required)."""
    query = (
        select(func.count()).select_from(User).where(col(User.active).is_(True), col(User.password_hash).is_not(None))
    )
    with Session(engine) as session:
        return int(session.execute(query).scalar_one()) > 0


def locked_out(*, engine: Engine, username: str, now: datetime | None = None) -> bool:
    """Whether a user name had too many refused sign-ins in the last quarter hour.

    Refusals are counted by the canonical (case-folded) name, the same way sign-in matches an
    account, so ``LOCKME`` shares the count of ``lockme`` instead of getting fresh guesses.
    """
    since = (now or utcnow()) - LOCKOUT_WINDOW
    refused = audit_log(engine=engine, actions=["sign_in_failed"], since=since)
    key = clean(username, limit=80).casefold()
    return int(refused["subject"].fillna("").astype(str).str.casefold().eq(key).sum()) >= LOCKOUT_FAILURES


@retry_when_busy
def authenticate(*, engine: Engine, username: str, password: str) -> UserInfo | None:
    """Check a local sign-in and record it (``sign_in`` or ``sign_in_failed``, one entry either way).

    Returns:
        The account when the name and password match an active account and the name is not locked
        out after :data:`LOCKOUT_FAILURES` refusals within :data:`LOCKOUT_WINDOW`; otherwise None.
    """
    name = clean(username, limit=80)
    locked = locked_out(engine=engine, username=name)
    with Session(engine) as session, session.begin():
        user = session.execute(
            select(User).where(func.lower(col(User.username)) == name.casefold())
        ).scalar_one_or_none()
        stored = user.password_hash if user is not None and user.active else None
        try:
            ok = _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and not locked and user is not None:
            if stored and _HASHER.check_needs_rehash(stored):
                user.password_hash = _HASHER.hash(password)
                session.add(user)
            add_entry(session, actor=user.username, action="sign_in", subject=user.username, detail="password")
            return _info(user)
        add_entry(
            session,
            actor=name or "unknown",
            action="sign_in_failed",
            subject=user.username if user is not None else name.casefold(),
            detail="locked out after repeated refusals" if locked else "wrong user name or password",  # i18n: data
        )
    return None
