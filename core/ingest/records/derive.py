"""Several CRM exports and a people list become the monthly table, people × months with every count.

A deal counts in the month it closed (won: ``deals_won`` and ``revenue_won``; won or lost:
``deals_worked``); open deals are open pipeline, shown and not scored. Calls count in the month made,
every lead handed over is a ``leads_sent`` and the accepted ones ``qualified_leads``; consecutive
month-end account snapshots give an AM's ``portfolio_start`` and ``portfolio_end`` (for the months the AM
holds accounts at the start: growth from nothing is undefined). Each person gets
the fields of their role (PRODUCT.md), for every month from their first to their last month with
records (a month in between without any is a real zero); an AM's months are those with both snapshots.

Two files of the same kind never count the same owner's month twice: where they overlap (a repeated
export, or January–March and March–June), the month is taken from the file given first — judged by
content, not by file name.

The per-file sentences, problems and notes are written in the language core speaks, numbers and months in
its format; ``role_source`` ("people list", "answered", "inferred from deals") is a value pages compare and
stays English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from core.i18n import _, ngettext
from core.ingest.importer import prepare
from core.ingest.records.kinds import RecordFile
from core.ingest.records.parse import Answers, FileRecords, Question, records_of
from core.ingest.records.people import (
    KIND_ROLES,
    PEOPLE_COLUMNS,
    SKIP,
    infer_roles,
    link_owners,
    person_key,
    read_roster,
    stable_id,
)
from core.ingest.records.vocabulary import RECORD_KINDS
from core.ingest.wording import number, span
from core.months import month_index, month_label
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, MONEY_COLUMNS, OPTIONAL_COLUMNS, ROLE_FIELDS, ROLES

OPEN: Final = "open"
"""The month key of an open deal (it has not closed in any month)."""
PEOPLE_TABLE: Final = ("rep_id", "name", "role", "role_source", "records", "on_list")


@dataclass(frozen=True)
class FileSummary:
    """What one file was read as, in one sentence."""

    filename: str
    kind: str
    label: str
    sentence: str
    mapping: dict[str, str | None]


@dataclass(frozen=True)
class Derivation:
    """The derived monthly table and everything to show before anything is stored.

    Attributes:
        frame: People × months in the canonical layout (``core.schema.CANONICAL_COLUMNS``).
        files: Per file, what it was read as.
        people: Everyone the records or the list name: ``rep_id``, ``name``, ``role``, ``role_source``
            ("people list", "answered", "inferred from deals"), ``records`` and ``on_list``.
        open_pipeline: Per owner, open deals and their amount (shown, not scored).
        questions: What only the user can answer; the rows they concern wait for the answers.
        problems: Sentences about files that gave nothing usable (naming the file, the column and what to do).
        notes: What was left out, assumed or counted once.
    """

    frame: pd.DataFrame
    files: list[FileSummary]
    people: pd.DataFrame
    open_pipeline: pd.DataFrame
    questions: list[Question] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether nothing is left to answer or fix."""
        return not self.questions and not self.problems


def _rows(count: int) -> str:
    return ngettext("{n} row", "{n} rows", count).format(n=number(count))


def _people_count(count: int) -> str:
    return ngettext("{n} person", "{n} people", count).format(n=number(count))


def _sentence(parsed: FileRecords) -> str:
    """``deals export (Salesforce-style): 8,825 rows, 6,711 closed in Jan–Dec 2026, 30 owners``."""
    file, records, facts = parsed.file, parsed.records, parsed.facts
    months = records["month"].dropna().unique()  # the span reads each month once
    when = span(m for m in months if m != OPEN) or _("no month")
    owners = int(records["owner"].fillna(records["owner_email"]).fillna(records["owner_id"]).nunique())
    head = f"{file.label}: {_rows(len(file.raw.frame))}"
    if parsed.questions or parsed.problems:
        asked = len(parsed.questions)
        waiting = (
            ngettext("waiting for {n} answer", "waiting for {n} answers", asked).format(n=number(asked))
            if asked
            else _("nothing usable")
        )
        return f"{head}, {waiting}"
    owned = ngettext("{n} owner", "{n} owners", owners).format(n=number(owners))
    return f"{head}, {_body(file.kind, facts, when)}, {owned}"


