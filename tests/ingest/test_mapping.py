"""Header and role mapping: German, Dutch and CRM exports onto the canonical template."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from core.ingest.mapping import (
    FIELD_SYNONYMS,
    ROLE_SYNONYMS,
    header_signature,
    normalise_header,
    normalise_roles,
    suggest_mapping,
)
from core.schema import CANONICAL_COLUMNS, ROLES

GERMAN = [
    "Mitarbeiter-ID", "Name", "Rolle", "Team", "Region", "Vorgesetzte(r)", "Monat", "Anrufe",
    "Leads gesendet", "Qualifizierte Leads", "Bearbeitete Opportunities", "Gewonnene Deals",
    "Umsatz gewonnen", "Quote", "Portfoliowert Anfang", "Portfoliowert Ende", "Coach-Bereitschaft",
    "Coaching-Eignung", "Coaching-Schulung absolviert", "Sprache",
]  # fmt: skip
DUTCH = [
    "Medewerker-ID", "Naam", "Functie", "Team", "Regio", "Leidinggevende", "Maand", "Gesprekken",
    "Verstuurde leads", "Gekwalificeerde leads", "Bewerkte deals", "Gewonnen deals", "Gewonnen omzet",
    "Quotum", "Portefeuille begin", "Portefeuille eind", "Bereid te coachen",
    "Geschiktheid als coach", "Coachingtraining gevolgd", "Taal",
]  # fmt: skip
CRM = [
    "User ID", "Full Name", "Role", "Team", "Region", "Manager", "Month", "Calls", "Leads Sent",
    "Qualified Leads", "Opportunities Worked", "Closed Won", "Closed Won Amount", "Quota",
    "Portfolio Start Value", "Portfolio End Value", "Willing to Coach",
    "Coaching Aptitude", "Coaching Training Done", "Language",
]  # fmt: skip
CANONICAL = list(CANONICAL_COLUMNS)

# ------------------------------------------------------------------------------ normalise_header

HEADERS = [
    ("Qualifizierte Leads", "qualifizierte leads"),
    ("qualifizierte_leads", "qualifizierte leads"),
    ("QUALIFIZIERTE-LEADS", "qualifizierte leads"),
    ("  Qualifizierte   Leads ", "qualifizierte leads"),
    ("Vorgesetzte(r)", "vorgesetzte r"),
    ("Abschlüsse", "abschluesse"),
    ("Führungskraft", "fuehrungskraft"),
    ("GRÖSSE", "groesse"),
    ("Straße", "strasse"),
    ("Période", "periode"),
    ("Activities: Calls", "activities calls"),
    ("Pers.-Nr.", "pers nr"),
    ("rep_id", "rep id"),
    ("Closed Won Amount (€)", "closed won amount"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), HEADERS)
def test_normalise_header(text: str, expected: str) -> None:
    """Case, punctuation, spacing and umlauts do not matter; the result is deterministic."""
    assert normalise_header(text) == expected
    assert normalise_header(normalise_header(text)) == expected


# ------------------------------------------------------------------------------ suggest_mapping


@pytest.mark.parametrize("headers", [GERMAN, DUTCH, CRM, CANONICAL], ids=["german", "dutch", "crm", "canonical"])
def test_reference_header_sets_map_fully(headers: list[str]) -> None:
    """Each reference header set maps every canonical field to its own header, each header once."""
    mapping = suggest_mapping(headers)
    assert list(mapping) == CANONICAL
    assert mapping == dict(zip(CANONICAL, headers, strict=True))
    used = [header for header in mapping.values() if header is not None]
    assert len(used) == len(set(used))


@pytest.mark.parametrize("headers", [GERMAN, DUTCH, CRM], ids=["german", "dutch", "crm"])
def test_reference_header_sets_map_in_any_order(headers: list[str]) -> None:
    """Shuffled or re-cased headers still map each field to the same header."""
    shuffled = [header.upper() for header in reversed(headers)]
    mapping = suggest_mapping(shuffled)
    assert mapping == {field: header.upper() for field, header in zip(CANONICAL, headers, strict=True)}


MORE = [
    (["Employee ID"], "rep_id", "Employee ID"),
    (["Personalnummer"], "rep_id", "Personalnummer"),
    (["Sales Rep"], "name", "Sales Rep"),
    (["Rep"], "name", "Rep"),
    (["Owner"], "name", "Owner"),
    (["Period"], "period", "Period"),
    (["Zeitraum"], "period", "Zeitraum"),
    (["Periode"], "period", "Periode"),
    (["Dials"], "calls", "Dials"),
    (["Activities: Calls"], "calls", "Activities: Calls"),
    (["Anzahl Anrufe"], "calls", "Anzahl Anrufe"),
    (["Total Calls"], "calls", "Total Calls"),
    (["SQLs"], "qualified_leads", "SQLs"),
    (["Opportunities"], "deals_worked", "Opportunities"),
    (["Won"], "deals_won", "Won"),
    (["Won Deals"], "deals_won", "Won Deals"),
    (["Abschlüsse"], "deals_won", "Abschlüsse"),
    (["Abschluesse"], "deals_won", "Abschluesse"),
    (["Revenue"], "revenue_won", "Revenue"),
    (["Bookings"], "revenue_won", "Bookings"),
    (["ARR won"], "revenue_won", "ARR won"),
    (["Umsatz"], "revenue_won", "Umsatz"),
    (["Umsatz (EUR)"], "revenue_won", "Umsatz (EUR)"),
    (["Omzet"], "revenue_won", "Omzet"),
    (["Target"], "quota", "Target"),
    (["Ziel"], "quota", "Ziel"),
    (["Soll"], "quota", "Soll"),
    (["Doel"], "quota", "Doel"),
    (["ARR start"], "portfolio_start", "ARR start"),
    (["Book of business start"], "portfolio_start", "Book of business start"),
    (["Bestand Anfang"], "portfolio_start", "Bestand Anfang"),
    (["Team", "Team Lead"], "team", "Team"),
    (["Team", "Team Lead"], "manager", "Team Lead"),
    (["Team Lead", "Team"], "team", "Team"),
    (["ID", "Employee ID"], "rep_id", "Employee ID"),
    (["Closed Won", "Closed Won Amount"], "deals_won", "Closed Won"),
    (["Closed Won", "Closed Won Amount"], "revenue_won", "Closed Won Amount"),
    (["Revenue", "Umsatz"], "revenue_won", "Revenue"),
    (["Rep ID", "rep_id"], "rep_id", "rep_id"),
]


@pytest.mark.parametrize(("headers", "field", "expected"), MORE)
def test_suggest_mapping_vocabulary(headers: list[str], field: str, expected: str) -> None:
    """Common export vocabulary lands on the right field, and a better match is not stolen."""
    assert suggest_mapping(headers)[field] == expected


UNMAPPED = [
    ["MQLs sent"],
    ["Notes"],
    ["Team Size"],
    ["Quarter"],
    ["Year"],
    ["Leads Rejected"],
]


@pytest.mark.parametrize("headers", UNMAPPED)
def test_suggest_mapping_leaves_strangers_alone(headers: list[str]) -> None:
    """Headers that mean something else are not forced onto a field (no substring matching)."""
    assert set(suggest_mapping(headers).values()) == {None}


def test_suggest_mapping_uses_each_header_once() -> None:
    """A header matching several fields' vocabulary is given to one field only."""
    mapping = suggest_mapping(["Team", "Team", "Manager", "Calls", "Calls"])
    used = [header for header in mapping.values() if header is not None]
    assert sorted(used) == ["Calls", "Manager", "Team"]


