"""Which kind of table a file is (deals, calls, leads, account snapshots, people list, monthly table).

The kind and the column for each field are recognised from the headers, with the values deciding
where headers fit several kinds (``Owner, Date, Status`` is a leads export when the statuses are lead
statuses). The user can name the kind and any column instead (:func:`read_records`'s ``kind`` and
``mapping``). Dynamics 365's hidden ``(Do Not Modify)`` columns are never mapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

import pandas as pd

from core.ingest.importer import MappingProblem
from core.ingest.mapping import normalise_header, suggest_mapping
from core.ingest.reader import MAX_UPLOAD_BYTES, RawTable, read_table
from core.ingest.records.vocabulary import (
    CALL_WORDS,
    HEADERS,
    IGNORED_COLUMN_MARK,
    KIND_LABELS,
    KIND_WORDS,
    KINDS,
    LEAD_STATUS_WORDS,
    RECORD_KINDS,
    REQUIRED,
    STAGE_WORDS,
    VENDORS,
    Kind,
)
from core.schema import METRIC_COLUMNS
from core.store.datasets import sha256_bytes
from core.text import safe_text, shorten

# Fields that say most about the vendor (their header wording differs most between CRMs).
_VENDOR_WEIGHT: Final = {"owner": 2, "close_date": 2}
_SAMPLE: Final = 2_000


class KindProblem(MappingProblem):
    """A file's kind or columns cannot be recognised or used; the message is one sentence saying what to do."""


@dataclass(frozen=True)
class RecordFile:
    """A file read and recognised: its kind, the vendor whose wording it uses and the column of each field.

    Attributes:
        filename: The name it was uploaded under (no path).
        sha256: The file's hash (a file dropped twice is read once).
        raw: The table as read (header found, title and totals rows dropped).
        kind: One of :data:`~core.ingest.records.vocabulary.KINDS`.
        style: The vendor the headers are written like (``"Salesforce"``), ``""`` when generic.
        mapping: Field -> header (None when the file has no such column).
        ignored: Headers never mapped (Dynamics' ``(Do Not Modify)`` columns).
    """

    filename: str
    sha256: str
    raw: RawTable
    kind: Kind
    style: str
    mapping: dict[str, str | None]
    ignored: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """What the file was read as: ``"deals export (Salesforce-style)"``."""
        style = f" ({self.style}-style)" if self.style else ""
        return f"{KIND_LABELS[self.kind]}{style}"


def _lookup() -> dict[tuple[Kind, str], dict[str, tuple[int, frozenset[str]]]]:
    """(kind, field) -> normalised header -> (rank, vendors listing it)."""
    table: dict[tuple[Kind, str], dict[str, tuple[int, frozenset[str]]]] = {}
    for key, by_vendor in HEADERS.items():
        entries: dict[str, tuple[int, frozenset[str]]] = {}
        rank = 0
        for vendor, headers in by_vendor.items():
            for header in (key[1], *headers) if key[0] == "roster" else headers:
                norm = normalise_header(header)
                old_rank, vendors = entries.get(norm, (rank, frozenset()))
                entries[norm] = (min(old_rank, rank), vendors | ({vendor} if vendor else set()))
                rank += 1
        table[key] = entries
    return table


_LOOKUP: Final = _lookup()


def fields_of(kind: Kind) -> list[str]:
    """The fields a kind's columns can be mapped to, in the order the vocabulary lists them."""
    return [f for (k, f) in HEADERS if k == kind]


def _match(kind: Kind, headers: list[str]) -> tuple[dict[str, str | None], Mapping[str, int]]:
    """Map each field of ``kind`` to the best-ranked free header; count the vendors whose wording matched."""
    keys = [normalise_header(h) for h in headers]
    mapping: dict[str, str | None] = {}
    votes: dict[str, int] = {}
    used: set[int] = set()
    for name in fields_of(kind):
        entries = _LOOKUP[(kind, name)]
        hits = sorted((entries[key][0], i) for i, key in enumerate(keys) if key in entries and i not in used)
        mapping[name] = headers[hits[0][1]] if hits else None
        if hits:
            used.add(hits[0][1])
            for vendor in entries[keys[hits[0][1]]][1]:
                votes[vendor] = votes.get(vendor, 0) + _VENDOR_WEIGHT.get(name, 1)
    return mapping, votes


def _style(votes: Mapping[str, int]) -> str:
    if not votes:
        return ""
    return (
        max(VENDORS, key=lambda vendor: (votes.get(vendor, 0), -VENDORS.index(vendor))) if any(votes.values()) else ""
    )


def _known_share(values: pd.Series, known: Mapping[str, object] | frozenset[str], *, words: bool = False) -> float:
    """The share of a column's distinct non-blank values that are known words of a vocabulary."""
    texts = {normalise_header(str(v)) for v in values.iloc[:_SAMPLE].unique() if str(v).strip()}
    if not texts:
        return 0.0
    if words:
        hits = sum(1 for t in texts if t in known or any(w in known for w in t.split()))
    else:
        hits = sum(1 for t in texts if t in known)
    return hits / len(texts)


