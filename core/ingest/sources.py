"""One or several files in, one prepared monthly table out: the path every command and the Upload page share.

A single monthly table is read exactly as before (:func:`core.ingest.importer.prepare`). Anything else —
CRM exports of deals, calls, leads or account snapshots, a people list, or a monthly table among them —
is recognised file by file (:func:`core.ingest.records.kinds.read_records`), derived into the monthly
table (:func:`core.ingest.records.derive.derive`) and that table is validated like an uploaded one, so a
derived import is stored, audited and re-checked exactly like any other. What each file was read as,
with the column choices and answers, is kept on the :class:`~core.ingest.importer.Prepared` so that an
import remembers them for the next file with the same headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from core.export import to_csv_bytes
from core.i18n import _
from core.ingest.ahead import canonical_headers
from core.ingest.canonical import prepare_canonical
from core.ingest.importer import (
    MappingProblem,
    Prepared,
    SourceFile,
    prepare,
    remembered_signature,
    remembered_sources,
)
from core.ingest.mapping import header_signature
from core.ingest.reader import MAX_UPLOAD_BYTES, RawTable, read_table
from core.ingest.records.derive import Derivation, derive
from core.ingest.records.kinds import KindProblem, RecordFile, fields_of, is_monthly_table, read_records, remap
from core.ingest.records.parse import Answers, Question
from core.ingest.records.vocabulary import KINDS, Kind
from core.schema import CANONICAL_COLUMNS
from core.text import safe_text, shorten

if TYPE_CHECKING:  # only recall_from's caller has an engine; a file-only job loads no database stack
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Source:
    """A file as given: its name (no path is kept) and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Remembered:
    """What earlier imports confirmed for files with the same headers.

    Attributes:
        mappings: CRM file header signature -> field -> header.
        kinds: CRM file header signature -> kind.
        answers: The answers given about those files' texts.
        monthly: Monthly-table header signature -> (field -> header, role text -> role).
    """

    mappings: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    answers: Answers = field(default_factory=Answers)
    monthly: Mapping[str, tuple[Mapping[str, str | None], Mapping[str, str]]] = field(default_factory=dict)


Recall = Callable[[Sequence[str]], Remembered]
"""Looks up what was confirmed for these header signatures (:func:`recall_from` reads the store)."""


def nothing_remembered(_signatures: Sequence[str]) -> Remembered:
    """A recall that knows nothing (the command-line jobs that store nothing)."""
    return Remembered()


def recall_from(engine: Engine) -> Recall:
    """A recall that reads the mappings and answers earlier imports saved in the store."""

    def recall(signatures: Sequence[str]) -> Remembered:
        mappings, kinds, answers = remembered_sources(engine=engine, signatures=signatures)
        monthly = {}
        for signature in signatures:
            mapping, roles = remembered_signature(engine=engine, signature=signature)
            if mapping:
                monthly[signature] = (mapping, roles)
        return Remembered(
            mappings=mappings,
            kinds={k: v for k, v in kinds.items() if v in KINDS},
            answers=Answers(answers["stages"], answers["roles"], answers["date_orders"]),
            monthly=monthly,
        )

    return recall


@dataclass(frozen=True)
class PreparedSources:
    """The files read together.

    Attributes:
        prepared: The monthly table, validated and ready to store; ``None`` while a question is unanswered
            or when the files give no person-month at all.
        derivation: What the CRM files gave (``None`` for a single monthly table).
        files: Each file as recognised, in the order given (empty for a single monthly table).
    """

    prepared: Prepared | None
    derivation: Derivation | None = None
    files: tuple[RecordFile, ...] = ()

    @property
    def questions(self) -> list[Question]:
        """What only the user can answer before the table is complete."""
        return list(self.derivation.questions) if self.derivation else []

    @property
    def problems(self) -> list[str]:
        """Files that gave nothing usable, one sentence each."""
        return list(self.derivation.problems) if self.derivation else []

    @property
    def notes(self) -> list[str]:
        """What was left out, assumed or counted once — and the single file's warnings."""
        derived = list(self.derivation.notes) if self.derivation else []
        return derived + (list(self.prepared.warnings) if self.prepared else [])

    @property
    def ready(self) -> bool:
        """Whether the table can be stored: nothing to answer, no unusable file, at least one valid row."""
        return self.prepared is not None and not self.questions and not self.problems and not self.prepared.frame.empty


def derived_name(filenames: Sequence[str]) -> str:
    """The name a derived table goes by in reports and the import history: the files it came from."""
    names = [safe_text(PurePath(n).name, one_line=True) for n in filenames]
    joined = " + ".join(names)
    # A name recorded with the import (import history, audit trail), so written in one language.
    return joined if len(joined) <= 120 else f"{shorten(names[0], 60)} and {len(names) - 1} more files"  # i18n: data


def _signature(raw: RawTable) -> str:
    return header_signature([str(c) for c in raw.frame.columns])


