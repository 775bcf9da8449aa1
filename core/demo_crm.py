"""A monthly team exploded into the files a CRM and HR would give: deals, calls, leads, account snapshots, people.

The inverse of :func:`core.ingest.records.derive.derive`, for tests, demos and benchmarks: each AE month
becomes that many won and lost deals (the won amounts summing to the month's revenue, to the cent) plus
open deals that must not count; each SDR month that many call activities among e-mails and meetings that
must not count, and that many leads with accepted or rejected statuses; each AM's month ends become
snapshots of several accounts summing to the portfolio. Files are written in a vendor's wording and a
language's number and date formats, in random order, with a report footer where the vendor writes one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from core.i18n import _
from core.months import month_index

# Deals: owner, stage, amount, close date, created date, lost date (or ""), (won, lost, open) stage texts.
_DEALS: Final[dict[tuple[str, str], tuple[str, str, str, str, str, str, tuple[str, str, str]]]] = {
    ("Salesforce", "en"): ("Opportunity Owner", "Stage", "Amount", "Close Date", "Created Date", "",
                           ("Closed Won", "Closed Lost", "Negotiation/Review")),
    ("Salesforce", "de"): ("Opportunity-Inhaber", "Phase", "Betrag", "Schlusstermin", "Erstelldatum", "",
                           ("Geschlossen und gewonnen", "Geschlossen und verloren", "Verhandlung")),
    ("Salesforce", "nl"): ("Eigenaar verkoopkans", "Fase", "Bedrag", "Sluitingsdatum", "Aanmaakdatum", "",
                           ("Gewonnen", "Verloren", "Onderhandeling")),
    ("HubSpot", "en"): ("Deal owner", "Deal Stage", "Amount", "Close Date", "Create Date", "",
                        ("closedwon", "closedlost", "contractsent")),
    ("HubSpot", "de"): ("Deal-Inhaber", "Deal-Phase", "Betrag", "Abschlussdatum", "Erstellungsdatum", "",
                        ("Gewonnen", "Verloren", "Angebot")),
    ("HubSpot", "nl"): ("Eigenaar deal", "Dealfase", "Bedrag", "Sluitingsdatum", "Aanmaakdatum", "",
                        ("Gewonnen", "Verloren", "Voorstel")),
    ("Pipedrive", "en"): ("Deal - Owner", "Deal - Status", "Deal - Value", "Deal - Won time", "Deal - Deal created",
                          "Deal - Lost time", ("Won", "Lost", "Open")),
    ("Pipedrive", "de"): ("Deal - Besitzer", "Deal - Status", "Deal - Wert", "Deal - Datum des gewonnenen Deals",
                          "Deal - Deal erstellt", "Deal - Datum des verlorenen Deals",
                          ("gewonnen", "verloren", "offen")),
    ("Dynamics 365", "en"): ("Owner", "Status", "Actual Revenue", "Actual Close Date", "Created On", "",
                             ("Won", "Lost", "Open")),
    ("Zoho", "en"): ("Deal Owner", "Stage", "Amount", "Closing Date", "Created Time", "",
                     ("Closed Won", "Closed-Lost to Competition", "Negotiation/Review")),
    ("Odoo", "en"): ("Salesperson", "Stage", "Expected Revenue", "Closed Date", "Created on", "",
                     ("Won", "Proposition", "Proposition")),
    ("Odoo", "de"): ("Verkäufer", "Phase", "Erwarteter Umsatz", "Abschlussdatum", "Erstellt am", "",
                     ("Gewonnen", "Angebot", "Angebot")),
}  # fmt: skip
# Calls: owner, type, date, done column (or ""), (call, e-mail, meeting) type texts.
_CALLS: Final[dict[tuple[str, str], tuple[str, str, str, str, tuple[str, str, str]]]] = {
    ("Salesforce", "en"): ("Assigned", "Task Subtype", "Date", "", ("Call", "Email", "Task")),
    ("Salesforce", "de"): ("Zugewiesen", "Aufgabenuntertyp", "Datum", "", ("Anruf", "E-Mail", "Aufgabe")),
    ("Salesforce", "nl"): ("Toegewezen aan", "Subtype taak", "Datum", "", ("Telefoongesprek", "E-mail", "Taak")),
    ("HubSpot", "en"): ("Activity assigned to", "Activity type", "Activity date", "", ("CALL", "EMAIL", "MEETING")),
    ("Pipedrive", "en"): ("Activity - Assigned to user", "Activity - Type", "Activity - Due date", "Activity - Done",
                          ("Call", "Email", "Meeting")),
    ("Pipedrive", "de"): ("Aktivität - Zugewiesen an Benutzer", "Aktivität - Typ", "Aktivität - Fälligkeitsdatum",
                          "Aktivität - Erledigt", ("Anruf", "E-Mail", "Meeting")),
}  # fmt: skip
# Leads: owner, status, date, (qualified, not qualified) status texts.
_LEADS: Final[dict[str, tuple[str, str, str, tuple[str, str]]]] = {
    "en": ("Lead Owner", "Lead Status", "Create Date", ("Closed - Converted", "Closed - Not Converted")),
    "de": ("Lead-Inhaber", "Lead-Status", "Erstelldatum", ("Qualifiziert", "Nicht qualifiziert")),
    "nl": ("Eigenaar lead", "Leadstatus", "Aanmaakdatum", ("Gekwalificeerd", "Niet gekwalificeerd")),
}
_SNAPSHOTS: Final = {
    "en": ("Snapshot Date", "Account Name", "Account Owner", "ARR"),
    "de": ("Stichtag", "Accountname", "Account-Inhaber", "Vertragswert"),
    "nl": ("Peildatum", "Klant", "Accounteigenaar", "Contractwaarde"),
}
_ROSTER: Final = {
    "en": ("Employee ID", "Full Name", "Job Title", "Team", "Office", "Line Manager", "Email", "Willing to coach",
           "Monthly Quota"),
    "de": ("Personalnummer", "Name", "Funktion", "Team", "Standort", "Vorgesetzte(r)", "E-Mail", "Coach-Bereitschaft",
           "Monatsquote"),
    "nl": ("Medewerkernummer", "Naam", "Functie", "Team", "Vestiging", "Leidinggevende", "E-mailadres",
           "Bereid te coachen", "Maandquotum"),
}  # fmt: skip
_YES_NO: Final = {"en": ("yes", "no"), "de": ("ja", "nein"), "nl": ("ja", "nee")}
_TITLES: Final = {
    "SDR": ("Sales Development Representative", "Inside Sales (SDR)", "BDR", "Senior SDR"),
    "AE": ("Account Executive", "Senior Account Executive DACH", "Enterprise Account Executive"),
    "AM": ("Key Account Manager", "Account Manager", "Customer Success Manager"),
}
_OWNER_EMAIL: Final = "Owner Email"
SALESFORCE_FOOTER: Final = (
    "Grand Totals ({n} records)",
    "Confidential Information - Do Not Distribute",
    "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
)


@dataclass(frozen=True)
class CrmSpec:
    """How to dress the records: vendor, language, date order, open deals, noise and footer."""

    vendor: str = "Salesforce"
    language: str = "en"
    day_first: bool = True  # numeric dates 14/03/2026 (en), 14.03.2026 (de), 14-03-2026 (nl); False: 3/14/2026
    seed: int = 7
    open_deals: int = 2  # open deals per AE (must not count)
    other_activities: float = 0.25  # e-mails and meetings per call (must not count)
    footer: bool = True  # a Salesforce report footer under each Salesforce file
    owner_email: bool = False  # an owner e-mail column (always when two people share a name)


def _date_format(spec: CrmSpec) -> str:
    if not spec.day_first:
        return "%m/%d/%Y"
    return {"en": "%d/%m/%Y", "de": "%d.%m.%Y", "nl": "%d-%m-%Y"}[spec.language]


def _money(values: np.ndarray, language: str) -> list[str]:
    if language == "en":
        return [f"{v:,.2f}" for v in values]
    return [f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for v in values]


def _days(rng: np.random.Generator, periods: pd.Series) -> pd.Series:
    """A random day (1st–28th) in each month."""
    index = periods.map(month_index).to_numpy()
    firsts = pd.to_datetime({"year": index // 12, "month": index % 12 + 1, "day": 1})
    return pd.Series(firsts + pd.to_timedelta(rng.integers(0, 28, len(index)), unit="D"), index=periods.index)


def _split(rng: np.random.Generator, total: float, parts: int) -> np.ndarray:
    """``parts`` non-negative amounts summing to ``total`` to the cent."""
    cents = int(round(total * 100))
    cuts = np.sort(rng.integers(0, cents + 1, parts - 1)) if parts > 1 else np.array([], dtype=int)
    return np.diff(np.concatenate(([0], cuts, [cents]))) / 100.0


def _csv(frame: pd.DataFrame, spec: CrmSpec, *, footer: bool) -> bytes:
    out = io.StringIO()
    quoting: Literal[0, 1] = 1 if spec.vendor == "Salesforce" else 0  # csv.QUOTE_ALL, csv.QUOTE_MINIMAL
    frame.to_csv(out, index=False, sep="," if spec.language == "en" else ";", quoting=quoting, lineterminator="\n")
    if footer and spec.vendor == "Salesforce" and spec.footer:
        out.write("\n" + "\n".join(f'"{line.format(n=len(frame))}"' for line in SALESFORCE_FOOTER) + "\n")
    return out.getvalue().encode("utf-8-sig" if spec.language != "en" else "utf-8")


def _emails(team: pd.DataFrame) -> pd.Series:
    people = team.drop_duplicates("rep_id").set_index("rep_id")
    ascii_names = people["name"].str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    local = ascii_names.str.lower().str.replace(r"[^a-z]+", ".", regex=True).str.strip(".")
    return local + "." + people.index.str.lower() + "@example.com"


def _with_email(spec: CrmSpec, people: pd.DataFrame) -> bool:
    """An owner e-mail column when asked for, and always when two people share a name (names alone link nobody)."""
    return spec.owner_email or bool(people["name"].duplicated().any())


def _owner_columns(rows: pd.DataFrame, header: str, people: pd.DataFrame, with_email: bool) -> pd.DataFrame:
    owners = pd.DataFrame({header: rows["rep_id"].map(people["name"]).to_numpy()})
    if with_email:
        owners[_OWNER_EMAIL] = rows["rep_id"].map(people["email"]).to_numpy()
    return owners


def _deals(team: pd.DataFrame, people: pd.DataFrame, spec: CrmSpec, rng: np.random.Generator) -> pd.DataFrame:
    owner, stage, amount, close, created, lost_col, (won_t, lost_t, open_t) = _DEALS[(spec.vendor, spec.language)]
    ae = team[team["role"] == "AE"]
    rows = []
    for rep_id, period, worked, won, revenue in ae[
        ["rep_id", "period", "deals_worked", "deals_won", "revenue_won"]
    ].itertuples(index=False):
        won_amounts = _split(rng, float(revenue), int(won)) if won else np.zeros(0)
        lost_amounts = np.round(rng.uniform(2_000, 60_000, int(worked) - int(won)), 2)
        for outcome, amounts in (("won", won_amounts), ("lost", lost_amounts)):
            rows += [(rep_id, period, outcome, a) for a in amounts]
    last = team["period"].max()
    for rep_id in ae["rep_id"].unique():
        rows += [(rep_id, last, "open", a) for a in np.round(rng.uniform(5_000, 80_000, spec.open_deals), 2)]
    deals = pd.DataFrame(rows, columns=["rep_id", "period", "outcome", "amount"])
    days = _days(rng, deals["period"])
    fmt = _date_format(spec)
    frame = _owner_columns(deals, owner, people, _with_email(spec, people))
    frame.insert(
        0, "Opportunity" if spec.vendor != "Salesforce" else "Opportunity Name", "Deal " + deals.index.astype(str)
    )
    is_odoo = spec.vendor == "Odoo"
    frame[stage] = deals["outcome"].map({"won": won_t, "lost": lost_t, "open": open_t}).to_numpy()
    frame[amount] = _money(deals["amount"].to_numpy(), spec.language)
    # Open deals carry an expected close date in the future; it must not make them count.
    expected = days.where(deals["outcome"] != "open", days + pd.Timedelta(days=45))
    close_days = expected if not lost_col else expected.where(deals["outcome"] != "lost", pd.NaT)
    frame[close] = close_days.dt.strftime(fmt).fillna("").to_numpy()
    if lost_col:
        frame[lost_col] = days.where(deals["outcome"] == "lost", pd.NaT).dt.strftime(fmt).fillna("").to_numpy()
    frame[created] = (days - pd.Timedelta(days=30)).dt.strftime(fmt).to_numpy()
    if is_odoo:
        frame["Active" if spec.language == "en" else "Aktiv"] = np.where(deals["outcome"] == "lost", "False", "True")
    if spec.vendor == "Dynamics 365":
        guids = [f"{{{i:08x}-0000}}" for i in range(len(frame))]
        frame.insert(0, "(Do Not Modify) Opportunity", guids)  # i18n: data (Dynamics 365's own header)
    return frame


def _calls(team: pd.DataFrame, people: pd.DataFrame, spec: CrmSpec, rng: np.random.Generator) -> pd.DataFrame:
    owner, type_col, date_col, done_col, (call, email, meeting) = _CALLS.get(
        (spec.vendor, spec.language), _CALLS[("Salesforce", spec.language)]
    )
    sdr = team[team["role"] == "SDR"]
    calls = sdr.loc[sdr.index.repeat(sdr["calls"].astype(int)), ["rep_id", "period"]].assign(kind=call)
    extra = rng.binomial(sdr["calls"].astype(int).to_numpy(), spec.other_activities)
    others = sdr.loc[sdr.index.repeat(extra), ["rep_id", "period"]]
    others = others.assign(kind=np.where(rng.random(len(others)) < 0.5, email, meeting))
    rows = pd.concat([calls, others], ignore_index=True)
    days = _days(rng, rows["period"]) + pd.to_timedelta(rng.integers(8 * 60, 18 * 60, len(rows)), unit="min")
    frame = _owner_columns(rows, owner, people, _with_email(spec, people))
    frame[type_col] = rows["kind"].to_numpy()
    frame[date_col] = days.dt.strftime(_date_format(spec) + " %H:%M").to_numpy()
    if done_col:
        frame[done_col] = {"en": "Done", "de": "Erledigt", "nl": "Gereed"}[spec.language]
    return frame


def _leads(team: pd.DataFrame, people: pd.DataFrame, spec: CrmSpec, rng: np.random.Generator) -> pd.DataFrame:
    owner, status, date_col, (qualified, rejected) = _LEADS[spec.language]
    sdr = team[team["role"] == "SDR"]
    rows = sdr.loc[sdr.index.repeat(sdr["leads_sent"].astype(int)), ["rep_id", "period", "qualified_leads"]]
    rank = rows.groupby(["rep_id", "period"]).cumcount()
    frame = _owner_columns(rows, owner, people, _with_email(spec, people))
    frame[status] = np.where(rank.to_numpy() < rows["qualified_leads"].astype(int).to_numpy(), qualified, rejected)
    frame[date_col] = _days(rng, rows["period"].reset_index(drop=True)).dt.strftime(_date_format(spec)).to_numpy()
    return frame


def _snapshots(team: pd.DataFrame, people: pd.DataFrame, spec: CrmSpec, rng: np.random.Generator) -> pd.DataFrame:
    date_col, account_col, owner, value_col = _SNAPSHOTS[spec.language]
    am = team[team["role"] == "AM"].sort_values(["rep_id", "period"])
    ends = pd.concat(
        [
            am.groupby("rep_id")
            .head(1)
            .assign(month=lambda f: f["period"].map(month_index) - 1, value=am["portfolio_start"]),
            am.assign(month=am["period"].map(month_index), value=am["portfolio_end"]),
        ]
    )
    rows = []
    for rep_id, month, value in ends[["rep_id", "month", "value"]].itertuples(index=False):
        accounts = 3 + int(people.loc[rep_id, "accounts"])
        for number, part in enumerate(_split(rng, float(value), accounts)):
            rows.append((rep_id, int(month), f"{people.loc[rep_id, 'name']} account {number + 1}", part))
    snaps = pd.DataFrame(rows, columns=["rep_id", "month", "account", "value"])
    month_end = pd.to_datetime({"year": snaps["month"] // 12, "month": snaps["month"] % 12 + 1, "day": 1})
    month_end = month_end + pd.offsets.MonthEnd(0)
    frame = pd.DataFrame({date_col: month_end.dt.strftime(_date_format(spec)), account_col: snaps["account"]})
    owners = _owner_columns(snaps, owner, people, _with_email(spec, people))
    for column in owners.columns:
        frame[column] = owners[column].to_numpy()
    frame[value_col] = _money(snaps["value"].to_numpy(), spec.language)
    return frame


def _roster(team: pd.DataFrame, people: pd.DataFrame, spec: CrmSpec, rng: np.random.Generator) -> pd.DataFrame:
    headers = _ROSTER[spec.language]
    yes, no = _YES_NO[spec.language]
    first = team.drop_duplicates("rep_id").set_index("rep_id")
    titles = [_TITLES[str(r)][int(rng.integers(len(_TITLES[str(r)])))] for r in first["role"]]
    quota = first["quota"].where(first["role"] == "AE")
    values = (
        first.index,
        first["name"],
        titles,
        first["team"],
        first["region"],
        first["manager"],
        people.loc[first.index, "email"],
        first["coach_willing"].map({"yes": yes, "no": no}).fillna(""),
        [_money(np.array([q]), spec.language)[0] if q == q else "" for q in quota],
    )
    return pd.DataFrame(dict(zip(headers, [list(v) for v in values], strict=True)))


def explode(team: pd.DataFrame, spec: CrmSpec | None = None) -> dict[str, bytes]:
    """Write a monthly team as the CRM's own exports and a people list.

    Args:
        team: A canonical monthly table (as :func:`core.demo.generate_team` makes it).
        spec: Vendor, language, date order and noise; default Salesforce in English, day first.

    Returns:
        File name -> CSV bytes: ``roster.csv`` and, for the roles present, ``deals.csv``, ``calls.csv``,
        ``leads.csv`` and ``snapshots.csv``, rows in random order.

    Raises:
        ValueError: When the vendor does not export deals in that language here.
    """
    spec = spec or CrmSpec()
    if (spec.vendor, spec.language) not in _DEALS:
        supported = ", ".join(f"{v}/{lang}" for v, lang in _DEALS)
        raise ValueError(
            _("No {vendor} export in '{language}' is modelled; use one of {supported}.").format(
                vendor=spec.vendor, language=spec.language, supported=supported
            )
        )
    rng = np.random.default_rng(spec.seed)
    people = team.drop_duplicates("rep_id").set_index("rep_id")[["name"]]
    people = people.assign(email=_emails(team), accounts=rng.integers(0, 4, len(people)))
    files = {"roster.csv": _csv(_roster(team, people, spec, rng), spec, footer=False)}
    roles = set(team["role"])
    for name, role, build in (
        ("deals.csv", "AE", _deals),
        ("calls.csv", "SDR", _calls),
        ("leads.csv", "SDR", _leads),
        ("snapshots.csv", "AM", _snapshots),
    ):
        if role in roles:
            frame = build(team, people, spec, rng)
            frame = frame.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
            files[name] = _csv(frame, spec, footer=True)
    return files
