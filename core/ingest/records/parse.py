"""One recognised file's rows as records: whose, which month, and what happened (won, a call, qualified).

Every file becomes a frame with ``owner``, ``owner_id``, ``owner_email``, ``month`` (``YYYY-MM``; blank
for open deals) and the kind's own column (``outcome`` and ``amount`` for deals, ``qualified`` for leads,
``account`` and ``value`` for snapshots). Calls and leads come counted (#17): one record per owner and month
(and for leads, qualified or not), with ``rows``, how many of the file's rows it stands for. What the
vocabulary does not know — a stage, a lead status, a date column that reads both ways — becomes a
:class:`Question`, never a guess: the file's rows wait for the answer (:class:`Answers`). A file that cannot
give anything (no call rows, no status, one snapshot date) gets one sentence naming the file, the column and
what to do.

Questions, problems and notes are written in the language core speaks; the answers they offer (``won``,
``day first``, ``AE``) are the values ``--stage``, ``--date-order`` and ``--role`` take, in every language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from core.i18n import N_, _, ngettext
from core.ingest.mapping import normalise_header
from core.ingest.records.kinds import KindProblem, RecordFile
from core.ingest.records.vocabulary import (
    CALL_WORDS,
    DONE_WORDS,
    KIND_LABELS,
    LEAD_OUTCOMES,
    LEAD_STATUS_WORDS,
    OUTCOMES,
    REQUIRED,
    STAGE_WORDS,
)
from core.ingest.values import (
    date_order,
    day_codes,
    detect_decimal,
    drop_time_of_day,
    parse_dates,
    parse_numbers,
    parse_periods,
    parse_yes_no,
)
from core.ingest.wording import number, span
from core.months import month_label
from core.schema import ROLES
from core.text import clean, shorten

if TYPE_CHECKING:
    import pyarrow as pa

Topic = Literal["stage", "lead status", "job title", "owner role", "date order"]
DATE_ORDERS: Final = ("day first", "month first")
RECORD_COLUMNS: Final = ("owner", "owner_id", "owner_email", "month")
_ASKED: Final[dict[str, str]] = {
    "stage": N_("which stage is {texts}?"),
    "lead status": N_("which lead status is {texts}?"),
    "job title": N_("which job title is {texts}?"),
    "owner role": N_("which owner role is {texts}?"),
    "date order": N_("do {texts} put the day or the month first?"),
}


@dataclass(frozen=True)
class Question:
    """Something only the user can answer, asked once per file and column.

    Attributes:
        file: The file the texts come from.
        column: The column holding them.
        topic: What is asked: a stage, a lead status, a job title, an owner's role or a date order.
        texts: The texts to answer (for a date order, a few example cells).
        choices: The possible answers.
    """

    file: str
    column: str
    topic: Topic
    texts: tuple[str, ...]
    choices: tuple[str, ...]

    def question(self) -> str:
        """The question alone: ``'deals.csv', column 'Stage': which stage is 'Signed'?`` (a page offers the answers)."""
        listed = ", ".join(f"'{shorten(t)}'" for t in self.texts[:5])
        if len(self.texts) > 5:
            listed = _("{texts} and {n} more").format(texts=listed, n=number(len(self.texts) - 5))
        asked = _(_ASKED[self.topic]).format(texts=listed)
        return _("'{file}', column '{column}': {question}").format(file=self.file, column=self.column, question=asked)

    def sentence(self) -> str:
        """The question in one sentence, with the command-line option that answers it."""
        option = {"stage": "--stage", "lead status": "--stage", "date order": "--date-order"}.get(self.topic, "--role")
        example = (
            f"{self.column}={self.choices[0]}" if self.topic == "date order" else f"{self.texts[0]}={self.choices[0]}"
        )
        answer = _("Answer {choices} (command line: {option} '{example}').").format(
            choices=" / ".join(self.choices), option=option, example=shorten(example)
        )
        return f"{self.question()} {answer}"


@dataclass(frozen=True)
class Answers:
    """The user's answers to earlier questions.

    Attributes:
        stages: Stage or lead-status text -> won / lost / open / ignore, or qualified / unqualified / ignore.
        roles: Job title or owner name -> SDR / AE / AM / skip.
        date_orders: Column header (or ``file:header``) -> ``day first`` / ``month first``.
    """

    stages: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    date_orders: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileRecords:
    """One file's records and what reading them found."""

    file: RecordFile
    records: pd.DataFrame
    questions: list[Question] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)