def _prepare_monthly(
    source: Source,
    raw: RawTable,
    remembered: Remembered,
    *,
    mapping: Mapping[str, str | None] | None,
    answers: Answers,
    sheet: str | None,
    max_bytes: int,
) -> PreparedSources:
    saved_mapping, saved_roles = remembered.monthly.get(_signature(raw), ({}, {}))
    prepared = prepare(
        source.data,
        source.filename,
        sheet=sheet,
        mapping=mapping,
        remembered=saved_mapping or None,
        role_answers={**saved_roles, **answers.roles},
        max_bytes=max_bytes,
        raw=raw,
    )
    return PreparedSources(prepared)


def _plain_monthly(
    source: Source,
    kind: Kind | None,
    mapping: Mapping[str, str | None] | None,
    answers: Answers | None,
    recall: Recall,
    max_bytes: int,
) -> PreparedSources | None:
    """A single clean monthly table in Coachwise's own layout, read the fast way (#17): what the general
    reading below gives for it, or None when that must decide (see :mod:`core.ingest.canonical`)."""
    headers = canonical_headers(source.data)
    if headers is None or kind not in (None, "monthly"):
        return None
    given = kind == "monthly" or bool(mapping and set(mapping) <= set(CANONICAL_COLUMNS))
    signature = header_signature(headers)
    remembered = recall([signature])
    if not given and (not is_monthly_table(headers) or remembered.kinds.get(signature) not in (None, "monthly")):
        return None
    roles = _merge(answers or Answers(), remembered.answers).roles
    saved_mapping, saved_roles = remembered.monthly.get(signature, ({}, {}))
    prepared = prepare_canonical(
        source.data,
        safe_text(PurePath(source.filename).name, one_line=True),
        max_bytes=max_bytes,
        mapping=mapping if given else None,
        remembered=saved_mapping or None,
        role_answers={**saved_roles, **roles},
    )
    return None if prepared is None else PreparedSources(prepared)


def _remembered_mapping(file: RecordFile, remembered: Remembered) -> dict[str, str | None]:
    """The earlier confirmed columns for a file with these headers, when they fit its kind."""
    saved = remembered.mappings.get(_signature(file.raw)) or {}
    known = set(fields_of(file.kind)) if file.kind != "monthly" else set()
    headers = {str(c) for c in file.raw.frame.columns}
    if not saved or any(f not in known or (h is not None and h not in headers) for f, h in saved.items()):
        return {}
    return dict(saved)


def _recognised(
    source: Source,
    raw: RawTable,
    kind: Kind | None,
    remembered: Remembered,
    choice: Mapping[str, str | None],
    *,
    general: Mapping[str, str | None] | None = None,
    sheet: str | None,
    max_bytes: int,
) -> RecordFile:
    """The file as its chosen (else remembered, else recognised) kind, with its columns: the ones chosen for it,
    over the ones chosen for every file that has the column (``general``), over the remembered ones."""
    chosen = kind or remembered.kinds.get(_signature(raw))
    file = read_records(source.data, source.filename, kind=chosen, sheet=sheet, max_bytes=max_bytes, raw=raw)
    headers = {str(c) for c in raw.frame.columns}
    known = set(fields_of(file.kind)) if file.kind != "monthly" else set()
    everywhere = {f: h for f, h in (general or {}).items() if f in known and h in headers}
    columns = {**_remembered_mapping(file, remembered), **everywhere, **dict(choice)}
    return remap(file, columns) if columns and file.kind != "monthly" else file


def _merge(first: Answers, second: Answers) -> Answers:
    return Answers(
        stages={**second.stages, **first.stages},
        roles={**second.roles, **first.roles},
        date_orders={**second.date_orders, **first.date_orders},
    )


def _answers_for(file: RecordFile, answers: Answers) -> dict[str, dict[str, str]]:
    """The answers that concern one file's texts and columns, to remember under its headers."""
    headers = {str(c) for c in file.raw.frame.columns}
    texts: set[str] = set()
    for header in (file.mapping.get(f) for f in ("stage", "status", "title", "role", "owner")):
        if header is not None:
            texts |= {str(v).strip() for v in file.raw.frame[header].dropna().unique()}
    return {
        "stages": {k: v for k, v in answers.stages.items() if k in texts},
        "roles": {k: v for k, v in answers.roles.items() if k in texts},
        "date_orders": {
            k: v for k, v in answers.date_orders.items() if k.rpartition(":")[2] in headers or k in headers
        },
    }


def source_files(files: Sequence[RecordFile], answers: Answers) -> tuple[SourceFile, ...]:
    """What an import records and remembers of each file a derived table came from."""
    return tuple(
        SourceFile(
            filename=f.filename,
            sha256=f.sha256,
            signature=header_signature([str(c) for c in f.raw.frame.columns]),
            kind=f.kind,
            mapping=dict(f.mapping),
            answers=_answers_for(f, answers),
        )
        for f in files
    )


