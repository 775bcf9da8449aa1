"""From an uploaded file to stored rows: read, map columns, parse values, validate, import.

``prepare`` does everything that can be shown before anything is stored (preview, mapping,
report, counts); ``plan_into`` what adding it to an existing dataset would change and whether the
viewer may (``core.governance.access.rows_in_write_scope``); ``import_prepared`` checks that again
and stores the valid rows, the batch record and the confirmed mapping in one transaction — all of
it or nothing.

Messages, warnings and reasons are written in the language core speaks (:func:`core.i18n.current`); what is
stored — the audit detail, the report CSV's columns and severities, field names — stays as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

import pandas as pd

from core.export import neutralise
from core.governance.access import Viewer, may_write_dataset, rows_in_write_scope
from core.i18n import N_, _, ngettext
from core.ingest.canonical import prepare_canonical
from core.ingest.mapping import SKIP_ROLE, header_signature, normalise_roles, suggest_mapping
from core.ingest.reader import RawTable, UnusableFile, read_table
from core.ingest.validation import ERROR, CellIssue, validate
from core.ingest.values import (
    detect_decimal,
    parse_languages,
    parse_numbers,
    parse_periods,
    parse_yes_no,
    strip_control_characters,
)
from core.ingest.wording import number, unmapped_note
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, METRIC_COLUMNS, PERSON_COLUMNS, REQUIRED_COLUMNS, ROLES
from core.store.digest import sha256_bytes
from core.text import clean as clean_text
from core.text import safe_text, shorten

if TYPE_CHECKING:  # the database stack is imported by the functions that store or look up (lazy: see core.cli)
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from core.store.datasets import AppendResult, DatasetInfo

REQUIRED_FIELDS = ("rep_id", "name", "role", "period")


class MappingProblem(ValueError):
    """The column mapping cannot be used as it is; the message says which field and what to do."""


@dataclass(frozen=True)
class SourceFile:
    """One CRM file a derived table came from: what an import records and remembers of it.

    Attributes:
        filename: Its name (no path).
        sha256: Its bytes' hash (recorded in the audit trail, never its contents).
        signature: Its header signature, under which its kind, columns and answers are remembered.
        kind: What it was read as (deals, calls, leads, snapshots, roster, monthly).
        mapping: Field -> header as confirmed.
        answers: The answers about its texts: ``{"stages": {...}, "roles": {...}, "date_orders": {...}}``.
    """

    filename: str
    sha256: str
    signature: str
    kind: str
    mapping: dict[str, str | None]
    answers: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Prepared:
    """A file read, mapped, parsed and validated — nothing stored yet."""

    filename: str
    sha256: str
    raw: RawTable
    mapping: dict[str, str | None]  # canonical field -> the file's header (None: not in the file)
    role_answers: dict[str, str]  # unknown role text -> SDR / AE / AM / "skip", as the user answered
    unknown_roles: list[str]  # role texts still unanswered (their rows are rejected)
    role_questions: list[str]  # every role text the app did not know, answered or not
    frame: pd.DataFrame  # the valid rows, canonical layout, ready to store
    report: pd.DataFrame  # row, column, value, reason, severity
    rows_total: int
    warnings: list[str] = field(default_factory=list)
    sources: tuple[SourceFile, ...] = ()  # the CRM files a derived table came from (empty for an uploaded table)

    @property
    def rows_valid(self) -> int:
        """Rows that will be imported."""
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        """Rows that will be skipped because of an error."""
        return self.rows_total - len(self.frame)

    @property
    def signature(self) -> str:
        """The header signature a confirmed mapping is remembered under."""
        return header_signature([str(c) for c in self.raw.frame.columns])


def parse_map_options(items: Sequence[str]) -> dict[str, str]:
    """Turn ``--map "Header=field"`` options into {field: header}.

    Raises:
        MappingProblem: For a malformed option or an unknown field name.
    """
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.rpartition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header or not target:
            raise MappingProblem(
                _("--map '{item}' is not of the form \"Header in your file=field\".").format(item=item)
            )
        if target not in CANONICAL_COLUMNS:
            raise MappingProblem(
                _("--map '{item}': '{target}' is not a field; use one of {fields}.").format(
                    item=item, target=target, fields=", ".join(CANONICAL_COLUMNS)
                )
            )
        mapping[target] = header
    return mapping


def parse_role_options(items: Sequence[str]) -> dict[str, str]:
    """Turn ``--role "Text=AE"`` options into {text: role or "skip"}.

    Raises:
        MappingProblem: For a malformed option or an unknown role.
    """
    answers: dict[str, str] = {}
    for item in items:
        text, sep, role = item.rpartition("=")
        role = role.strip().upper() if role.strip().lower() != SKIP_ROLE else SKIP_ROLE
        if not sep or not text.strip() or role not in (*ROLES, SKIP_ROLE):
            raise MappingProblem(
                _("--role '{item}' is not of the form \"Text in your file=SDR|AE|AM|skip\".").format(item=item)
            )
        answers[text.strip()] = role
    return answers


def resolve_mapping(
    headers: Sequence[str],
    *,
    overrides: Mapping[str, str | None] | None = None,
    remembered: Mapping[str, str | None] | None = None,
) -> dict[str, str | None]:
    """Decide the header for every canonical field: overrides, then a remembered mapping, then suggestions.

    Raises:
        MappingProblem: When a header named in ``overrides`` is not in the file, one header is used for
            two fields, or a required field (rep_id, name, role, period) has no column.
    """
    header_set = set(headers)
    mapping: dict[str, str | None] = dict(suggest_mapping(list(headers)))
    if remembered:
        mapping.update({k: v for k, v in remembered.items() if k in mapping and (v is None or v in header_set)})
    for target, header in (overrides or {}).items():
        if header is not None and header not in header_set:
            raise MappingProblem(
                _("The file has no column '{header}' (for {field}); its columns are: {columns}.").format(
                    header=shorten(header), field=target, columns=", ".join(map(shorten, headers))
                )
            )
        # A header given explicitly for one field is taken away from any other field.
        if header is not None:
            for other, taken in mapping.items():
                if taken == header and other != target:
                    mapping[other] = None
        mapping[target] = header
    owner: dict[str, str] = {}
    for target, chosen in mapping.items():
        if chosen is None:
            continue
        if chosen in owner:
            raise MappingProblem(
                _("Column '{header}' is mapped to both {field} and {other}; choose one.").format(
                    header=shorten(chosen), field=owner[chosen], other=target
                )
            )
        owner[chosen] = target
    missing = [f for f in REQUIRED_FIELDS if mapping.get(f) is None]
    if missing:
        hints = ", ".join(_("--map 'Your header={field}'").format(field=f) for f in missing)
        raise MappingProblem(
            _("No column was found for {fields}; choose it in the column mapping (command line: {hints}).").format(
                fields=", ".join(missing), hints=hints
            )
        )
    return mapping


def role_key(text: str) -> str:
    """A short stable key for a role text (widget keys must not shift as questions are answered)."""
    return sha256_bytes(text.encode("utf-8"))[:12]


def _text(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().astype(object)
    text[text == ""] = pd.NA
    return text


def _strip_controls(cells: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The cells without control characters, and per field the reason for each changed cell."""
    out = cells.copy()
    stripped: dict[str, pd.Series] = {}
    for column in cells.columns:
        out[column], reasons = strip_control_characters(cells[column])
        if not reasons.empty:
            stripped[str(column)] = reasons
    return out, stripped