def _body(kind: str, facts: dict[str, int], when: str) -> str:
    """What a record file gave, the middle of its sentence: ``6,711 closed in Jan–Dec 2026, 1,204 open``."""
    if kind == "deals":
        return _("{closed} closed in {span}, {open} open").format(
            closed=number(facts.get("closed", 0)), span=when, open=number(facts.get("open", 0))
        )
    if kind == "calls":
        calls = facts.get("calls", 0)
        return ngettext("{n} call in {span}", "{n} calls in {span}", calls).format(n=number(calls), span=when)
    if kind == "leads":
        leads = facts.get("leads", 0)
        return ngettext(
            "{n} lead handed over in {span}, {qualified} qualified",
            "{n} leads handed over in {span}, {qualified} qualified",
            leads,
        ).format(n=number(leads), span=when, qualified=number(facts.get("qualified", 0)))
    if kind == "quota":
        quotas = facts.get("quotas", 0)
        return ngettext("{n} monthly quota in {span}", "{n} monthly quotas in {span}", quotas).format(
            n=number(quotas), span=when
        )
    snapshots, accounts = facts.get("snapshots", 0), facts.get("accounts", 0)
    return _("{snapshots} month-end snapshots {span}, {accounts}").format(
        snapshots=snapshots,  # a handful, written as before (no grouping needed)
        span=when,
        accounts=ngettext("{n} account", "{n} accounts", accounts).format(n=number(accounts)),
    )