def derive_prepared(files: Sequence[RecordFile], *, answers: Answers | None = None) -> PreparedSources:
    """Derive the monthly table from recognised files and validate it like an uploaded table.

    The table is written in the canonical layout and read back by :func:`~core.ingest.importer.prepare`,
    so every rule of a monthly upload holds for it too; its SHA-256 is that of the derived table, so the
    same exports imported twice are recognised as such whatever their file names.
    """
    answers = answers or Answers()
    derivation = derive(files, answers=answers)
    if derivation.questions or derivation.frame.empty:
        return PreparedSources(None, derivation, tuple(files))
    name = derived_name([f.filename for f in files])
    prepared = prepare(
        to_csv_bytes(derivation.frame), name, role_answers=dict(answers.roles), max_bytes=1 << 40, note_unmapped=False
    )
    prepared = replace(prepared, sources=source_files(files, answers))
    return PreparedSources(prepared, derivation, tuple(files))


def prepare_sources(
    sources: Sequence[Source],
    *,
    kinds: Mapping[str, Kind] | None = None,
    mappings: Mapping[str, Mapping[str, str | None]] | None = None,
    mapping: Mapping[str, str | None] | None = None,
    answers: Answers | None = None,
    recall: Recall = nothing_remembered,
    sheet: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> PreparedSources:
    """Read one or several files and give the monthly table to store, with everything to show first.

    A single file recognised as (or chosen to be) a monthly table, or given a ``mapping``, is prepared
    exactly as an uploaded monthly table always was; so is a single file that fits no kind when it can
    be read as one. Everything else is derived (:func:`derive_prepared`).

    Args:
        sources: The files, in the order given (where two files of a kind overlap, the first counts).
        kinds: File name -> kind chosen by the user (default: remembered for its headers, else recognised).
        mappings: File name -> field -> header for CRM files.
        mapping: Field -> header for every file that has the column: a single monthly table's mapping (the
            classic ``--map 'Header=field'``), and for CRM files the fields of their kind.
        answers: Answers to questions — stages and lead statuses, roles (role texts, job titles, owners),
            date orders; they win over remembered ones.
        recall: What earlier imports confirmed for the files' headers.
        sheet: The workbook sheet to read.
        max_bytes: Size limit per file.

    Raises:
        UnusableFile: A file cannot be read.
        KindProblem: A file fits no kind, or a choice does not fit the file.
        MappingProblem: A single monthly table's mapping lacks a required field.
    """
    if not sources:
        raise ValueError(_("Choose at least one file."))
    kinds, mappings = kinds or {}, mappings or {}
    for name, chosen in kinds.items():
        if chosen not in KINDS:
            raise KindProblem(
                _("'{file}': '{kind}' is not a kind; use one of {kinds}.").format(
                    file=shorten(name), kind=shorten(chosen), kinds=", ".join(KINDS)
                )
            )
    if len(sources) == 1 and sheet is None and not mappings.get(sources[0].filename):
        plain = _plain_monthly(sources[0], kinds.get(sources[0].filename), mapping, answers, recall, max_bytes)
        if plain is not None:
            return plain
    raws = [read_table(s.data, s.filename, sheet=sheet, max_bytes=max_bytes) for s in sources]
    remembered = recall([_signature(r) for r in raws])
    answers = _merge(answers or Answers(), remembered.answers)
    if len(sources) == 1:
        source, raw, kind = sources[0], raws[0], kinds.get(sources[0].filename)
        if kind == "monthly" or (kind is None and mapping and set(mapping) <= set(CANONICAL_COLUMNS)):
            return _prepare_monthly(
                source, raw, remembered, mapping=mapping, answers=answers, sheet=sheet, max_bytes=max_bytes
            )
        try:
            file = _recognised(
                source,
                raw,
                kind,
                remembered,
                mappings.get(source.filename, {}),
                general=mapping,
                sheet=sheet,
                max_bytes=max_bytes,
            )
        except KindProblem as unrecognised:
            if kind is not None:
                raise
            try:
                return _prepare_monthly(
                    source, raw, remembered, mapping=None, answers=answers, sheet=sheet, max_bytes=max_bytes
                )
            except MappingProblem:
                raise unrecognised from None
        if file.kind == "monthly":
            return _prepare_monthly(
                source, raw, remembered, mapping=None, answers=answers, sheet=sheet, max_bytes=max_bytes
            )
        return derive_prepared([file], answers=answers)
    files = [
        _recognised(
            s,
            r,
            kinds.get(s.filename),
            remembered,
            mappings.get(s.filename, {}),
            general=mapping,
            sheet=sheet,
            max_bytes=max_bytes,
        )
        for s, r in zip(sources, raws, strict=True)
    ]
    return derive_prepared(files, answers=answers)


__all__ = [
    "PreparedSources",
    "Recall",
    "Remembered",
    "Source",
    "derive_prepared",
    "derived_name",
    "nothing_remembered",
    "prepare_sources",
    "recall_from",
    "source_files",
]
