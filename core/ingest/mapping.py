"""Match an uploaded sheet's headers and role labels to the canonical template.

Real exports never use our column names: a German sheet says "Qualifizierte Leads",
a Dutch one "Gekwalificeerde leads", a CRM "Closed Won Amount". This module
suggests which header feeds which canonical field (the user confirms it), remembers
a confirmed mapping by a signature of the headers, and turns free-text job titles
into SDR / AE / AM — never guessing: unknown titles are handed back to ask about.

Matching is by whole normalised text (case, spacing, punctuation and umlauts
ignored), never by substring, so "Team Lead" cannot be mistaken for "Team".
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd

from core.i18n import _
from core.schema import CANONICAL_COLUMNS, ROLES

# Canonical field -> synonyms, best first (the better synonym wins when two headers match).
FIELD_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "rep_id": (
        "Rep ID", "Employee ID", "User ID", "Mitarbeiter-ID", "Mitarbeiter ID", "Mitarbeiternummer",
        "Personalnummer", "Personal-Nr.", "Pers.-Nr.", "Medewerker-ID", "Medewerker ID",
        "Medewerkernummer", "Personeelsnummer", "Employee Number", "Employee No", "Staff ID",
        "Owner ID", "Sales Rep ID", "Rep Code", "ID",
    ),
    "name": (
        "Full Name", "Rep Name", "Employee Name", "Mitarbeitername", "Name des Mitarbeiters",
        "Naam", "Volledige naam", "Medewerkernaam", "Sales Rep", "Rep", "Employee", "Mitarbeiter",
        "Vertriebsmitarbeiter", "Medewerker", "Owner", "Owner Name", "Opportunity Owner",
        "User", "User Name", "Full Name (User)", "Nom", "Nom complet",
    ),
    "role": (
        "Role", "Rolle", "Functie", "Rol", "Sales Role", "User Role", "Job Title", "Title",
        "Position", "Funktion", "Stelle", "Jobtitel", "Functietitel", "Fonction", "Rôle",
    ),
    "team": (
        "Team Name", "Sales Team", "Teamname", "Vertriebsteam", "Verkoopteam", "Équipe", "Equipe",
        "Department", "Abteilung", "Afdeling",
    ),
    "region": (
        "Sales Region", "Regio", "Territory", "Sales Territory", "Gebiet", "Vertriebsgebiet",
        "Vertriebsregion", "Verkoopregio", "Market", "Markt", "Area", "Région",
    ),
    "manager": (
        "Manager", "Line Manager", "Manager Name", "Direct Manager", "Reports To", "Sales Manager",
        "Team Lead", "Team Leader", "Supervisor", "Vorgesetzte(r)", "Vorgesetzter", "Vorgesetzte",
        "Führungskraft", "Teamleiter", "Teamleiterin", "Teamleitung", "Leidinggevende",
        "Teamleider", "Manager (naam)", "Responsable",
    ),
    "period": (
        "Month", "Period", "Reporting Month", "Reporting Period", "Month Year", "Year Month",
        "Monat", "Berichtsmonat", "Zeitraum", "Periode", "Abrechnungsmonat", "Maand",
        "Rapportagemaand", "Date", "Datum", "Mois", "Période",
    ),
    "calls": (
        "Calls", "Calls Made", "Dials", "Activities: Calls", "Call Count", "Number of Calls",
        "Outbound Calls", "Calls Logged", "Anrufe", "Anzahl Anrufe", "Telefonate", "Anrufe getätigt",
        "Gesprekken", "Aantal gesprekken", "Belpogingen", "Gebeld", "Appels",
    ),
    "leads_sent": (
        "Leads Sent", "Leads Passed", "Leads Handed Over", "Leads to AE", "Leads gesendet",
        "Gesendete Leads", "Übergebene Leads", "Leads übergeben", "Verstuurde leads",
        "Leads verstuurd", "Doorgestuurde leads", "Meetings Booked", "Meetings Set",
        "Appointments Set", "Termine vereinbart", "Leads envoyés", "Leads",
        # "MQLs" are deliberately absent: marketing creates them, they are not the SDR's output.
    ),
    "qualified_leads": (
        "Qualified Leads", "Leads Qualified", "Accepted Leads", "Leads Accepted",
        "Sales Accepted Leads", "Sales Qualified Leads", "SQLs", "SQL", "SALs", "SAL",
        "Qualifizierte Leads", "Akzeptierte Leads", "Gekwalificeerde leads", "Geaccepteerde leads",
        "Leads qualifiés",
    ),
    "deals_worked": (
        "Deals Worked", "Opportunities Worked", "Opps Worked", "Opportunities", "Opps", "Deals",
        "Bearbeitete Opportunities", "Bearbeitete Deals", "Opportunities bearbeitet",
        "Verkaufschancen", "Bewerkte deals", "Bewerkte opportunities", "Opportunités",
    ),
    "deals_won": (
        "Deals Won", "Won Deals", "Closed Won", "Closed Won Deals", "Closed Won Count",
        "Opportunities Won", "Won Opportunities", "Wins", "Won", "Gewonnene Deals",
        "Deals gewonnen", "Gewonnene Opportunities", "Abschlüsse", "Gewonnen deals",
        "Gewonnen opportunities", "Gewonnen", "Affaires gagnées",
    ),
    "revenue_won": (
        "Revenue Won", "Won Revenue", "Closed Won Amount", "Closed Won Revenue", "Won Amount",
        "Amount Won", "Revenue", "Bookings", "ARR Won", "New ARR", "ACV Won", "Umsatz gewonnen",
        "Gewonnener Umsatz", "Umsatz", "Auftragseingang", "Gewonnen omzet", "Gewonnen bedrag",
        "Omzet", "Chiffre d'affaires",
    ),
    "quota": (
        "Quota", "Quota Amount", "Revenue Target", "Sales Target", "Target", "Quote", "Umsatzziel",
        "Zielumsatz", "Ziel", "Soll", "Quotum", "Omzetdoel", "Target omzet", "Doel", "Objectif",
    ),
    "portfolio_start": (
        "Portfolio Start", "Portfolio Start Value", "Portfolio Value Start", "Start Portfolio",
        "Starting Portfolio", "ARR Start", "Starting ARR", "Opening ARR", "MRR Start",
        "Book of Business Start", "Portfoliowert Anfang", "Portfolio Anfang", "Portfoliowert Start",
        "Bestand Anfang", "Bestandswert Anfang", "Portefeuille begin", "Portefeuillewaarde begin",
        "Portefeuille start", "Portefeuille début",
    ),
    "portfolio_end": (
        "Portfolio End", "Portfolio End Value", "Portfolio Value End", "End Portfolio",
        "Ending Portfolio", "ARR End", "Ending ARR", "Closing ARR", "MRR End",
        "Book of Business End", "Portfoliowert Ende", "Portfolio Ende", "Bestand Ende",
        "Bestandswert Ende", "Portefeuille eind", "Portefeuillewaarde eind", "Portefeuille einde",
        "Portefeuille fin",
    ),
    "coach_willing": (
        "Willing to Coach", "Coach Willing", "Willing to coach (yes/no)", "Wants to Coach",
        "Available as Coach", "Coaching Willingness", "Coach-Bereitschaft", "Coachingbereitschaft",
        "Bereit zu coachen", "Bereitschaft Coach", "Bereid te coachen", "Bereid om te coachen",
        "Wil coachen", "Prêt à coacher",
    ),
    "coach_aptitude": (
        "Coaching Aptitude", "Coach Aptitude", "Aptitude", "Coaching Ability", "Coaching Skill",
        "Coaching Rating", "Coach Rating", "Coaching Aptitude (1-5)", "Coach-Eignung", "Coaching-Eignung",
        "Eignung als Coach", "Coachingeignung", "Coaching-Talent", "Coachingtalent", "Geschiktheid als coach",
        "Coachgeschiktheid", "Coachingvaardigheid", "Coachingtalent (1-5)", "Aptitude au coaching",
    ),
    "coach_trained": (
        "Coaching Training Done", "Coach Trained", "Coaching Trained", "Coaching Training",
        "Trained as Coach", "Coaching Certified", "Coaching-Schulung absolviert", "Coaching-Schulung",
        "Coachingschulung", "Coach-Ausbildung", "Coachingausbildung", "Coaching-Training absolviert",
        "Coachingtraining gevolgd", "Coachtraining gevolgd", "Coachingtraining", "Coachopleiding",
        "Coachingopleiding", "Formation coaching",
    ),
    "language": (
        "Language", "Plan Language", "Preferred Language", "Lang", "Sprache", "Plansprache", "Bevorzugte Sprache",
        "Korrespondenzsprache", "Taal", "Voorkeurstaal", "Correspondentietaal", "Langue",
    ),
}  # fmt: skip

# Titles as people write them -> role. Keys are normalised below.
_ROLE_TITLES: Final[dict[str, str]] = {
    # SDR: books meetings / qualifies leads for AEs.
    "SDR": "SDR", "BDR": "SDR", "LDR": "SDR", "Sales Development": "SDR",
    "Sales Development Representative": "SDR", "Sales Development Rep": "SDR",
    "Business Development Representative": "SDR", "Business Development Rep": "SDR",
    "Lead Development Representative": "SDR", "Lead Development Rep": "SDR",
    "Market Development Representative": "SDR", "MDR": "SDR",
    "Vertriebsentwickler": "SDR",  # literal German rendering of "sales developer"
    "Sales Development Vertreter": "SDR",
    # AE: closes new business.
    "AE": "AE", "Account Executive": "AE", "Account Exec": "AE", "Sr. Account Executive": "AE",
    "Senior Account Executive": "AE", "Enterprise Account Executive": "AE",
    "Mid-Market Account Executive": "AE", "Commercial Account Executive": "AE",
    "Key Account Executive": "AE", "New Business Account Executive": "AE", "Closer": "AE",
    "Hunter": "AE",  # the hunter/farmer split common in DACH sales teams
    # AM: keeps and grows existing accounts. Customer Success Managers usually own renewals
    # and upsell, which is exactly the AM metric (portfolio growth), so they count as AM.
    "AM": "AM", "Account Manager": "AM", "Key Account Manager": "AM", "KAM": "AM",
    "Strategic Account Manager": "AM", "Senior Account Manager": "AM", "Accountmanager": "AM",
    "Key Accountmanager": "AM", "Account Management": "AM", "Customer Success Manager": "AM",
    "CSM": "AM", "Customer Success": "AM", "Bestandskundenbetreuer": "AM",
    "Bestandskundenbetreuerin": "AM", "Bestandskundenmanager": "AM", "Kundenbetreuer": "AM",
    "Farmer": "AM",
    # Deliberately absent: "Inside Sales Representative" / "ISR" / "Inside Sales" — some
    # companies' ISRs qualify leads (SDR), others close small deals (AE); we ask instead.
}  # fmt: skip

# Level words that do not change the role: "Senior SDR", "Account Executive II".
_LEVEL_WORDS: Final = frozenset({"senior", "sr", "junior", "jr", "associate", "i", "ii", "iii", "iv", "1", "2", "3"})

_TRANSLITERATE: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD: Final = re.compile(r"[\W_]+")


def normalise_header(text: str) -> str:
    """Reduce a header (or role title) to a comparable key.

    Case-folds, writes German umlauts as ae/oe/ue/ss, drops other accents, and turns every
    run of punctuation or whitespace into one space, so "Qualifizierte Leads",
    "qualifizierte_leads" and "QUALIFIZIERTE-LEADS" all become "qualifizierte leads".

    Args:
        text: The header as written.

    Returns:
        The normalised key (may be "" for a header of only punctuation).
    """
    folded = str(text).casefold().translate(_TRANSLITERATE)
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", plain).strip()


ROLE_SYNONYMS: Final[dict[str, str]] = {normalise_header(title): role for title, role in _ROLE_TITLES.items()}

# Words that decorate a header without changing its meaning: "Total Calls", "Umsatz (EUR)".
_NOISE_WORDS: Final = frozenset(
    {"total", "sum", "summe", "of", "the", "number", "nr", "count", "anzahl", "aantal", "in", "per"}
    | {"eur", "euro", "usd", "chf", "gbp"}
)


def _strip_noise(key: str) -> str:
    return " ".join(word for word in key.split() if word not in _NOISE_WORDS)


def _synonym_ranks() -> dict[str, tuple[str, int]]:
    """Map each normalised synonym to (field, rank); the canonical name itself ranks first."""
    ranks: dict[str, tuple[str, int]] = {}
    for field in CANONICAL_COLUMNS:
        for rank, word in enumerate((field, *FIELD_SYNONYMS.get(field, ()))):
            ranks.setdefault(normalise_header(word), (field, rank))
    return ranks


def _loose_ranks(exact: Mapping[str, tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """The same synonyms without decoration words, keeping only those that stay unambiguous."""
    loose: dict[str, tuple[str, int]] = {}
    clashes: set[str] = set()
    for key, (field, rank) in exact.items():
        bare = _strip_noise(key)
        if not bare or bare in clashes:
            continue
        if bare in loose and loose[bare][0] != field:
            clashes.add(bare)
            del loose[bare]
        elif bare not in loose or rank < loose[bare][1]:
            loose[bare] = (field, rank)
    return loose


_SYNONYM_RANKS: Final = _synonym_ranks()
_LOOSE_RANKS: Final = _loose_ranks(_SYNONYM_RANKS)


def suggest_mapping(headers: Sequence[str]) -> dict[str, str | None]:
    """Suggest which header feeds each canonical field.

    Passes, each only for fields and headers still free: canonical names as written
    (``rep_id``), then normalised ("Rep ID"), then whole-text synonyms (best-ranked
    synonym first, then the leftmost header), then the same with decoration words
    dropped ("Total Calls", "Umsatz (EUR)"). Every header is used at most once; the
    result is deterministic.

    Args:
        headers: The sheet's headers in order.

    Returns:
        Every field of ``CANONICAL_COLUMNS`` (in that order) mapped to a header or None.
    """
    normalised = [normalise_header(header) for header in headers]
    mapping: dict[str, str | None] = dict.fromkeys(CANONICAL_COLUMNS)
    used: set[int] = set()

    def assign(lookup: Mapping[str, tuple[str, int]], keys: Sequence[str]) -> None:
        candidates: list[tuple[int, int, str]] = []  # (rank, header position, field)
        for position, key in enumerate(keys):
            hit = lookup.get(key)
            if hit is not None and position not in used:
                candidates.append((hit[1], position, hit[0]))
        for _rank, position, field in sorted(candidates):
            if mapping[field] is None and position not in used:
                mapping[field] = headers[position]
                used.add(position)

    canonical = {field: (field, 0) for field in CANONICAL_COLUMNS}
    assign(canonical, [str(header).strip() for header in headers])  # "rep_id" as written
    assign({normalise_header(field): hit for field, hit in canonical.items()}, normalised)  # "Rep ID"
    assign(_SYNONYM_RANKS, normalised)
    assign(_LOOSE_RANKS, [_strip_noise(key) for key in normalised])
    return mapping


def header_signature(headers: Sequence[str]) -> str:
    """Return a stable sha256 hex digest of the normalised headers in order.

    Two files whose headers differ only in case, spacing or punctuation share a signature,
    so a mapping the user confirmed once can be offered again.
    """
    payload = json.dumps([normalise_header(header) for header in headers], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def _role_of(key: str, lookup: Mapping[str, str]) -> str | None:
    """Look up a normalised title, also without level words ("senior", "ii") or a repeated abbreviation."""
    if key in lookup:
        return lookup[key]
    words = [word for word in key.split() if word not in _LEVEL_WORDS]
    role = lookup.get(" ".join(words))
    if role is None and len(words) > 1 and lookup.get(words[-1]) == lookup.get(" ".join(words[:-1])):
        role = lookup.get(words[-1])  # "Sales Development Representative (SDR)"
    return role


SKIP_ROLE = "skip"
"""The answer that leaves a role text's rows out of an import."""