def _dedupe(parsed: list[FileRecords], records: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep each (kind, person, month) from the first file that has it; say which later files repeated it."""
    cells = records[["kind", "rep_id", "month", "file"]].drop_duplicates()
    first = cells.groupby(["kind", "rep_id", "month"])["file"].transform("min")
    repeated = cells[cells["file"] != first].assign(first=first[cells["file"] != first])
    notes = []
    for (file, earlier), group in repeated.groupby(["file", "first"]):
        months = span(m for m in group["month"] if m != OPEN)
        notes.append(
            ngettext(
                "'{file}' repeats '{first}' for {n} owner-month ({months}); counted once.",
                "'{file}' repeats '{first}' for {n} owner-months ({months}); counted once.",
                len(group),
            ).format(
                file=parsed[int(str(file))].file.filename,
                first=parsed[int(str(earlier))].file.filename,
                n=number(len(group)),
                months=months or _("open deals"),
            )
        )
    if repeated.empty:  # no file repeats another (the usual case): every record is kept, in order
        return records.reset_index(drop=True), notes
    key = ["kind", "rep_id", "month"]
    keep = records.merge(cells[cells["file"] == first][[*key, "file"]], on=[*key, "file"], how="inner")
    return keep, notes


def _counts(records: pd.DataFrame) -> pd.DataFrame:
    """Per (rep_id, month): the SDR and AE counts."""
    # Only the columns counted are taken from each kind's rows (a calls export has hundreds of thousands).
    closed = records.loc[
        (records["kind"] == "deals") & (records["month"] != OPEN), ["rep_id", "month", "outcome", "amount"]
    ]
    won = closed["outcome"] == "won"
    deals = closed.assign(deals_worked=1, deals_won=won.astype(int), revenue_won=closed["amount"].where(won, 0.0))
    # A call or lead record stands for ``rows`` rows of its file (one per owner and month, #17).
    calls = records.loc[records["kind"] == "calls", ["rep_id", "month", "rows"]].rename(columns={"rows": "calls"})
    if len(calls):  # summed per person and month first, as whole numbers add up the same
        calls = calls.groupby(["rep_id", "month"], sort=False)["calls"].sum().reset_index()
    leads = records.loc[records["kind"] == "leads", ["rep_id", "month", "qualified", "rows"]]
    sent = leads["rows"].astype("int64")
    leads = leads.assign(leads_sent=sent, qualified_leads=sent * leads["qualified"].astype(bool).astype(int))
    columns = ["calls", "leads_sent", "qualified_leads", "deals_worked", "deals_won", "revenue_won"]
    parts = [frame.reindex(columns=["rep_id", "month", *columns]) for frame in (deals, calls, leads)]
    stacked = pd.concat(parts, ignore_index=True)
    for column in columns:
        stacked[column] = pd.to_numeric(stacked[column], errors="coerce")
    return stacked.groupby(["rep_id", "month"], sort=True)[columns].sum(min_count=1).reset_index()


def _portfolios(records: pd.DataFrame) -> pd.DataFrame:
    """Per AM and month: the portfolio at the end of the month before and at the end of the month."""
    snaps = records[records["kind"] == "snapshots"]
    if snaps.empty:
        return pd.DataFrame(columns=["rep_id", "month", "portfolio_start", "portfolio_end"])
    totals = snaps.groupby(["rep_id", "month"])["value"].sum().unstack("month")
    ends = sorted(totals.columns, key=month_index)
    rows = []
    for before, end in zip(ends, ends[1:], strict=False):
        if month_index(end) - month_index(before) != 1:
            continue
        pair = totals[[before, end]]
        held = pair[before].notna()  # growth from nothing is undefined: the AM must hold accounts at the start
        rows.append(
            pd.DataFrame(
                {
                    "rep_id": pair.index[held],
                    "month": end,
                    "portfolio_start": pair[before][held].to_numpy(),
                    "portfolio_end": pair[end][held].fillna(0.0).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else _portfolios(snaps.iloc[:0])


def _fill_months(counts: pd.DataFrame, roles: pd.Series) -> pd.DataFrame:
    """SDR and AE rows for every month from each person's first to last month; a month between is zero."""
    active = counts.assign(role=counts["rep_id"].map(roles))
    frames = []
    for role in ("SDR", "AE"):
        fields = [f for f in ROLE_FIELDS[role] if f != "quota"]
        mine = active[(active["role"] == role) & active[fields].notna().any(axis=1)]
        if mine.empty:
            continue
        index = mine["month"].map(month_index)
        spans = index.groupby(mine["rep_id"]).agg(["min", "max"])
        grid = [(rep, month_label(m)) for rep, (lo, hi) in spans.iterrows() for m in range(int(lo), int(hi) + 1)]
        full = pd.DataFrame(grid, columns=["rep_id", "month"]).merge(mine, on=["rep_id", "month"], how="left")
        full[fields] = full[fields].fillna(0)
        frames.append(full[["rep_id", "month", *fields]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["rep_id", "month"])


def _canonical(rows: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """The derived rows in the canonical layout, with each person's list fields and the role's columns only."""
    frame = rows.rename(columns={"month": "period"}).merge(people, on="rep_id", how="left")
    if "month_quota" in frame:  # a quota file's month-specific quota wins over the list's monthly quota
        listed = pd.to_numeric(frame["quota"], errors="coerce") if "quota" in frame else np.nan
        frame["quota"] = pd.to_numeric(frame["month_quota"], errors="coerce").fillna(listed)
    for role in ROLES:
        others = [c for c in (*COUNT_COLUMNS, *MONEY_COLUMNS) if c in frame and c not in ROLE_FIELDS[role]]
        frame.loc[frame["role"] == role, others] = np.nan
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns with the importer's types (counts Int64, money float, text object), sorted."""
    frame = frame.reindex(columns=list(CANONICAL_COLUMNS))
    for column in COUNT_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).round().astype("Int64")
    for column in MONEY_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).astype("float64").round(2)
    text = ("rep_id", "name", "role", "team", "region", "manager", "period", "coach_willing", *OPTIONAL_COLUMNS)
    for column in text:  # coach_aptitude too: a cell the people list could not read stays for validation to name
        frame[column] = frame[column].astype(object).where(frame[column].notna(), np.nan)
    return frame.sort_values(["rep_id", "period"], kind="stable").reset_index(drop=True)


def _distinct(files: Sequence[RecordFile]) -> tuple[list[RecordFile], list[str]]:
    """The files, each set of bytes once (the same file dropped twice is read once)."""
    seen: dict[str, str] = {}
    kept, notes = [], []
    for file in files:
        if file.sha256 in seen:
            notes.append(
                _("'{file}' is the same file as '{first}'; read once.").format(
                    file=file.filename, first=seen[file.sha256]
                )
            )
            continue
        seen[file.sha256] = file.filename
        kept.append(file)
        notes += file.notes
    return kept, notes


def _stack(parsed: list[FileRecords]) -> pd.DataFrame:
    """Every file's records in one frame with its ``kind``, ``file`` (position in ``parsed``) and ``rows`` (how many
    of the file's rows a record stands for: calls and leads come counted per owner and month, others are 1)."""
    columns = [
        "owner", "owner_id", "owner_email", "month", "outcome", "amount", "qualified", "account", "value", "quota",
        "rows",
    ]  # fmt: skip
    frames = [
        p.records.reindex(columns=columns).assign(kind=p.file.kind, file=i)
        for i, p in enumerate(parsed)
        if not p.records.empty
    ]
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, "kind"]}).assign(file=0).iloc[:0]
        return empty.astype({"rows": "int64"})
    records = pd.concat(frames, ignore_index=True)
    records["rows"] = records["rows"].fillna(1).astype("int64")  # every other record is one row
    records["month"] = records["month"].astype(object).where(records["month"].notna(), OPEN)
    return records


