"""Who the records belong to: the people list, owners linked to people, roles, and stable IDs.

An owner is linked to a person on the people list by ID, e-mail or full name — compared without case
or extra spaces, never by a guess: a name two people share links nobody and is reported. Roles come
from the list's role or job-title column (the role synonyms, also inside longer titles such as
"Senior Account Executive DACH" or "Inside Sales (SDR)"); a title that fits no role is asked about.
Without a list, or for owners it lacks, the kind of records decides (deal owners are AEs, call and
lead owners SDRs, account owners AMs), shown as inferred; an owner with records of two kinds is asked.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from core.i18n import _, ngettext
from core.ingest.mapping import ROLE_SYNONYMS, normalise_header, normalise_roles
from core.ingest.records.kinds import RecordFile
from core.ingest.records.parse import Question
from core.ingest.values import LANGUAGE_REASON, detect_decimal, parse_languages, parse_numbers, parse_yes_no
from core.ingest.wording import number
from core.schema import ROLES
from core.text import clean

SKIP: Final = "skip"
KIND_ROLES: Final = {"deals": "AE", "calls": "SDR", "leads": "SDR", "snapshots": "AM", "quota": "AE"}
PEOPLE_COLUMNS: Final = (
    "rep_id", "name", "role", "title", "team", "region", "manager", "coach_willing", "coach_aptitude",
    "coach_trained", "language", "quota", "email",
)  # fmt: skip


def person_key(text: object) -> str:
    """How names, e-mails and IDs are compared: Unicode-normalised, case-folded, spaces folded."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def stable_id(key: str) -> str:
    """A stable ID for an owner without one, from their normalised name or e-mail: ``U-3F9A12C4``."""
    return "U-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8].upper()


def title_role(title: str) -> str | None:
    """The role a job title names, also inside a longer title; None when it names none or two.

    ``"Senior Account Executive DACH"`` → AE, ``"Inside Sales (SDR)"`` → SDR, ``"Key Account Manager"`` → AM
    (the longest phrase wins, so "Key Account Manager" is not read as an executive's "Account").
    """
    roles = normalise_roles(pd.Series([title], dtype=object))[0]
    if pd.notna(roles.iloc[0]):
        return str(roles.iloc[0])
    words = normalise_header(title).split()
    found: list[tuple[int, str]] = []
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            role = ROLE_SYNONYMS.get(" ".join(words[start : start + size]))
            if role is not None:
                found.append((size, role))
    if not found:
        return None
    longest = max(size for size, _role in found)
    best = {role for size, role in found if size == longest}
    return best.pop() if len(best) == 1 else None


def _aptitude(frame: pd.DataFrame, header: str | None) -> pd.Series:
    """The list's coaching aptitude as numbers; a cell that is no number stays text, so the monthly table's
    validation names it (a number outside 1–5 is named there too) instead of it vanishing here."""
    if header is None:
        return pd.Series(pd.NA, index=frame.index, dtype=object)
    parsed = parse_numbers(frame[header], decimal=detect_decimal([frame[header]]))
    text = frame[header].map(lambda v: clean(v, limit=60)).astype(object)
    return parsed.values.astype(object).where(~parsed.invalid, text)


def _languages(
    frame: pd.DataFrame, header: str | None, row_numbers: Sequence[int]
) -> tuple[pd.Series, list[tuple[int, str]]]:
    """The list's plan languages as codes (de, nl, en), and (row, cell) for each cell that names none of them.

    A cell that names no language stays as written, so the monthly table's validation names it too (and the
    person's months are not scored in a language nobody chose); the note names the people list's own row.
    """
    if header is None:
        return pd.Series(pd.NA, index=frame.index, dtype=object), []
    parsed = parse_languages(frame[header])
    text = frame[header].map(lambda v: clean(v, limit=60)).astype(object)
    rows = [(int(n), str(text.loc[i])) for i, n in zip(frame.index, row_numbers, strict=True)
            if parsed.invalid.loc[i]]  # fmt: skip
    return parsed.values.astype(object).where(~parsed.invalid, text), rows


@dataclass(frozen=True)
class Roster:
    """The people list: one row per person (columns :data:`PEOPLE_COLUMNS`), and what it asks."""

    people: pd.DataFrame
    filename: str
    questions: list[Question]
    notes: list[str]