def _controls_warning(filename: str, stripped: Mapping[str, pd.Series], row_numbers: pd.Series) -> str:
    labels = sorted({label for reasons in stripped.values() for label in reasons.index})
    rows = [int(n) for n in row_numbers.loc[labels]]
    count = sum(len(reasons) for reasons in stripped.values())
    listed = ", ".join(str(r) for r in rows[:10])
    if len(rows) > 10:
        listed = _("{rows} and {n} more").format(rows=listed, n=number(len(rows) - 10))
    return _(
        "'{file}': control characters (e.g. terminal colour codes) were removed from {cells} in {rows}; "
        "the report lists each."
    ).format(
        file=filename,
        cells=ngettext("{n} cell", "{n} cells", count).format(n=number(count)),
        rows=ngettext("row {rows}", "rows {rows}", len(rows)).format(rows=listed),
    )


APTITUDE_REASON = N_("not a coaching aptitude from 1 to 5 (a whole number); left blank, the row is kept")
TRAINED_REASON = N_("not yes or no (coaching training done); left blank, the row is kept")


def _coach_fields(cells: pd.DataFrame, parsed: pd.DataFrame, decimal: str) -> dict[str, pd.Series]:
    """Parse the optional coach_aptitude (1–5) and coach_trained (yes/no) into ``parsed``; warnings for bad cells.

    Both only raise a coach's preference in the chains, so a bad cell is left blank (unknown) with a warning
    rather than rejecting the person's month, whose counts are fine.
    """
    aptitude = parse_numbers(cells["coach_aptitude"], decimal=decimal)
    values = aptitude.values.astype("float64")
    bad = aptitude.invalid | (values.notna() & ((values % 1 != 0) | (values < 1) | (values > 5)))
    parsed["coach_aptitude"] = values.where(~bad).round().astype("Int64")
    trained = parse_yes_no(cells["coach_trained"])
    parsed["coach_trained"] = trained.values
    out = {}
    for column, mask, reason in (
        ("coach_aptitude", bad, APTITUDE_REASON),
        ("coach_trained", trained.invalid, TRAINED_REASON),
    ):
        if mask.any():
            out[column] = pd.Series(_(reason), index=mask[mask].index, dtype=object)
    return out