def test_suggest_mapping_is_deterministic() -> None:
    """The same headers always give the same suggestion."""
    headers = GERMAN + ["Notes", "Employee ID", "Revenue"]
    assert all(suggest_mapping(headers) == suggest_mapping(list(headers)) for _ in range(3))


def test_field_synonyms_are_unambiguous() -> None:
    """No normalised synonym belongs to two fields, and every field has vocabulary."""
    owners: Counter[str] = Counter()
    for field, synonyms in FIELD_SYNONYMS.items():
        assert field in CANONICAL_COLUMNS
        owners.update({normalise_header(word) for word in (field, *synonyms)})
    assert [key for key, count in owners.items() if count > 1] == []
    assert set(FIELD_SYNONYMS) == set(CANONICAL_COLUMNS)


# ------------------------------------------------------------------------------ header_signature


def test_header_signature_ignores_case_and_spacing() -> None:
    """Re-cased, re-spaced or re-punctuated headers share a signature."""
    signature = header_signature(GERMAN)
    assert len(signature) == 64
    assert int(signature, 16) >= 0
    assert header_signature([f"  {header.upper().replace(' ', '_')} " for header in GERMAN]) == signature


def test_header_signature_depends_on_order_and_content() -> None:
    """Reordered, missing or different headers change the signature."""
    signature = header_signature(CRM)
    assert header_signature(list(reversed(CRM))) != signature
    assert header_signature(CRM[:-1]) != signature
    assert header_signature(DUTCH) != signature
    assert header_signature(["a b", "c"]) != header_signature(["a", "b c"])


