"""Presentation mode: every person's name replaced by a stable, invented alias.

An alias is built from a keyed hash (HMAC-SHA-256) of the name, so the same name always gets the
same alias under the same key, the alias reveals nothing about the name without the key, and a
consultant's projector shows "Kavo Relund" where the data says "Łukasz Wróbel". Aliases are made of
syllables, not real names, so nobody mistakes one for a real colleague.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

import pandas as pd

# 16 onsets × 5 vowels = 80 syllables; a first name of 2 syllables and a family name of 3 give
# 80**5 ≈ 3.3 billion aliases, so two people in one dataset share one only by an unlikely collision
# (and :func:`alias_map` then numbers them).
_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "n", "r", "s", "l", "nd", "th", "m")
SYLLABLES: tuple[str, ...] = tuple(o + v for o in _ONSETS for v in _VOWELS)

# Columns that hold a person's name in the frames the pages show.
NAME_COLUMNS: tuple[str, ...] = ("name", "manager", "coach_name", "coachee_name")


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def alias(name: str, key: bytes) -> str:
    """Return the alias of one name under ``key`` (blank names stay blank).

    Args:
        name: A person's name; case and spacing do not matter.
        key: The secret; without it the alias cannot be traced back to the name.
    """
    folded = _fold(name)
    if not folded:
        return ""
    digest = hmac.new(key, folded.encode("utf-8"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:16], "big")
    parts: list[str] = []
    for count in (2, 3):
        word = ""
        for _ in range(count):
            number, index = divmod(number, len(SYLLABLES))
            word += SYLLABLES[index]
        number, coda = divmod(number, len(_CODAS))
        parts.append((word + _CODAS[coda]).capitalize())
    return " ".join(parts)


def alias_map(names: Iterable[str], key: bytes) -> dict[str, str]:
    """Aliases for many names; two names that collide get " 2", " 3" … by their hash order.

    Returns:
        A dict from each distinct name given to its alias.
    """
    by_alias: dict[str, list[str]] = {}
    for name in dict.fromkeys(str(n) for n in names):
        by_alias.setdefault(alias(name, key), []).append(name)
    result: dict[str, str] = {}
    for made, group in by_alias.items():
        folded_groups: dict[str, list[str]] = {}
        for name in group:
            folded_groups.setdefault(_fold(name), []).append(name)
        ordered = sorted(folded_groups, key=lambda f: hmac.new(key, f.encode(), hashlib.sha256).hexdigest())
        for position, folded in enumerate(ordered):
            label = made if position == 0 or not made else f"{made} {position + 1}"
            for name in folded_groups[folded]:
                result[name] = label
    return result


def alias_frame(frame: pd.DataFrame, key: bytes, columns: Iterable[str] = NAME_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` with every name column replaced by aliases (other columns untouched)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    values = pd.concat([frame[c].dropna().astype(str) for c in present]).unique()
    mapping = alias_map(values, key)
    out = frame.copy()
    for column in present:
        out[column] = frame[column].map(lambda v: mapping.get(str(v), v) if isinstance(v, str) else v)
    return out


def replace_names(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every known name inside free text (longest names first, so "Anna Berg" wins over "Anna")."""
    for name in sorted(mapping, key=len, reverse=True):
        if name:
            text = text.replace(name, mapping[name])
    return text


def alias_upload_views(
    preview: pd.DataFrame, report: pd.DataFrame, notes: list[str], name_headers: Iterable[str], key: bytes
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The upload page's preview, report and notes with the file's names replaced by aliases.

    Args:
        preview: The first rows as read, with the file's own headers.
        report: The validation report (row, column, value, reason, severity); ``column`` uses the
            file's headers.
        notes: Warnings about the whole file, which may quote names.
        name_headers: The file's headers mapped to ``name`` and ``manager``.
        key: The alias secret.

    Returns:
        Copies of the three with every name in those columns, and every such name quoted in a
        value, reason or note, replaced by its alias.
    """
    headers = [h for h in name_headers if h and h in preview.columns]
    values: list[str] = []
    for header in headers:
        values += preview[header].dropna().astype(str).tolist()
    if len(report):
        values += report.loc[report["column"].isin(headers), "value"].dropna().astype(str).tolist()
    mapping = alias_map([v for v in values if v.strip()], key)
    shown_preview = preview.copy()
    for header in headers:
        shown_preview[header] = preview[header].map(lambda v: mapping.get(str(v), v))
    shown_report = report.copy()
    if len(report):
        shown_report["value"] = [
            mapping.get(str(v), v) if c in headers else v
            for c, v in zip(report["column"], report["value"], strict=True)
        ]
        shown_report["reason"] = report["reason"].astype(str).map(lambda r: replace_names(r, mapping))
    return shown_preview, shown_report, [replace_names(n, mapping) for n in notes]
