"""What the server will be bound to and whether sign-in is configured, read before Streamlit starts.

``make run`` asks this (``python -m core preflight``) so that a server reachable from other
computers without sign-in never starts; the app checks the same rule again on every run, because
Streamlit can also be started by hand with other options.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import Engine

from core.governance.access import unsafe_start_message
from core.governance.users import has_local_accounts
from core.i18n import _

STREAMLIT_DIR = Path(".streamlit")


def _toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(
            _("{path} is not valid TOML ({error}); fix it and start again.").format(path=path, error=exc)
        ) from None


def server_address(environ: Mapping[str, str], folder: Path = STREAMLIT_DIR) -> str | None:
    """The address Streamlit will bind to: ``STREAMLIT_SERVER_ADDRESS``, else config.toml, else None (all)."""
    if environ.get("STREAMLIT_SERVER_ADDRESS", "").strip():
        return environ["STREAMLIT_SERVER_ADDRESS"].strip()
    server = _toml(folder / "config.toml").get("server", {})
    address = server.get("address") if isinstance(server, dict) else None
    return str(address) if address else None


def oidc_in_secrets(folder: Path = STREAMLIT_DIR) -> bool:
    """Whether secrets.toml has an ``[auth]`` section (OpenID Connect sign-in)."""
    return isinstance(_toml(folder / "secrets.toml").get("auth"), dict)


def preflight(*, engine: Engine, environ: Mapping[str, str], folder: Path = STREAMLIT_DIR) -> str | None:
    """The sentence refusing to start, or None when starting is safe."""
    configured = oidc_in_secrets(folder) or has_local_accounts(engine=engine)
    return unsafe_start_message(server_address(environ, folder), sign_in_configured=configured)


def alias_key_in_secrets(folder: Path = STREAMLIT_DIR) -> str:
    """``[presentation] alias_key`` from secrets.toml, or an empty string."""
    section = _toml(folder / "secrets.toml").get("presentation")
    return str(section.get("alias_key") or "") if isinstance(section, dict) else ""