def test_header_signature_is_stable() -> None:
    """The digest is fixed across runs and Python versions (no hash randomisation)."""
    assert header_signature(["Month", "Calls"]) == header_signature(("month", "CALLS"))
    assert header_signature([]) == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"


# ------------------------------------------------------------------------------ roles

ROLE_TEXTS = [
    ("SDR", "SDR"),
    ("sdr", "SDR"),
    ("BDR", "SDR"),
    ("Sales Development Representative", "SDR"),
    ("Sales Development Rep", "SDR"),
    ("sales-development-rep", "SDR"),
    ("Business Development Representative", "SDR"),
    ("Business Development Rep", "SDR"),
    ("Lead Development Rep", "SDR"),
    ("Sales Development", "SDR"),
    ("Vertriebsentwickler", "SDR"),
    ("Senior SDR", "SDR"),
    ("Sales Development Representative (SDR)", "SDR"),
    ("AE", "AE"),
    ("Account Executive", "AE"),
    ("Sr. Account Executive", "AE"),
    ("Senior Account Executive", "AE"),
    ("Account Executive II", "AE"),
    ("Closer", "AE"),
    ("Account Exec", "AE"),
    ("AM", "AM"),
    ("Account Manager", "AM"),
    ("Key Account Manager", "AM"),
    ("KAM", "AM"),
    ("Customer Success Manager", "AM"),
    ("Strategic Account Manager", "AM"),
    ("Bestandskundenbetreuer", "AM"),
    ("Accountmanager", "AM"),
    ("  account   MANAGER ", "AM"),
    ("Inside Sales Representative", None),
    ("Inside Sales", None),
    ("Sales Manager", None),
    ("Account", None),
    ("Marketing", None),
]


@pytest.mark.parametrize(("text", "expected"), ROLE_TEXTS)
def test_normalise_roles_synonyms(text: str, expected: str | None) -> None:
    """Known titles map to their role regardless of case and punctuation; unknown ones are not guessed."""
    roles, unknown = normalise_roles(pd.Series([text], dtype=object))
    if expected is None:
        assert roles.isna().all()
        assert unknown == [text.strip()]
    else:
        assert roles.tolist() == [expected]
        assert unknown == []


def test_role_synonyms_are_normalised_and_valid() -> None:
    """Every key is already normalised and every value is one of the three roles."""
    assert ROLE_SYNONYMS
    assert all(normalise_header(key) == key for key in ROLE_SYNONYMS)
    assert set(ROLE_SYNONYMS.values()) == set(ROLES)
    assert "inside sales representative" not in ROLE_SYNONYMS


def test_normalise_roles_blank_and_unknown_list() -> None:
    """Blanks stay missing and are not reported; unknown originals are distinct and sorted."""
    values = pd.Series(["AE", "", None, "Inside Sales", "Hunter-Farmer", "Inside Sales", "SDR"], index=list("abcdefg"))
    roles, unknown = normalise_roles(values.astype(object))
    assert roles.index.tolist() == list("abcdefg")
    assert roles.tolist()[0] == "AE"
    assert roles.tolist()[-1] == "SDR"
    assert roles.isna().tolist() == [False, True, True, True, True, True, False]
    assert unknown == ["Hunter-Farmer", "Inside Sales"]


def test_normalise_roles_extra_answers_win() -> None:
    """The user's answers resolve unknown titles, override synonyms, and match other spellings."""
    values = pd.Series(["Inside Sales", "inside  SALES", "Closer", "Pre-Sales"], dtype=object)
    roles, unknown = normalise_roles(values, {"Inside Sales": "SDR", "Closer": "AM"})
    assert roles.tolist()[:3] == ["SDR", "SDR", "AM"]
    assert unknown == ["Pre-Sales"]


def test_normalise_roles_rejects_bad_answers() -> None:
    """An answer that is not SDR, AE or AM is a human-readable error."""
    with pytest.raises(ValueError, match="SDR, AE, AM"):
        normalise_roles(pd.Series(["Inside Sales"], dtype=object), {"Inside Sales": "Sales"})


def test_normalise_roles_many_rows() -> None:
    """A long column with few distinct titles maps row by row."""
    values = pd.Series(["SDR", "Account Executive", "KAM", "?"] * 120_000, dtype=object)
    roles, unknown = normalise_roles(values)
    assert roles.value_counts(dropna=False).to_dict() == {"SDR": 120_000, "AE": 120_000, "AM": 120_000, pd.NA: 120_000}
    assert unknown == ["?"]