def _value_evidence(kind: Kind, frame: pd.DataFrame, mapping: Mapping[str, str | None]) -> float:
    """How well the values fit the kind: known stages, lead statuses or activity types."""
    column = {"deals": "stage", "leads": "status", "calls": "type"}.get(kind)
    header = mapping.get(column) if column else None
    if header is None:
        return 0.0
    if kind == "deals":
        return _known_share(frame[header], STAGE_WORDS)
    if kind == "leads":
        return _known_share(frame[header], LEAD_STATUS_WORDS)
    return _known_share(frame[header], CALL_WORDS | {"email", "e mail", "meeting", "task", "termin"}, words=True)


def _is_monthly(headers: list[str]) -> bool:
    suggested = suggest_mapping(headers)
    return suggested["period"] is not None and sum(suggested[c] is not None for c in METRIC_COLUMNS) >= 2


def recognise(raw: RawTable) -> tuple[Kind, str, dict[str, str | None]]:
    """Recognise a table's kind, vendor style and columns from its headers, and its values where needed.

    Args:
        raw: The table as read.

    Returns:
        (kind, style, field -> header); for the monthly table the mapping is empty (the importer maps it).

    Raises:
        KindProblem: When the table fits no kind.
    """
    headers = [str(h) for h in raw.frame.columns if IGNORED_COLUMN_MARK not in str(h).lower()]
    if _is_monthly(headers):
        return "monthly", "", {}
    scored: list[tuple[float, int, Kind, str, dict[str, str | None]]] = []
    text = " ".join(normalise_header(h) for h in headers)
    for order, kind in enumerate((*RECORD_KINDS, "roster")):
        mapping, votes = _match(kind, headers)
        if any(mapping.get(f) is None for f in REQUIRED[kind]):
            continue
        if kind == "roster" and scored:
            break  # a record kind fits: a name-like owner column does not make it a people list
        mapped = sum(h is not None for h in mapping.values())
        hints = sum(1 for word in KIND_WORDS[kind] if word in text.split() or f" {word}" in f" {text}")
        score = mapped + 2 * _value_evidence(kind, raw.frame, mapping) + 0.1 * hints
        scored.append((score, -order, kind, _style(votes) if kind != "roster" else "", mapping))
    if not scored:
        raise KindProblem(_unrecognised(raw.filename, headers))
    _score, _order, kind, style, mapping = max(scored, key=lambda s: (s[0], s[1]))
    return kind, style, mapping


def _unrecognised(filename: str, headers: list[str]) -> str:
    best = max(RECORD_KINDS, key=lambda k: sum(h is not None for h in _match(k, headers)[0].values()))
    missing = [f for f in REQUIRED[best] if _match(best, headers)[0].get(f) is None]
    return (
        f"'{filename}' was not recognised as a deals, calls, leads or account snapshot export, a people list or "
        f"the monthly table (closest: {KIND_LABELS[best]}, which needs columns for {', '.join(missing)}); "
        f"choose its kind and columns (command line: --kind '{filename}=deals' --map '{filename}:Header=field')."
    )


def _apply_overrides(
    raw: RawTable, kind: Kind, mapping: dict[str, str | None], overrides: Mapping[str, str | None]
) -> dict[str, str | None]:
    headers = {str(h) for h in raw.frame.columns}
    known = set(fields_of(kind))
    for name, header in overrides.items():
        if name not in known:
            raise KindProblem(
                f"'{raw.filename}': '{shorten(name)}' is not a field of a {KIND_LABELS[kind]}; "
                f"use one of {', '.join(sorted(known))}."
            )
        if header is not None and header not in headers:
            raise KindProblem(
                f"'{raw.filename}' has no column '{shorten(header)}' (for {name}); "
                f"its columns are: {', '.join(map(shorten, raw.frame.columns))}."
            )
        for other, taken in list(mapping.items()):
            if header is not None and taken == header:
                mapping[other] = None
        mapping[name] = header
    return mapping


def read_records(
    data: bytes,
    filename: str,
    *,
    kind: Kind | None = None,
    mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> RecordFile:
    """Read a file and recognise what it holds.

    Args:
        data: The file's bytes.
        filename: The name it was uploaded under (only the name is kept).
        kind: The kind the user chose (default: recognised).
        mapping: Field -> header choices that override the recognised columns.
        sheet: The workbook sheet to read.
        max_bytes: Size limit.

    Returns:
        The recognised file.

    Raises:
        UnusableFile: The file cannot be read (one sentence).
        KindProblem: The kind cannot be recognised, or a chosen column is not in the file.
    """
    name = safe_text(PurePath(filename).name, one_line=True)
    raw = read_table(data, name, sheet=sheet, max_bytes=max_bytes)
    ignored = [str(h) for h in raw.frame.columns if IGNORED_COLUMN_MARK in str(h).lower()]
    if kind is None:
        kind, style, found = recognise(raw)
    else:
        if kind not in KINDS:
            raise KindProblem(f"'{name}': '{kind}' is not a kind; use one of {', '.join(KINDS)}.")
        headers = [str(h) for h in raw.frame.columns if str(h) not in ignored]
        found, votes = _match(kind, headers) if kind != "monthly" else ({}, {})
        style = _style(votes) if kind not in ("roster", "monthly") else ""
    if mapping and kind != "monthly":
        found = _apply_overrides(raw, kind, dict(found), mapping)
    return RecordFile(name, sha256_bytes(data), raw, kind, style, dict(found), ignored)