def _people_list(rosters: list[RecordFile], answers: Answers) -> tuple[pd.DataFrame, list[Question], list[str]]:
    lists = [read_roster(f, answers.roles) for f in rosters]
    questions = [q for r in lists for q in r.questions]
    notes = [n for r in lists for n in r.notes]
    if not lists:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PEOPLE_COLUMNS}), questions, notes
    people = pd.concat([r.people for r in lists], ignore_index=True)
    return people, questions, notes


def _link(records: pd.DataFrame, roster: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Give every record its person's ``rep_id``, ``name`` and list row (``person``, -1 when not on the list)."""
    triples = ["owner", "owner_id", "owner_email"]
    if records.empty:
        typed = {"rep_id": pd.Series(dtype=object), "name": pd.Series(dtype=object), "person": pd.Series(dtype=int)}
        return records.assign(**typed), []
    keyed = records[triples].fillna("")
    codes = _row_codes(keyed)
    owners = keyed.iloc[np.unique(codes, return_index=True)[1]].reset_index(drop=True)  # each owner's first row
    linked = link_owners(owners.replace("", pd.NA), roster)
    links = linked.links.fillna("")
    # Each row takes its owner's link by code: the left join on the three texts, without hashing them again (#17).
    records = pd.concat([records.drop(columns=triples), keyed], axis=1).reset_index(drop=True)
    for column in (c for c in links.columns if c not in triples):
        records[column] = links[column].take(codes).reset_index(drop=True)
    shown = records["owner"].where(records["owner"] != "", records["owner_email"]).replace("", pd.NA)
    records["name"] = shown.fillna(records["owner_id"])
    on_list = records["person"] >= 0
    records.loc[on_list, "name"] = roster["name"].to_numpy()[records.loc[on_list, "person"].astype(int)]
    records["name"] = records["rep_id"].map(_most_rows(records))
    return records, linked.ambiguous


def _most_rows(records: pd.DataFrame) -> pd.Series:
    """Per ``rep_id``, the ``name`` most of their rows show (a record stands for ``rows`` rows); on a tie, the name
    shown first — the name ``value_counts`` puts first over every row."""
    shown = records.groupby(["rep_id", "name"], sort=False)["rows"].sum().reset_index()  # in the order first shown
    top = shown.sort_values("rows", ascending=False, kind="stable").drop_duplicates("rep_id")
    return top.set_index("rep_id")["name"]


def _row_codes(frame: pd.DataFrame) -> np.ndarray:
    """Each row's code among the frame's distinct rows, numbered in the order they first appear."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for _name, column in frame.items():
        inner, distinct = pd.factorize(column, use_na_sentinel=False)
        codes, _seen = pd.factorize(codes * len(distinct) + inner)
    return np.asarray(codes, dtype=np.int64)


def _link_problems(parsed: list[FileRecords], records: pd.DataFrame, ambiguous: list[str], listed: bool) -> list[str]:
    problems = []
    if ambiguous:
        names = ", ".join(f"'{n}'" for n in ambiguous[:5])
        problems.append(
            ngettext(
                "{names} matches several people on the people list, so their records were linked to nobody; "
                "add an owner e-mail or ID column to the export.",
                "{names} match several people on the people list, so their records were linked to nobody; "
                "add an owner e-mail or ID column to the export.",
                len(ambiguous),
            ).format(names=names)
        )
    if not listed:
        return problems
    for position, group in records.groupby("file"):
        if bool((group["person"] < 0).all()):
            file = parsed[int(str(position))].file
            owners = int(group["rep_id"].nunique())
            problems.append(
                ngettext(
                    "None of the {n} owners in '{file}' (column '{column}') is on the people list by ID, e-mail or "
                    "full name; check that both files are from the same team, or add an owner e-mail or ID column "
                    "to the export.",
                    "None of the {n} owners in '{file}' (column '{column}') is on the people list by ID, e-mail or "
                    "full name; check that both files are from the same team, or add an owner e-mail or ID column "
                    "to the export.",
                    owners,
                ).format(n=number(owners), file=file.filename, column=file.mapping.get("owner"))
            )
    return problems


def _people(
    records: pd.DataFrame, roster: pd.DataFrame, asked_titles: set[str], answers: Answers
) -> tuple[pd.DataFrame, list[str]]:
    """Everyone with their role and where it came from; returns the owners whose records span two roles.

    A listed person's role comes from the list; one whose title is still asked about waits for the answer.
    Everyone else — off the list, or listed without a title — takes the role of their records' kind.
    """
    listed = roster.assign(rep_id=roster["rep_id"].where(roster["rep_id"].notna(), roster["name"].map(_own_id)))
    listed = listed.assign(on_list=True, role_source=np.where(listed["role"].notna(), "people list", ""))
    waiting = set(listed.loc[listed["title"].isin(asked_titles), "rep_id"]) if "title" in listed else set()
    unlisted = records[records["person"] < 0].groupby("rep_id", as_index=False)["name"].first()
    people = pd.concat([listed, unlisted.assign(on_list=False, role_source="")], ignore_index=True)
    people = people.drop_duplicates("rep_id").reset_index(drop=True)
    kinds = records[["rep_id", "kind"]].drop_duplicates().merge(people[["rep_id", "name"]], on="rep_id")
    open_role = people["role"].isna() & ~people["rep_id"].isin(waiting)
    inferred, asked = infer_roles(kinds[kinds["rep_id"].isin(people.loc[open_role, "rep_id"])], answers.roles)
    people.loc[open_role, "role"] = people.loc[open_role, "rep_id"].map(inferred)
    sources = kinds.groupby("rep_id")["kind"].agg(lambda k: " and ".join(sorted(k)))
    answered = {k.casefold() for k in answers.roles}
    people.loc[open_role, "role_source"] = [
        "answered" if str(name).casefold() in answered else f"inferred from {sources.get(rep, 'nothing')}"
        for rep, name in people.loc[open_role, ["rep_id", "name"]].itertuples(index=False)
    ]
    people["records"] = people["rep_id"].map(records.groupby("rep_id")["rows"].sum()).fillna(0).astype(int)
    return people, asked


def _own_id(name: object) -> str:
    return stable_id(person_key(name))


def _role_notes(records: pd.DataFrame, people: pd.DataFrame, listed: bool) -> list[str]:
    """Records outside their owner's role, people on the list without records, owners missing from it."""
    notes = []
    roles = pd.Series(_by_cell(records["rep_id"], people.set_index("rep_id")["role"]), index=records.index)
    for kind, role in KIND_ROLES.items():
        outside = records[(records["kind"] == kind) & roles.notna() & (roles != role) & (roles != SKIP)]
        if len(outside):
            notes.append(
                _("{records} of {people} in another role not counted ({kind} count for {role}s only).").format(
                    records=_records_of_kind(kind, int(outside["rows"].sum())),
                    people=_people_count(int(outside["rep_id"].nunique())),
                    kind=kind,
                    role=role,
                )
            )
    inferred = people[people["role_source"].str.startswith("inferred")]
    if len(inferred):
        notes.append(
            ngettext(
                "{n} role inferred from the records' kind (deal owners AE, call and lead owners SDR, account owners "
                "AM); change them with --role 'Name=ROLE'.",
                "{n} roles inferred from the records' kind (deal owners AE, call and lead owners SDR, account owners "
                "AM); change them with --role 'Name=ROLE'.",
                len(inferred),
            ).format(n=number(len(inferred)))
        )
    if listed:
        idle = people[people["on_list"] & (people["records"] == 0)]
        if len(idle):
            notes.append(
                ngettext(
                    "{n} person on the people list has no records in these files and is not scored.",
                    "{n} people on the people list have no records in these files and are not scored.",
                    len(idle),
                ).format(n=number(len(idle)))
            )
        missing = people[~people["on_list"]].sort_values("records", ascending=False)
        if len(missing):
            notes.append(_missing_note(missing))
    return notes


def _records_of_kind(kind: str, count: int) -> str:
    """``3 deal records``: a count of one kind's records, as the note on records outside their role names it."""
    n = number(count)
    if kind == "deals":
        return ngettext("{n} deal record", "{n} deal records", count).format(n=n)
    if kind == "calls":
        return ngettext("{n} call record", "{n} call records", count).format(n=n)
    if kind == "leads":
        return ngettext("{n} lead record", "{n} lead records", count).format(n=n)
    if kind == "snapshots":
        return ngettext("{n} snapshot record", "{n} snapshot records", count).format(n=n)
    return ngettext("{n} quota record", "{n} quota records", count).format(n=n)  # was "quot record" (kind[:-1])


def _missing_note(missing: pd.DataFrame) -> str:
    """Owners with records who are not on the people list, the five with most records named."""
    top = missing[["name", "records"]].head(5).itertuples(index=False)
    names = ", ".join(
        ngettext("{name} ({n} records)", "{name} ({n} records)", int(r)).format(name=n, n=number(r)) for n, r in top
    )
    if len(missing) > 5:
        names = _("{names} and {n} more").format(names=names, n=number(len(missing) - 5))
    return ngettext(
        "{n} owner not on the people list, kept: {names}.",
        "{n} owners not on the people list, kept: {names}.",
        len(missing),
    ).format(n=number(len(missing)), names=names)


def _open_pipeline(records: pd.DataFrame) -> pd.DataFrame:
    open_deals = records[(records["kind"] == "deals") & (records["month"] == OPEN)]
    table = open_deals.groupby(["rep_id", "name"], as_index=False).agg(
        open_deals=("outcome", "size"), open_amount=("amount", "sum")
    )
    return table.sort_values("open_amount", ascending=False, kind="stable").reset_index(drop=True)


def _by_cell(values: pd.Series, lookup: pd.Series | dict[str, str]) -> np.ndarray:
    """``values.map(lookup)`` as an object array, looked up once per distinct cell (records repeat a few hundred
    people and five kinds over hundreds of thousands of rows, #17); NaN where not found."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    found = pd.Series(np.asarray(distinct, dtype=object), dtype=object).map(lookup).to_numpy(dtype=object)
    return np.append(found, [np.nan])[codes]


def _monthly_rows(records: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    roles = people.set_index("rep_id")["role"]
    role = _by_cell(records["rep_id"], roles)
    scored = pd.Series(role, dtype=object).isin(ROLES).to_numpy(dtype=bool)
    role[~scored] = None  # a role to compare with: never NA
    counted = ["rep_id", "month", "kind", "outcome", "amount", "qualified", "value", "quota", "rows"]  # what is summed
    own = records.loc[scored & (_by_cell(records["kind"], KIND_ROLES) == role), counted]  # records of their role
    rows = _fill_months(_counts(own), roles)
    portfolios = _portfolios(own)
    both = pd.concat([rows, portfolios], ignore_index=True) if len(portfolios) else rows
    both = both.groupby(["rep_id", "month"], as_index=False).first() if len(both) else both
    quotas = own[own["kind"] == "quota"]
    if quotas.empty or both.empty:
        return both
    monthly_quota = quotas.groupby(["rep_id", "month"], as_index=False).agg(month_quota=("quota", "last"))
    return both.merge(monthly_quota, on=["rep_id", "month"], how="left")


def derive(files: Sequence[RecordFile], *, answers: Answers | None = None) -> Derivation:
    """Derive the monthly table from several recognised files (any mix of kinds) and an optional people list.

    Args:
        files: The recognised files (:func:`core.ingest.records.kinds.read_records`), in the order given;
            where two files of a kind cover the same owner's month, the first counts.
        answers: The user's answers to earlier questions (stages, roles, date orders).

    Returns:
        The derived monthly table, per-file sentences, people, open pipeline, questions, problems and notes.
        Rows a question concerns are left out until it is answered.
    """
    answers = answers or Answers()
    files, notes = _distinct(files)
    parsed = [records_of(f, answers) for f in files if f.kind in RECORD_KINDS]
    roster, questions, roster_notes = _people_list([f for f in files if f.kind == "roster"], answers)
    questions = [q for p in parsed for q in p.questions] + questions
    problems = [s for p in parsed for s in p.problems]
    notes += roster_notes + [n for p in parsed for n in p.notes]
    listed = any(f.kind == "roster" for f in files)
    records, ambiguous = _link(_stack(parsed), roster)
    problems += _link_problems(parsed, records, ambiguous, listed)
    records, repeats = _dedupe(parsed, records)
    asked_titles = {t for q in questions if q.topic == "job title" for t in q.texts}
    people, asked = _people(records, roster, asked_titles, answers)
    if asked:
        questions.append(Question("records", "owner", "owner role", tuple(asked), (*ROLES, SKIP)))
    frame = _canonical(_monthly_rows(records, people), people.drop(columns=["records", "on_list", "role_source"]))
    monthly = [f for f in files if f.kind == "monthly"]
    frame, monthly_summaries, monthly_notes = _with_monthly_tables(frame, monthly, answers)
    notes += monthly_notes
    summaries = (
        [FileSummary(p.file.filename, p.file.kind, p.file.label, _sentence(p), p.file.mapping) for p in parsed]
        + [_roster_summary(f, people) for f in files if f.kind == "roster"]
        + monthly_summaries
    )
    return Derivation(
        frame=frame,
        files=summaries,
        people=people.reindex(columns=list(PEOPLE_TABLE)),
        open_pipeline=_open_pipeline(records),
        questions=questions,
        problems=problems,
        notes=notes + repeats + _role_notes(records, people, listed),
    )


def _roster_summary(file: RecordFile, people: pd.DataFrame) -> FileSummary:
    listed = people[people["on_list"]]
    counts = ", ".join(f"{number(int((listed['role'] == r).sum()))} {r}" for r in ROLES)
    sentence = f"{file.label}: {_people_count(len(listed))} ({counts})"
    return FileSummary(file.filename, file.kind, file.label, sentence, file.mapping)


def _with_monthly_tables(
    frame: pd.DataFrame, tables: list[RecordFile], answers: Answers
) -> tuple[pd.DataFrame, list[FileSummary], list[str]]:
    """Add monthly tables as the single-file import reads them; their rows win over derived ones for the same month."""
    summaries, notes = [], []
    for table in tables:
        prepared = prepare(table.data, table.filename, role_answers=dict(answers.roles))
        valid = _("{n} valid").format(n=number(prepared.rows_valid))
        sentence = f"{table.label}: {_rows(prepared.rows_total)}, {valid}"
        summaries.append(FileSummary(table.filename, table.kind, table.label, sentence, dict(prepared.mapping)))
        if prepared.rows_rejected:
            notes.append(
                ngettext(
                    "'{file}': {n} invalid rows left out (`check` lists them).",
                    "'{file}': {n} invalid rows left out (`check` lists them).",
                    prepared.rows_rejected,
                ).format(file=table.filename, n=number(prepared.rows_rejected))
            )
        keys = prepared.frame.set_index(["rep_id", "period"]).index
        derived = frame.set_index(["rep_id", "period"]).index.isin(keys)
        if derived.any():
            both = int(derived.sum())
            notes.append(
                ngettext(
                    "'{file}' has {n} person-month the records also give; the monthly table's rows are kept.",
                    "'{file}' has {n} person-months the records also give; the monthly table's rows are kept.",
                    both,
                ).format(file=table.filename, n=number(both))
            )
        rows = prepared.frame.astype(object).where(prepared.frame.notna(), np.nan)
        frame = _typed(pd.concat([frame[~derived], rows], ignore_index=True))
    return frame, summaries, notes
