"""The SHA-256 of a file's bytes: how an import recognises a file again, without the database stack.

Kept apart from :mod:`core.store.datasets` (which re-exports it) so that reading and checking a file
— the command line's file-in/file-out jobs — hashes it without importing SQLAlchemy or SQLModel.
"""

from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()