def read_roster(file: RecordFile, role_answers: Mapping[str, str]) -> Roster:
    """The people list as people with role, team, manager, e-mail, willingness, aptitude and training to coach, quota.

    Args:
        file: A recognised people list.
        role_answers: Job title -> SDR / AE / AM / skip, as the user answered.

    Returns:
        The people (skipped titles left out; unknown titles with a blank role until answered).
    """
    frame = file.raw.frame

    def text(name: str) -> pd.Series:
        """The field's cells as one-line text, blank where the list has no such column or cell."""
        header = file.mapping.get(name)
        if header is None:
            return pd.Series(pd.NA, index=frame.index, dtype=object)
        values = frame[header].map(lambda v: clean(v, limit=200)).astype(object)
        return values.where(values != "", pd.NA)

    people = pd.DataFrame({name: text(name) for name in ("rep_id", "name", "team", "region", "manager", "email")})
    answers = {normalise_header(k): v for k, v in role_answers.items()}
    titles = text("role")
    lookup = {t: answers.get(normalise_header(t)) or title_role(t) for t in titles.dropna().unique()}
    people["role"] = titles.map(lookup).astype(object)
    people["title"] = titles
    unknown = tuple(sorted(t for t, role in lookup.items() if role is None))
    questions = []
    if unknown:
        questions.append(Question(file.filename, str(file.mapping["role"]), "job title", unknown, (*ROLES, SKIP)))
    willing = file.mapping.get("coach_willing")
    people["coach_willing"] = parse_yes_no(frame[willing]).values if willing else pd.NA
    trained = file.mapping.get("coach_trained")
    people["coach_trained"] = parse_yes_no(frame[trained]).values if trained else pd.NA
    people["coach_aptitude"] = _aptitude(frame, file.mapping.get("coach_aptitude"))
    people["language"], bad_language = _languages(frame, file.mapping.get("language"), file.raw.row_numbers)
    quota = file.mapping.get("quota")
    quotas = parse_numbers(frame[quota], decimal=detect_decimal([frame[quota]])).values if quota else float("nan")
    people["quota"] = quotas
    people = people[people["name"].notna() & people["role"].ne(SKIP).fillna(True).astype(bool)]
    notes = [
        _("'{file}' row {row}, column {column}: '{value}' is {reason}.").format(
            file=file.filename, row=row, column=file.mapping.get("language"), value=value, reason=_(LANGUAGE_REASON)
        )
        for row, value in bad_language
    ]
    skipped = int(titles.map(lookup).eq(SKIP).sum())
    if skipped:
        notes.append(
            ngettext(
                "'{file}': {n} people left out (their job title was answered 'skip').",
                "'{file}': {n} people left out (their job title was answered 'skip').",
                skipped,
            ).format(file=file.filename, n=number(skipped))
        )
    return Roster(people.reset_index(drop=True)[list(PEOPLE_COLUMNS)], file.filename, questions, notes)


@dataclass(frozen=True)
class Owners:
    """Every distinct owner of the records, linked to a person where the people list allows it.

    Attributes:
        links: One row per owner triple (owner, owner_id, owner_email) with ``person`` (a people-list row
            number, or -1) and ``rep_id``.
        ambiguous: Owner names that match several people on the list (linked to nobody).
    """

    links: pd.DataFrame
    ambiguous: list[str]


def _index(people: pd.DataFrame, column: str) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position, value in enumerate(people[column]):
        key = person_key(value)
        if key:
            index.setdefault(key, []).append(position)
    return index


def link_owners(owners: pd.DataFrame, people: pd.DataFrame) -> Owners:
    """Link each distinct owner to a person on the list by ID, then e-mail, then full name.

    Args:
        owners: Distinct owner triples: ``owner``, ``owner_id``, ``owner_email``.
        people: The people list (may be empty).

    Returns:
        The links; owners not on the list get their own ID (theirs, else a stable one from the name or e-mail).
    """
    by_id, by_email, by_name = (_index(people, c) for c in ("rep_id", "email", "name"))
    persons, rep_ids = [], []
    ambiguous: dict[str, str] = {}
    for owner, owner_id, email in owners[["owner", "owner_id", "owner_email"]].itertuples(index=False):
        name_key, id_key, email_key = person_key(owner), person_key(owner_id), person_key(email)
        match = by_id.get(id_key) or by_email.get(email_key) or []
        if not match and name_key in by_name:
            match = by_name[name_key]
            if len(match) > 1:
                ambiguous.setdefault(name_key, str(people["name"].iloc[match[0]]))
                match = []
        if len(match) == 1:
            persons.append(match[0])
            rep_ids.append(str(people["rep_id"].iloc[match[0]]) if pd.notna(people["rep_id"].iloc[match[0]]) else "")
            continue
        persons.append(-1)
        rep_ids.append(str(owner_id) if id_key else stable_id(name_key if "@" not in name_key else email_key))
    links = owners.assign(person=persons, rep_id=rep_ids)
    missing_id = links["person"].ge(0) & links["rep_id"].eq("")
    if missing_id.any():  # a listed person without an ID: the same stable ID their name would give
        keys = people["name"].map(person_key)
        links.loc[missing_id, "rep_id"] = links.loc[missing_id, "person"].map(lambda p: stable_id(keys.iloc[p]))
    return Owners(links, sorted(ambiguous.values()))


def infer_roles(kinds: pd.DataFrame, answers: Mapping[str, str]) -> tuple[pd.Series, list[str]]:
    """Each owner's role from the kinds of their records; owners with two roles' records are returned to ask.

    Args:
        kinds: ``rep_id``, ``name`` and ``kind`` for every owner and record kind they have.
        answers: Owner name -> SDR / AE / AM / skip, as the user answered.

    Returns:
        (role per rep_id, with ``pd.NA`` where undecided; the names of owners to ask about).
    """
    answered = {person_key(k): v for k, v in answers.items()}
    roles: dict[str, object] = {}
    asked: list[str] = []
    for (rep_id, name), group in kinds.groupby(["rep_id", "name"], sort=True):
        candidates = sorted({KIND_ROLES[k] for k in group["kind"]})
        answer = answered.get(person_key(name))
        if answer is not None:
            roles[str(rep_id)] = answer
        elif len(candidates) == 1:
            roles[str(rep_id)] = candidates[0]
        else:
            roles[str(rep_id)] = pd.NA
            asked.append(str(name))
    return pd.Series(roles, dtype=object), asked