def normalise_roles(values: pd.Series, extra: Mapping[str, str] | None = None) -> tuple[pd.Series, list[str]]:
    """Turn free-text roles into "SDR" / "AE" / "AM".

    Args:
        values: Role cells as written in the sheet.
        extra: Answers the user gave for unknown titles, original text -> role. They win
            over the built-in synonyms and also apply to the same title written with other
            case or spacing.

    Returns:
        (roles with the input's index, ``pd.NA`` where blank or unknown; the sorted
        distinct non-blank original texts that are not known, stripped of surrounding space).

    Raises:
        ValueError: When an answer in ``extra`` is not one of SDR, AE, AM.
    """
    answers = dict(extra or {})
    wrong = sorted({str(role) for role in answers.values() if role not in ROLES})
    if wrong:
        raise ValueError(
            _("A role must be one of {roles}; got {wrong}.").format(roles=", ".join(ROLES), wrong=", ".join(wrong))
        )
    lookup = {**ROLE_SYNONYMS, **{normalise_header(text): role for text, role in answers.items()}}

    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    # Loops over the distinct titles only (a column holds a handful).
    texts = [str(value).strip() for value in uniques]
    roles = [answers.get(text) or _role_of(normalise_header(text), lookup) for text in texts]
    unknown = sorted({text for text, role in zip(texts, roles, strict=True) if text and role is None})
    table = np.array([pd.NA if role is None else role for role in roles] + [pd.NA], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=object), unknown