def _column(file: RecordFile, name: str) -> pd.Series | None:
    header = file.mapping.get(name)
    return None if header is None else file.raw.frame[header]


def _arrow(file: RecordFile, name: str) -> pa.Array | None:
    """The column's cells as Arrow text, when the reader kept them (:meth:`RawTable.arrow_text`)."""
    header = file.mapping.get(name)
    return None if header is None else file.raw.arrow_text(header)


def _text_codes(values: pd.Series, arrow: pa.Array | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code into the column's distinct cells, and those cells cleaned (``""`` for blank; the last
    slot is the blank cell's, so code -1 reads as blank). ``arrow``: the same cells as Arrow text, whose
    dictionary (which may hold cells no row has, or a cell twice) gives the codes without hashing each row."""
    import pyarrow as pa

    if isinstance(arrow, pa.DictionaryArray):
        codes = arrow.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        uniques = arrow.dictionary.to_numpy(zero_copy_only=False)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)  # each distinct cell cleaned once
    cleaned = np.array([clean(v, limit=200) if v is not None and v == v else "" for v in uniques] + [""], dtype=object)
    return codes, cleaned


def _cells(codes: np.ndarray, cleaned: np.ndarray, index: pd.Index) -> pd.Series:
    """Each row's cleaned text, ``pd.NA`` for blank (the distinct texts blanked once, then broadcast)."""
    texts = cleaned.copy()
    texts[cleaned == ""] = pd.NA
    return pd.Series(texts[codes], index=index, dtype=object)


def _text(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series(pd.NA, index=index, dtype=object)
    codes, cleaned = _text_codes(values)
    return _cells(codes, cleaned, values.index)


@dataclass(frozen=True)
class _Owners:
    """A file's owners by distinct cell (#17: 300,000 calls name a few dozen owners).

    Attributes:
        codes: Each row's position in ``owners``.
        owners: The distinct ``owner``, ``owner_id`` and ``owner_email`` the rows hold (``pd.NA`` for blank),
            in the order they first appear.
    """

    codes: np.ndarray
    owners: pd.DataFrame


def _distinct_texts(values: pd.Series | None, rows: int, arrow: pa.Array | None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code among the column's distinct cleaned texts (-1 for blank, also without a column), and
    those texts."""
    if values is None:
        return np.full(rows, -1, dtype=np.int64), np.array([], dtype=object)
    codes, cleaned = _text_codes(values, arrow)
    blanked = cleaned.copy()
    blanked[cleaned == ""] = None
    inner, texts = pd.factorize(blanked, use_na_sentinel=True)  # blank is -1
    return inner[codes].astype(np.int64), np.asarray(texts, dtype=object)


def _owner_codes(file: RecordFile) -> _Owners:
    """The rows' owners: the owner, ID and e-mail cells cleaned, an owner cell holding an e-mail address standing
    in for a blank e-mail cell; each distinct combination once."""
    rows = len(file.raw.frame)
    names = ("owner", "owner_id", "owner_email")
    columns = [_distinct_texts(_column(file, name), rows, _arrow(file, name)) for name in names]
    combined = np.zeros(rows, dtype=np.int64)
    for codes, texts in columns:  # numbered in the order they first appear, as _row_codes numbers rows
        combined, _seen = pd.factorize(combined * (len(texts) + 1) + codes + 1)
    firsts = pd.Series(combined).drop_duplicates().index.to_numpy()  # each combination's first row
    owner, owner_id, email = (np.append(texts, [pd.NA])[codes[firsts]] for codes, texts in columns)
    is_email = np.array([isinstance(text, str) and "@" in text for text in owner], dtype=bool)
    email = np.where(pd.isna(email) & is_email, owner, email)
    owners = pd.DataFrame({"owner": owner, "owner_id": owner_id, "owner_email": email}, dtype=object)
    return _Owners(np.asarray(combined, dtype=np.int64), owners)


def _owners(file: RecordFile) -> pd.DataFrame:
    owners = _owner_codes(file)
    return owners.owners.take(owners.codes).set_axis(file.raw.frame.index)


def _per_owner(owners: _Owners, keep: np.ndarray, **keys: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """The kept rows as records, one per owner and distinct ``keys`` (each a row code and the distinct values, as
    month=(codes, months)), with ``rows``: how many rows it stands for (#17: a calls export's 300,000 rows are a
    few hundred owner-months). Records come in the order they first appear, indexed by that first row."""
    kept = np.flatnonzero(keep)
    combined = owners.codes[kept]
    for codes, values in keys.values():
        combined, _seen = pd.factorize(combined * (len(values) + 1) + codes[kept] + 1)
    firsts = pd.Series(combined).drop_duplicates().index.to_numpy()
    rows = kept[firsts]
    records = owners.owners.take(owners.codes[rows]).set_axis(pd.Index(rows))
    for name, (codes, values) in keys.items():
        taken = codes[rows]
        records[name] = values[taken] if bool((taken >= 0).all()) else np.append(values, [pd.NA])[taken]
    records["rows"] = np.bincount(combined, minlength=len(firsts)).astype(np.int64)
    return records


@dataclass(frozen=True)
class _Days:
    """A date column's days by distinct cell (#17: a calls export has 300,000 timestamps and a few hundred days).

    Attributes:
        codes: Each row's position in ``days`` (-1 for a blank cell).
        days: The day of each distinct cell, time of day dropped (``NaT`` where blank or unreadable).
    """

    codes: np.ndarray
    days: pd.Series

    def rows(self, index: pd.Index) -> pd.Series:
        """Each row's day (``NaT`` for a blank cell), as :func:`~core.ingest.values.parse_dates` gives them."""
        days = np.append(self.days.to_numpy(dtype=object), [pd.NaT])
        return pd.Series(days[self.codes], index=index, dtype=object)

    def months(self, index: pd.Index) -> pd.Series:
        """Each row's month label, as :func:`_months` gives it for :meth:`rows`."""
        labels = np.append(_months(self.days).to_numpy(dtype=object), [pd.NA])
        return pd.Series(labels[self.codes], index=index, dtype=object)

    def month_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's code among the distinct months of :meth:`months` (-1 for none), and those months."""
        inner, months = pd.factorize(_months(self.days).to_numpy(dtype=object), use_na_sentinel=True)
        return np.append(inner, [-1]).astype(np.int64)[self.codes], np.asarray(months, dtype=object)


def _days(file: RecordFile, name: str, answers: Answers) -> tuple[_Days | None, Question | None, str | None]:
    """The column's days, or the date-order question; and a note on unreadable cells.

    Every rule reads distinct cells only: dropping the time of day, the date order (decided by the distinct
    texts) and parsing are the same per cell, so each distinct cell is read once and its day broadcast.
    """
    values = _column(file, name)
    header = file.mapping.get(name)
    if values is None or header is None:
        return None, None, None
    codes, cells = day_codes(values, _arrow(file, name))  # cells that differ only in the time of day share a day
    order = answers.date_orders.get(f"{file.filename}:{header}") or answers.date_orders.get(header)
    order = order or date_order(cells)
    if order is None:
        every = drop_time_of_day(values)  # the examples as the rows hold them, blank cells included
        examples = tuple(dict.fromkeys(str(v) for v in every if str(v).strip()))[:3]
        return None, Question(file.filename, header, "date order", examples, DATE_ORDERS), None
    parsed = parse_dates(cells, day_first=order == "day first")
    note = None
    invalid = np.append(parsed.invalid.to_numpy(dtype=bool), [False])[codes]
    if invalid.any():
        count = int(invalid.sum())
        example = cells.iloc[int(codes[np.flatnonzero(invalid)[0]])]
        note = ngettext(
            "'{file}': {n} rows with an unreadable date in '{column}' (e.g. '{example}') were left out.",
            "'{file}': {n} rows with an unreadable date in '{column}' (e.g. '{example}') were left out.",
            count,
        ).format(file=file.filename, n=number(count), column=header, example=shorten(example))
    return _Days(codes, parsed.values), None, note


def _dates(file: RecordFile, name: str, answers: Answers) -> tuple[pd.Series | None, Question | None, str | None]:
    """The column's days row by row (see :func:`_days`), or the date-order question; and a note on unreadable cells."""
    days, question, note = _days(file, name, answers)
    return (None if days is None else days.rows(file.raw.frame.index)), question, note


def _months(days: pd.Series) -> pd.Series:
    # Each distinct day once (a calls export has a few hundred days in 300,000 rows), then broadcast (#17).
    codes, uniques = pd.factorize(days.to_numpy(dtype=object), use_na_sentinel=True)
    stamps = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce")
    index = (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype="float64")
    labels = np.array([month_label(int(i)) if i == i else pd.NA for i in index] + [pd.NA], dtype=object)
    return pd.Series(labels[codes], index=days.index, dtype=object)


def _vocabulary_outcomes(
    file: RecordFile, header: str, vocabulary: Mapping[str, str], answers: Mapping[str, str], topic: Topic
) -> tuple[pd.Series, Question | None]:
    """Each row's outcome from its text: the user's answer, else the vocabulary; unknown texts are asked."""
    values = _text(file.raw.frame[header], file.raw.frame.index)
    answered = {normalise_header(k): v for k, v in answers.items()}
    texts = values.dropna().unique()
    lookup = {t: answered.get(normalise_header(t)) or vocabulary.get(normalise_header(t)) for t in texts}
    unknown = tuple(sorted(t for t, v in lookup.items() if v is None))
    choices = OUTCOMES if topic == "stage" else LEAD_OUTCOMES
    question = Question(file.filename, header, topic, unknown, tuple(choices)) if unknown else None
    return values.map(lookup).astype(object), question


def deal_records(file: RecordFile, answers: Answers) -> FileRecords:
    """A deals export's rows as records with ``outcome`` (won / lost / open) and ``amount``.

    A won deal counts in the month it closed; lost deals too (Pipedrive's lost time when there is no close
    date); open deals keep a blank month. HubSpot's ``Is Closed Won`` marks a deal won; an archived Odoo
    opportunity (``Active`` false) that is not won is lost.
    """
    frame, notes = _owners(file), []
    stage_header = str(file.mapping["stage"])
    outcome, question = _vocabulary_outcomes(file, stage_header, STAGE_WORDS, answers.stages, "stage")
    won_flag = _column(file, "won_flag")
    if won_flag is not None:
        outcome = outcome.where(parse_yes_no(won_flag).values.ne("yes").fillna(True), "won")
    active = _column(file, "active")
    if active is not None:
        archived = parse_yes_no(active).values.eq("no").fillna(False).astype(bool)
        outcome = outcome.where(~archived | outcome.eq("won").fillna(False).astype(bool), "lost")
    questions = [question] if question else []
    close, date_question, note = _dates(file, "close_date", answers)
    lost, lost_question, lost_note = _dates(file, "lost_date", answers)
    questions += [q for q in (date_question, lost_question) if q]
    notes += [n for n in (note, lost_note) if n]
    if questions:
        return FileRecords(file, _empty(file), questions, notes=notes)
    days = close if close is not None else pd.Series(pd.NaT, index=frame.index, dtype=object)
    if lost is not None:
        days = days.where(days.notna() | outcome.ne("lost"), lost)
    amounts = _column(file, "amount")
    amount = (
        parse_numbers(amounts, decimal=detect_decimal([amounts])).values
        if amounts is not None
        else pd.Series(0.0, index=frame.index)
    )
    frame["month"] = _months(days).where(outcome.isin(["won", "lost"]), pd.NA)
    frame["outcome"], frame["amount"] = outcome, amount.fillna(0.0)
    closed = outcome.isin(["won", "lost"])
    undated = int((closed & frame["month"].isna()).sum())
    if undated:
        notes.append(
            ngettext(
                "'{file}': {n} won or lost deals without a close date were not counted.",
                "'{file}': {n} won or lost deals without a close date were not counted.",
                undated,
            ).format(file=file.filename, n=number(undated))
        )
    if amounts is not None and bool((outcome.eq("won") & amount.isna()).any()):
        notes.append(_("'{file}': won deals without an amount count with revenue 0.").format(file=file.filename))
    keep = (closed & frame["month"].notna()) | outcome.eq("open")
    records = frame[keep.fillna(False).astype(bool)]
    facts = {"closed": int(records["outcome"].isin(["won", "lost"]).sum()), "open": int((outcome == "open").sum())}
    return FileRecords(file, records, [], notes=notes, facts=facts)


def _rows(records: pd.DataFrame) -> np.ndarray:
    """How many of the file's rows each record stands for: ``rows`` for calls and leads (counted per owner and
    month), else 1."""
    if "rows" in records:
        return records["rows"].to_numpy(dtype=np.int64)
    return np.ones(len(records), dtype=np.int64)


def _empty(file: RecordFile) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RECORD_COLUMNS})


def _is_call(types: np.ndarray) -> np.ndarray:
    """For each cleaned activity type (``""`` for blank), whether it names a call ("Call", "Outbound call",
    "Anruf", "Bellen")."""

    def call(text: str) -> bool:
        key = normalise_header(text)
        return key in CALL_WORDS or any(word in CALL_WORDS for word in key.split())

    return np.array([text != "" and call(text) for text in types], dtype=bool)


def call_records(file: RecordFile, answers: Answers) -> FileRecords:
    """A calls or activities export's call rows as records; meetings, e-mails and tasks are left out and said so.

    Only activities whose type is a call count (without a type column, every row is a call); with a done
    column (Pipedrive's ``Activity - Done``), only activities marked done.
    """
    owners, index, notes = _owner_codes(file), file.raw.frame.index, []
    days, question, note = _days(file, "date", answers)
    if question:
        return FileRecords(file, _empty(file), [question])
    assert days is not None  # the date is a required column of a calls export
    notes += [note] if note else []
    types = _column(file, "type")
    keep = pd.Series(True, index=index)
    if types is None:
        notes.append(_("'{file}' has no activity type column: every row counted as a call.").format(file=file.filename))
    else:
        codes, cleaned = _text_codes(types, _arrow(file, "type"))
        text = _cells(codes, cleaned, index)
        keep = pd.Series(_is_call(cleaned)[codes], index=index)  # each distinct type judged once
        if not keep.any():
            found = ", ".join(f"'{shorten(t)}'" for t in text.dropna().unique()[:5]) or _("nothing")
            problem = _(
                "'{file}': column '{column}' has no call-type rows (it has {found}); "
                "export the activities of type Call, or choose the column that holds the activity type."
            ).format(file=file.filename, column=file.mapping["type"], found=found)
            return FileRecords(file, _empty(file), problems=[problem])
        others = text[~keep].value_counts()
        if len(others):
            listed = ", ".join(f"{number(n)} {shorten(t)}" for t, n in others.head(4).items())
            ignored = int(others.sum())
            notes.append(
                ngettext(
                    "'{file}': {n} activities that are not calls ignored ({listed}).",
                    "'{file}': {n} activities that are not calls ignored ({listed}).",
                    ignored,
                ).format(file=file.filename, n=number(ignored), listed=listed)
            )
    done = _column(file, "done")
    if done is not None:
        is_done = done.map(lambda v: normalise_header(str(v)) in DONE_WORDS).astype(bool)
        undone = int((keep & ~is_done).sum())
        if undone:
            notes.append(
                ngettext(
                    "'{file}': {n} calls not marked done were not counted.",
                    "'{file}': {n} calls not marked done were not counted.",
                    undone,
                ).format(file=file.filename, n=number(undone))
            )
        keep &= is_done
    months = days.month_codes()
    records = _per_owner(owners, keep.to_numpy(dtype=bool) & (months[0] >= 0), month=months)
    return FileRecords(file, records, notes=notes, facts={"calls": int(records["rows"].sum())})


def lead_records(file: RecordFile, answers: Answers) -> FileRecords:
    """A leads export's rows as records with ``qualified``: every lead handed over, and whether it was accepted."""
    owners, index = _owner_codes(file), file.raw.frame.index
    header = str(file.mapping["status"])
    if _text(file.raw.frame[header], index).isna().all():
        problem = _(
            "'{file}': column '{column}' is empty, so no lead can count as qualified; export the leads "
            "with their status, or choose the column that holds it."
        ).format(file=file.filename, column=header)
        return FileRecords(file, _empty(file), problems=[problem])
    status, question = _vocabulary_outcomes(file, header, LEAD_STATUS_WORDS, answers.stages, "lead status")
    days, date_question, note = _days(file, "date", answers)
    questions = [q for q in (question, date_question) if q]
    if questions:
        return FileRecords(file, _empty(file), questions)
    assert days is not None
    months = days.month_codes()
    qualified = status.eq("qualified").fillna(False).astype(bool).to_numpy(dtype=np.int64)
    keep = (months[0] >= 0) & status.isin(["qualified", "unqualified"]).to_numpy(dtype=bool)
    records = _per_owner(owners, keep, month=months, qualified=(qualified, np.array([False, True])))
    counted = records["rows"].to_numpy()
    facts = {"leads": int(counted.sum()), "qualified": int(counted[records["qualified"].to_numpy(dtype=bool)].sum())}
    return FileRecords(file, records, notes=[note] if note else [], facts=facts)


def snapshot_end_months(days: pd.Series) -> pd.Series:
    """The month each snapshot closes: its own month, or the month before for a snapshot on the 1st to 3rd."""
    stamps = pd.to_datetime(days, errors="coerce")
    index = stamps.dt.year * 12 + stamps.dt.month - 1 - (stamps.dt.day <= 3).astype(int)
    return index.map(lambda i: month_label(int(i)) if i == i else pd.NA).astype(object)


def snapshot_records(file: RecordFile, answers: Answers) -> FileRecords:
    """An account snapshot export's rows as records: owner, account, ``value`` at the end of ``month``.

    Several snapshots in one month: the latest counts. A file with a single snapshot date has no start value.
    """
    frame, notes = _owners(file), []
    days, question, note = _dates(file, "date", answers)
    if question:
        return FileRecords(file, _empty(file), [question])
    assert days is not None
    notes += [note] if note else []
    values = _column(file, "value")
    assert values is not None
    frame["value"] = parse_numbers(values, decimal=detect_decimal([values])).values.fillna(0.0)
    frame["account"] = _text(_column(file, "account"), frame.index)
    frame["month"] = snapshot_end_months(days)
    frame["day"] = pd.to_datetime(days, errors="coerce")
    latest = frame.groupby("month")["day"].transform("max")
    if bool((frame["day"] < latest).any()):
        notes.append(
            _("'{file}': several snapshots in one month; the latest of each month counts.").format(file=file.filename)
        )
    frame = frame[frame["day"].notna() & (frame["day"] == latest)].drop(columns="day")
    if frame["month"].nunique() < 2:
        shown = span(frame["month"].dropna()) or _("none")
        problem = _(
            "'{file}': column '{column}' holds one snapshot date only ({month}), so there is "
            "no start value; export the month-end snapshot before it as well."
        ).format(file=file.filename, column=file.mapping["date"], month=shown)
        return FileRecords(file, _empty(file), problems=[problem], notes=notes)
    facts = {"snapshots": int(frame["month"].nunique()), "accounts": int(frame["account"].nunique())}
    return FileRecords(file, frame, notes=notes, facts=facts)


def quota_records(file: RecordFile, _answers: Answers) -> FileRecords:
    """A quota file's rows as records: each person's ``quota`` for a month (months as the monthly table writes them).

    A quota file names a person's month-specific quota; it wins over the people list's monthly quota.
    """
    frame, notes = _owners(file), []
    months = parse_periods(file.raw.frame[str(file.mapping["date"])])
    amounts = _column(file, "quota")
    assert amounts is not None
    quota = parse_numbers(amounts, decimal=detect_decimal([amounts]))
    frame["month"], frame["quota"] = months.values, quota.values
    bad = months.invalid | quota.invalid
    if bool(bad.any()):
        example = file.raw.frame.loc[bad, str(file.mapping["date"])].iloc[0]
        count = int(bad.sum())
        notes.append(
            ngettext(
                "'{file}': {n} rows with an unreadable month or quota (e.g. month '{example}') were left out.",
                "'{file}': {n} rows with an unreadable month or quota (e.g. month '{example}') were left out.",
                count,
            ).format(file=file.filename, n=number(count), example=shorten(example))
        )
    records = frame[frame["month"].notna() & frame["quota"].notna() & ~bad]
    facts = {"months": int(records["month"].nunique()), "quotas": len(records)}
    return FileRecords(file, records, notes=notes, facts=facts)


PARSERS: Final = {
    "deals": deal_records,
    "calls": call_records,
    "leads": lead_records,
    "snapshots": snapshot_records,
    "quota": quota_records,
}


def records_of(file: RecordFile, answers: Answers) -> FileRecords:
    """Read a recognised record file (deals, calls, leads or snapshots) into records.

    Raises:
        ValueError: When the file is a people list or a monthly table (they are not records).
    """
    if file.kind not in PARSERS:
        raise ValueError(
            _("'{file}' is a {kind} file, not a record export.").format(file=file.filename, kind=file.kind)
        )
    missing = [name for name in REQUIRED[file.kind] if file.mapping.get(name) is None]
    if missing:
        needs = ", ".join(missing)
        problem = _(
            "'{file}' has no column for {fields} (a {kind} needs it); choose the column "
            "in the file's column mapping (command line: --map '{file}:Header={field}')."
        ).format(file=file.filename, fields=needs, kind=_(KIND_LABELS[file.kind]), field=missing[0])
        return FileRecords(file, _empty(file), problems=[problem])
    result = PARSERS[file.kind](file, answers)
    records = result.records
    ownerless = (records["owner"].isna() & records["owner_email"].isna() & records["owner_id"].isna()).to_numpy()
    unowned = int(_rows(records)[ownerless].sum())
    if unowned:
        result.notes.append(
            ngettext(
                "'{file}': {n} rows without an owner were not counted.",
                "'{file}': {n} rows without an owner were not counted.",
                unowned,
            ).format(file=file.filename, n=number(unowned))
        )
        return FileRecords(file, records[~ownerless], result.questions, result.problems, result.notes, result.facts)
    return result


def _pairs(items: Sequence[str], option: str, form: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        text, sep, value = item.rpartition("=")
        if not sep or not text.strip() or not value.strip():
            raise KindProblem(
                _("{option} '{item}' is not of the form \"{form}\".").format(
                    option=option, item=shorten(item), form=_(form)
                )
            )
        pairs.append((text.strip(), value.strip()))
    return pairs


def parse_answer_options(stages: Sequence[str], roles: Sequence[str], date_orders: Sequence[str]) -> Answers:
    """Turn ``--stage 'Text=won'``, ``--role 'Title=AE'`` and ``--date-order 'Column=day first'`` into answers.

    Raises:
        KindProblem: For a malformed option or an answer that is not one of the choices.
    """
    stage_choices = (*OUTCOMES, *LEAD_OUTCOMES)
    stage_form = N_("Stage or status text=won|lost|open|qualified|unqualified|ignore")
    stage_answers = dict(_pairs(stages, "--stage", stage_form))
    role_answers = {
        t: v.upper() if v.lower() != "skip" else "skip" for t, v in _pairs(roles, "--role", N_("Text=ROLE"))
    }
    orders = {c: v.lower().replace("-", " ") for c, v in _pairs(date_orders, "--date-order", N_("Column=day first"))}
    for option, answers, choices in (
        ("--stage", stage_answers, stage_choices),
        ("--role", role_answers, (*ROLES, "skip")),
        ("--date-order", orders, DATE_ORDERS),
    ):
        wrong = [f"{k}={v}" for k, v in answers.items() if v.lower() not in choices and v not in choices]
        if wrong:
            raise KindProblem(
                _("{option} '{answer}': the answer must be one of {choices}.").format(
                    option=option, answer=shorten(wrong[0]), choices=", ".join(choices)
                )
            )
    return Answers(stages={k: v.lower() for k, v in stage_answers.items()}, roles=role_answers, date_orders=orders)