def _joined(*warnings: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    """Per-field warning reasons from several sources, one text per changed cell."""
    out: dict[str, pd.Series] = {}
    for source in warnings:
        for column, reasons in source.items():
            both = pd.concat([out[column], reasons]) if column in out else reasons
            out[column] = both.groupby(level=0, sort=True).agg("; ".join)
    return out


def prepare(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    remembered: Mapping[str, str | None] | None = None,
    role_answers: Mapping[str, str] | None = None,
    max_bytes: int = 25 * 1024 * 1024,
    raw: RawTable | None = None,
    note_unmapped: bool = True,
) -> Prepared:
    """Read, map, parse and validate an uploaded file; store nothing.

    Args:
        data: The file's bytes.
        filename: Its name as uploaded (only the name is kept, never a path).
        sheet: The workbook sheet to read (default: the first with data).
        mapping: Field -> header choices that override suggestions (the user's or ``--map``).
        remembered: A mapping confirmed earlier for the same headers.
        role_answers: Role texts the app did not know -> SDR / AE / AM / "skip", as the user answered.
        max_bytes: Size limit.
        raw: The table as :func:`read_table` already read it from ``data`` (so it is not read twice).
        note_unmapped: Whether a warning names the fields the file has no column for (a table derived from
            CRM files leaves those blank by design, and says so itself).

    Returns:
        The prepared import.

    Raises:
        UnusableFile: The file cannot be read at all (one sentence).
        MappingProblem: The mapping lacks a required field or is contradictory.
    """
    name = safe_text(PurePath(filename).name, one_line=True)
    if raw is None and sheet is None:
        plain = prepare_canonical(
            data,
            name,
            max_bytes=max_bytes,
            mapping=mapping,
            remembered=remembered,
            role_answers=role_answers,
            note_unmapped=note_unmapped,
        )
        if plain is not None:
            return plain  # a clean file in the canonical layout: the same result, read the fast way (#17)
    raw = raw if raw is not None else read_table(data, name, sheet=sheet, max_bytes=max_bytes)
    headers = [str(c) for c in raw.frame.columns]
    resolved = resolve_mapping(headers, overrides=mapping, remembered=remembered)
    cells = pd.DataFrame(
        {f: (raw.frame[h] if h is not None else pd.Series("", index=raw.frame.index)) for f, h in resolved.items()}
    )
    labels = {f: (safe_text(h, one_line=True) if h is not None else f) for f, h in resolved.items()}
    row_numbers = pd.Series(raw.row_numbers, index=raw.frame.index)
    cells, stripped = _strip_controls(cells)

    parsed = pd.DataFrame(index=cells.index)
    issues: dict[str, CellIssue] = {}
    for column in ("rep_id", "name", "team", "region", "manager"):
        parsed[column] = _text(cells[column])
    decimal = detect_decimal([cells[c] for c in METRIC_COLUMNS if resolved.get(c)])
    for column in METRIC_COLUMNS:
        result = parse_numbers(cells[column], decimal=decimal)
        parsed[column] = result.values.astype("float64")
        issues[column] = CellIssue(result.invalid, result.reason)
    period = parse_periods(cells["period"])
    parsed["period"] = period.values
    issues["period"] = CellIssue(period.invalid, period.reason)
    willing = parse_yes_no(cells["coach_willing"])
    parsed["coach_willing"] = willing.values
    issues["coach_willing"] = CellIssue(willing.invalid, willing.reason)
    language = parse_languages(cells["language"])
    parsed["language"] = language.values
    issues["language"] = CellIssue(language.invalid, language.reason)
    coach_warnings = _coach_fields(cells, parsed, decimal)

    answers = dict(role_answers or {})
    known_answers = {k: v for k, v in answers.items() if v in ROLES}
    roles, unknown = normalise_roles(cells["role"], extra=known_answers)
    questions = normalise_roles(cells["role"])[1]
    role_text = cells["role"].astype(str).str.strip()
    skipped = role_text.isin([k for k, v in answers.items() if v == SKIP_ROLE])
    unanswered = [u for u in unknown if u not in answers]
    parsed["role"] = roles.astype(object).where(~skipped, pd.NA)
    issues["role"] = CellIssue(
        role_text.isin(unanswered) | skipped,
        _("role not recognised: choose SDR, AE or AM for it (command line: --role 'Text=AE'), or skip its rows"),
    )
    parsed = parsed[list(CANONICAL_COLUMNS)]

    outcome = validate(
        parsed,
        raw=cells,
        row_numbers=row_numbers,
        headers=labels,
        parse_issues=issues,
        cell_warnings=_joined(stripped, coach_warnings),
    )
    valid = outcome.cleaned.drop(index=outcome.rejected)
    for column in COUNT_COLUMNS:
        valid[column] = valid[column].round().astype("Int64")
    valid = valid.sort_values(["rep_id", "period"], kind="stable").reset_index(drop=True)

    warnings = list(raw.warnings)
    if stripped:
        warnings.append(_controls_warning(name, stripped, row_numbers))
    if note_unmapped:  # the optional coach fields go unsaid
        warnings += unmapped_note(f for f in REQUIRED_COLUMNS if resolved.get(f) is None)
    if decimal == ",":
        warnings.append(_("Numbers read with a decimal comma (e.g. 1.234,56)."))
    return Prepared(
        filename=name,
        sha256=sha256_bytes(data),
        raw=raw,
        mapping=resolved,
        role_answers=answers,
        unknown_roles=unanswered,
        role_questions=questions,
        frame=valid[list(CANONICAL_COLUMNS)],
        report=outcome.report,
        rows_total=len(cells),
        warnings=warnings,
    )


def report_csv(prepared: Prepared) -> str:
    """The problem report as CSV text (formula-like values neutralised for spreadsheet apps)."""
    return str(neutralise(prepared.report).to_csv(index=False))


@dataclass(frozen=True)
class PreviousImport:
    """An earlier import of the same bytes."""

    dataset_id: int
    dataset_name: str
    imported_at: datetime


def previous_imports(*, engine: Engine, sha256: str) -> list[PreviousImport]:
    """Return earlier imports of a file with this SHA-256, newest first."""
    from sqlalchemy import select
    from sqlmodel import Session

    from core.store.models import Dataset, ImportBatch

    query = (
        select(ImportBatch.dataset_id, Dataset.name, ImportBatch.created_at)  # type: ignore[call-overload]
        .join(Dataset, Dataset.id == ImportBatch.dataset_id)
        .where(ImportBatch.source_sha256 == sha256)
        .order_by(ImportBatch.created_at.desc())  # type: ignore[attr-defined]
    )
    with Session(engine) as session:
        return [PreviousImport(int(d), str(n), t) for d, n, t in session.execute(query).all()]


RECORDS_KEY = "records"
"""The key, in a remembered mapping's answers, under which a CRM file's kind and answers are kept."""


def remembered_signature(*, engine: Engine, signature: str) -> tuple[dict[str, str | None], dict[str, str]]:
    """Return the mapping and role answers confirmed earlier for a monthly table's header signature ({} if none)."""
    from sqlmodel import Session

    from core.store.models import SavedMapping

    with Session(engine) as session:
        saved = session.get(SavedMapping, signature)
        if saved is None:
            return {}, {}
        answers = json.loads(saved.role_answers_json)
        if isinstance(answers.get(RECORDS_KEY), dict):
            return {}, {}  # remembered as a CRM file, not as a monthly table
        return json.loads(saved.mapping_json), answers


def remembered_mapping(*, engine: Engine, headers: Sequence[str]) -> tuple[dict[str, str | None], dict[str, str]]:
    """Return the mapping and role answers confirmed earlier for these headers as a monthly table ({} if none)."""
    return remembered_signature(engine=engine, signature=header_signature([str(h) for h in headers]))


def remembered_sources(
    *, engine: Engine, signatures: Sequence[str]
) -> tuple[dict[str, dict[str, str | None]], dict[str, str], dict[str, dict[str, str]]]:
    """What earlier imports confirmed for CRM files with these header signatures.

    Returns:
        (signature -> field -> header, signature -> kind, the answers merged: ``stages``, ``roles``,
        ``date_orders`` -> text -> answer).
    """
    from sqlmodel import Session

    from core.store.models import SavedMapping

    mappings: dict[str, dict[str, str | None]] = {}
    kinds: dict[str, str] = {}
    answers: dict[str, dict[str, str]] = {"stages": {}, "roles": {}, "date_orders": {}}
    with Session(engine) as session:
        for signature in dict.fromkeys(signatures):
            saved = session.get(SavedMapping, signature)
            kept = json.loads(saved.role_answers_json).get(RECORDS_KEY) if saved is not None else None
            if saved is None or not isinstance(kept, dict):
                continue
            mappings[signature] = json.loads(saved.mapping_json)
            kinds[signature] = str(kept.get("kind", ""))
            for topic in answers:
                answers[topic].update(kept.get(topic, {}))
    return mappings, kinds, answers


@dataclass(frozen=True)
class ImportOutcome:
    """What an import stored."""

    dataset_id: int
    added: int
    replaced: int
    kept: int
    rejected: int


def most_common_errors(report: pd.DataFrame, *, top: int = 5) -> list[tuple[str, int]]:
    """The error reasons in a validation report with how many rows each, most frequent first (at most ``top``)."""
    errors = report[report["severity"] == "error"]
    counts = errors.groupby("reason").size().sort_values(ascending=False).head(top)
    return [(str(reason), int(n)) for reason, n in counts.items()]


def import_ready(prepared: Prepared, *, name: str | None, into: int | None, clash: int, overlap: str | None) -> bool:
    """Whether an import may go ahead, as :func:`import_prepared` would take it.

    Args:
        prepared: The file as prepared.
        name: The new dataset's name (None when adding to an existing one).
        into: The existing dataset to add to (None for a new one).
        clash: How many valid rows are for people and months ``into`` already holds.
        overlap: "replace" or "keep" for those rows, None while undecided.

    Returns:
        False without valid rows, with a blank name for a new dataset, or with clashing rows undecided.
    """
    if prepared.rows_valid == 0:
        return False
    if into is None:
        return bool(name and name.strip())
    return clash == 0 or overlap is not None


def import_summary(outcome: ImportOutcome, filename: str) -> str:
    """One sentence saying what an import stored, replaced, kept and skipped.

    Built from clauses, each translated with its own count (eight whole sentences would be needed otherwise);
    the translations keep the clauses' punctuation so they join as in English. The English singular reads
    "rows" as this sentence always has; German and Dutch take the form their count needs.
    """
    # Translators: the start of the import summary; the clauses below may follow, then "It is now the active dataset."
    said = ngettext("Imported {n} rows from {file}", "Imported {n} rows from {file}", outcome.added).format(
        n=number(outcome.added), file=filename
    )
    if outcome.replaced:
        # Translators: a clause of the import summary (rows of people and months the dataset held before).
        said += ngettext(", replaced {n}", ", replaced {n}", outcome.replaced).format(n=number(outcome.replaced))
    if outcome.kept:
        # Translators: a clause of the import summary.
        said += ngettext(", kept {n} stored rows", ", kept {n} stored rows", outcome.kept).format(
            n=number(outcome.kept)
        )
    if outcome.rejected:
        # Translators: a clause of the import summary.
        said += ngettext("; skipped {n} invalid rows", "; skipped {n} invalid rows", outcome.rejected).format(
            n=number(outcome.rejected)
        )
    # Translators: the end of the import summary, after "Imported … rows from …" and its clauses.
    return said + _(". It is now the active dataset.")


class OutOfScope(ValueError):
    """An import would change a dataset, or a person in it, that is outside the viewer's scope; nothing is stored.

    The person's name is kept apart (``name``) so a page can say the sentence with an alias instead.
    """

    def __init__(self, *, dataset: str, rep_id: str = "", name: str = "", row: int | None = None) -> None:
        self.dataset, self.rep_id, self.name, self.row = dataset, rep_id, name, row
        super().__init__(self.sentence())

    def sentence(self, shown_name: str | None = None) -> str:
        """The refusal in one sentence, naming the person as ``shown_name`` (default: their name in the file)."""
        if not self.rep_id:
            return _(
                "You may add only to datasets you created or that hold people of yours, and “{dataset}” "
                "does neither, so this file cannot be added to it: import it as a new dataset."
            ).format(dataset=self.dataset)
        who = shown_name if shown_name is not None else self.name
        if self.row is None:
            where = _("rep_id {rep}").format(rep=self.rep_id)
        else:
            where = _("rep_id {rep}, row {row} of the file").format(rep=self.rep_id, row=self.row)
        return _(
            "{who} ({where}) is not one of your people and you did not create “{dataset}”, so this file "
            "cannot be added to it: remove their rows from the file or import it as a new dataset."
        ).format(who=who, where=where, dataset=self.dataset)


@dataclass(frozen=True)
class IntoPlan:
    """What adding a prepared file to an existing dataset would do, worked out before anything is stored."""

    clash: int  # rows for people and months the dataset already holds
    changed: pd.DataFrame  # rep_id, name: the people whose stored rows or details a replace overwrites
    refusal: OutOfScope | None  # why the viewer may not import it there, or None


def _first_file_row(prepared: Prepared, rep_ids: set[str]) -> tuple[str, int | None]:
    """Of these rep_ids, the one that comes first in the file, with its row number there."""
    header = prepared.mapping.get("rep_id")
    if header is not None:
        cells = prepared.raw.frame[header].astype(str).str.strip()
        for cell, number in zip(cells, prepared.raw.row_numbers, strict=True):
            if cell in rep_ids:
                return cell, int(number)
    return min(rep_ids), None


def write_refusal(
    *, viewer: Viewer, dataset: DatasetInfo, people: pd.DataFrame, prepared: Prepared
) -> OutOfScope | None:
    """Why the viewer may not add this file to ``dataset`` (naming the first person out of scope), or None.

    Args:
        viewer: Who imports.
        dataset: The dataset to add to (its name and recorded creator).
        people: The dataset's stored people.
        prepared: The file as prepared.
    """
    if not may_write_dataset(viewer=viewer, creator=dataset.created_by, people=people):
        return OutOfScope(dataset=dataset.name)
    rows = prepared.frame
    allowed = rows_in_write_scope(viewer=viewer, creator=dataset.created_by, people=people, rows=rows)
    if bool(allowed.all()):
        return None
    rep_id, row = _first_file_row(prepared, set(rows.loc[~allowed, "rep_id"].astype(str)))
    name = str(rows.loc[rows["rep_id"].astype(str) == rep_id, "name"].iloc[0])
    return OutOfScope(dataset=dataset.name, rep_id=rep_id, name=name, row=row)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text, blank for a missing value (stored and file values compare alike)."""
    text: pd.DataFrame = frame.astype(object).where(frame.notna(), "").astype(str)
    for column in text.columns:
        text[column] = text[column].str.strip()
    return text


def replaced_people(people: pd.DataFrame, frame: pd.DataFrame, overlap: pd.DataFrame) -> pd.DataFrame:
    """The people a replace changes: those with a stored month the file overwrites, or whose details it alters.

    Args:
        people: The dataset's stored people.
        frame: The rows to import (canonical layout).
        overlap: The (rep_id, period) pairs of ``frame`` the dataset already holds.

    Returns:
        ``rep_id`` and ``name`` (the stored name), sorted by name.
    """
    detail_columns = [c for c in PERSON_COLUMNS if c != "rep_id"]
    stored = people.assign(rep_id=people["rep_id"].astype(str)).set_index("rep_id")
    latest = frame.sort_values(["rep_id", "period"], kind="stable").drop_duplicates("rep_id", keep="last")
    latest = latest.assign(rep_id=latest["rep_id"].astype(str)).set_index("rep_id")
    held = latest.index[latest.index.isin(stored.index)]
    new = _as_text(latest.loc[held, detail_columns])
    old = _as_text(stored.loc[held, detail_columns])
    altered = held[(new.to_numpy() != old.to_numpy()).any(axis=1)] if len(held) else held
    ids = sorted(set(overlap["rep_id"].astype(str)) | set(altered))
    changed = stored.loc[ids, ["name"]].reset_index()
    return changed.sort_values(["name", "rep_id"], kind="stable").reset_index(drop=True)


def plan_into(*, engine: Engine, prepared: Prepared, into: int, viewer: Viewer) -> IntoPlan:
    """What adding ``prepared`` to dataset ``into`` would overlap and change, and whether ``viewer`` may.

    Raises:
        ValueError: The dataset does not exist (any more).
    """
    from core.store.datasets import get_dataset, load_people, overlapping_keys

    dataset = get_dataset(engine=engine, dataset_id=into)
    if dataset is None:
        raise ValueError(_("Dataset {id} does not exist (any more); choose another one.").format(id=into))
    people = load_people(engine=engine, dataset_id=into)
    overlap = overlapping_keys(engine=engine, dataset_id=into, frame=prepared.frame)
    return IntoPlan(
        clash=len(overlap),
        changed=replaced_people(people, prepared.frame, overlap),
        refusal=write_refusal(viewer=viewer, dataset=dataset, people=people, prepared=prepared),
    )


def _derived_from(prepared: Prepared) -> str:
    """The audit detail's note on the CRM files a derived table came from: their kinds and hashes."""
    if not prepared.sources:
        return ""
    listed = ", ".join(f"{f.kind} sha256 {f.sha256}" for f in prepared.sources)
    return f"; derived from {len(prepared.sources)} files ({listed})"  # i18n: data (the audit trail's record)


def import_prepared(
    *,
    engine: Engine,
    prepared: Prepared,
    name: str | None = None,
    into: int | None = None,
    overlap: Literal["replace", "keep"] | None = None,
    viewer: Viewer,
) -> ImportOutcome:
    """Store a prepared file as a new dataset (``name``) or into an existing one (``into``).

    The valid rows, the batch record (file name, SHA-256, mapping, report) and the remembered
    mapping are written in one transaction with the audit entry (who, the file's SHA-256 and row
    counts, never its contents; for a replace, the rep_ids of the people it changes): all of it or
    nothing. A new dataset records ``viewer`` as its creator; adding to an existing one is refused
    unless the viewer may write every row (:func:`write_refusal`). The command line passes
    ``core.governance.access.OPERATOR``.

    Raises:
        OutOfScope: A row for a person outside the viewer's scope, in a dataset they did not create.
        ValueError: No valid rows; neither or both of ``name`` and ``into``; overlapping months
            with no ``overlap`` decision.
    """
    from core.governance.audit import add_entry, subject_ids
    from core.store.datasets import append_to_dataset, store_dataset
    from core.store.models import ImportBatch, SavedMapping, utcnow

    if prepared.frame.empty:
        raise ValueError(
            _("No valid rows to import from '{file}': fix the errors in the report and upload it again.").format(
                file=prepared.filename
            )
        )
    if (name is None) == (into is None):
        raise ValueError(_("Choose either a name for a new dataset or an existing dataset to add to."))
    plan = None if into is None else plan_into(engine=engine, prepared=prepared, into=into, viewer=viewer)
    if plan is not None and plan.refusal is not None:
        raise plan.refusal
    changed = plan.changed if plan is not None and overlap == "replace" else pd.DataFrame({"rep_id": []})

    def record(session: Session, dataset_id: int, result: AppendResult | None = None) -> None:
        session.add(
            ImportBatch(
                dataset_id=dataset_id,
                source_filename=prepared.filename,
                source_sha256=prepared.sha256,
                sheet=prepared.raw.sheet,
                rows_total=prepared.rows_total,
                rows_imported=prepared.rows_valid - (result.kept if result else 0),
                rows_rejected=prepared.rows_rejected,
                rows_replaced=result.replaced if result else 0,
                rows_kept=result.kept if result else 0,
                mapping_json=json.dumps(prepared.mapping, ensure_ascii=False),
                report_csv=report_csv(prepared),
            )
        )
        remember: list[tuple[str, Mapping[str, str | None], Mapping[str, object]]] = [
            (prepared.signature, prepared.mapping, prepared.role_answers)
        ]
        if prepared.sources:
            remember = [
                (f.signature, f.mapping, {RECORDS_KEY: {"kind": f.kind, **f.answers}}) for f in prepared.sources
            ]
        for signature, mapping, answers in remember:
            saved = session.get(SavedMapping, signature) or SavedMapping(signature=signature, mapping_json="{}")
            saved.mapping_json = json.dumps(mapping, ensure_ascii=False)
            saved.role_answers_json = json.dumps(answers, ensure_ascii=False)
            saved.updated_at = utcnow()
            session.add(saved)
        imported = prepared.rows_valid - (result.kept if result else 0)
        # The audit detail is a record, kept in one language whatever language the importer reads.
        counts = f"sha256 {prepared.sha256}; {imported} rows imported, {prepared.rows_rejected} rejected"  # i18n: data
        replaced = f"; replaced the rows or details of {len(changed)} people" if len(changed) else ""  # i18n: data
        add_entry(
            session,
            actor=viewer.username,
            action="import",
            dataset_id=dataset_id,
            subject=subject_ids(changed["rep_id"]),  # who a replace changed, by rep_id
            # Not the file name: it may name a person, and the trail outlives a deleted dataset.
            detail=counts + replaced + _derived_from(prepared),
        )

    if name is not None:
        clean = clean_text(name, limit=200)
        if not clean:
            raise ValueError(_("Give the dataset a name."))
        dataset_id = store_dataset(
            engine=engine,
            frame=prepared.frame,
            name=clean,
            source_filename=prepared.filename,
            source_sha256=prepared.sha256,
            created_by=viewer.username,
            also=record,
        )
        return ImportOutcome(dataset_id, prepared.rows_valid, 0, 0, prepared.rows_rejected)

    assert into is not None and plan is not None
    if overlap is None and plan.clash:
        raise ValueError(
            _("Some people and months are already in that dataset: choose to replace them or keep the stored rows.")
        )
    result = append_to_dataset(
        engine=engine, dataset_id=into, frame=prepared.frame, overlap=overlap or "keep", also=record
    )
    return ImportOutcome(into, result.added, result.replaced, result.kept, prepared.rows_rejected)


__all__ = [
    "ERROR",
    "ImportOutcome",
    "IntoPlan",
    "MappingProblem",
    "OutOfScope",
    "Prepared",
    "SourceFile",
    "PreviousImport",
    "UnusableFile",
    "import_prepared",
    "parse_map_options",
    "parse_role_options",
    "plan_into",
    "prepare",
    "previous_imports",
    "remembered_mapping",
    "remembered_signature",
    "remembered_sources",
    "report_csv",
    "resolve_mapping",
    "role_key",
    "write_refusal",
]
