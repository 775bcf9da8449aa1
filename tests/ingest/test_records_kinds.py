"""Each vendor's export dialect (EN/DE/NL) is recognised as the right kind with the right columns."""

from __future__ import annotations

import pytest

from core.ingest.reader import read_table
from core.ingest.records.kinds import KindProblem, read_records


def _csv(headers: list[str], row: list[str]) -> bytes:
    lines = [";".join(f'"{h}"' for h in headers), ";".join(f'"{v}"' for v in row)]
    return ("\n".join(lines) + "\n").encode("utf-8")


CASES: list[tuple[str, list[str], list[str], str, str, dict[str, str]]] = [
    # (case, headers, one row, kind, style, expected field -> header)
    (
        "Salesforce deals EN",
        ["Opportunity Owner", "Opportunity Name", "Stage", "Amount", "Close Date", "Created Date"],
        ["Ann Lee", "Acme", "Closed Won", "1,000.00", "3/14/2026", "1/2/2026"],
        "deals", "Salesforce",
        {"owner": "Opportunity Owner", "stage": "Stage", "amount": "Amount", "close_date": "Close Date",
         "created_date": "Created Date"},
    ),
    (
        "Salesforce deals DE",
        ["Opportunity-Inhaber", "Opportunity-Name", "Phase", "Betrag", "Schlusstermin", "Erstelldatum"],
        ["Ann Lee", "Acme", "Geschlossen und gewonnen", "1.000,00", "14.03.2026", "02.01.2026"],
        "deals", "Salesforce",
        {"owner": "Opportunity-Inhaber", "stage": "Phase", "amount": "Betrag", "close_date": "Schlusstermin",
         "created_date": "Erstelldatum"},
    ),
    (
        "HubSpot deals EN",
        ["Deal Name", "Deal owner", "Deal Stage", "Amount", "Close Date", "Create Date", "Is Closed Won"],
        ["Acme", "Ann Lee", "closedwon", "1000", "2026-03-14", "2026-01-02", "true"],
        "deals", "HubSpot",
        {"owner": "Deal owner", "stage": "Deal Stage", "amount": "Amount", "close_date": "Close Date",
         "created_date": "Create Date", "won_flag": "Is Closed Won"},
    ),
    (
        "HubSpot deals DE",
        ["Dealname", "Deal-Inhaber", "Deal-Phase", "Betrag", "Abschlussdatum"],
        ["Acme", "Ann Lee", "Gewonnen", "1000", "14.03.2026"],
        "deals", "HubSpot",
        {"owner": "Deal-Inhaber", "stage": "Deal-Phase", "amount": "Betrag", "close_date": "Abschlussdatum"},
    ),
    (
        "HubSpot deals NL",
        ["Naam deal", "Eigenaar deal", "Dealfase", "Bedrag", "Sluitingsdatum"],
        ["Acme", "Ann Lee", "Gewonnen", "1000", "14-03-2026"],
        "deals", "HubSpot",
        {"owner": "Eigenaar deal", "stage": "Dealfase", "amount": "Bedrag", "close_date": "Sluitingsdatum"},
    ),
    (
        "Pipedrive deals EN",
        ["Deal - Title", "Deal - Owner", "Deal - Status", "Deal - Value", "Deal - Won time", "Deal - Lost time"],
        ["Acme", "Ann Lee", "Won", "1000", "2026-03-14 10:23:00", ""],
        "deals", "Pipedrive",
        {"owner": "Deal - Owner", "stage": "Deal - Status", "amount": "Deal - Value",
         "close_date": "Deal - Won time", "lost_date": "Deal - Lost time"},
    ),
    (
        "Pipedrive deals DE",
        ["Deal - Titel", "Deal - Besitzer", "Deal - Status", "Deal - Wert", "Deal - Datum des gewonnenen Deals"],
        ["Acme", "Ann Lee", "gewonnen", "1000", "2026-03-14"],
        "deals", "Pipedrive",
        {"owner": "Deal - Besitzer", "stage": "Deal - Status", "amount": "Deal - Wert",
         "close_date": "Deal - Datum des gewonnenen Deals"},
    ),
    (
        "Dynamics 365 deals",
        ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "Topic", "Owner", "Status",
         "Actual Revenue", "Actual Close Date", "Est. revenue"],
        ["x", "y", "Acme", "Ann Lee", "Won", "1000", "3/14/2026", "900"],
        "deals", "Dynamics 365",
        {"owner": "Owner", "stage": "Status", "amount": "Actual Revenue", "close_date": "Actual Close Date"},
    ),
    (
        "Zoho deals",
        ["Deal Owner", "Deal Name", "Stage", "Amount", "Closing Date"],
        ["Ann Lee", "Acme", "Closed-Lost to Competition", "1000", "03/14/2026"],
        "deals", "Zoho",
        {"owner": "Deal Owner", "stage": "Stage", "amount": "Amount", "close_date": "Closing Date"},
    ),
    (
        "Close opportunities",
        ["lead_name", "user_name", "status_type", "value", "date_won", "date_created"],
        ["Acme", "Ann Lee", "won", "1000", "2026-03-14", "2026-01-02"],
        "deals", "Close",
        {"owner": "user_name", "stage": "status_type", "amount": "value", "close_date": "date_won"},
    ),
    (
        "Odoo pipeline DE",
        ["Verkaufschance", "Verkäufer", "Phase", "Erwarteter Umsatz", "Abschlussdatum", "Aktiv"],
        ["Acme", "Ann Lee", "Won", "1000", "14.03.2026", "True"],
        "deals", "Odoo",
        {"owner": "Verkäufer", "stage": "Phase", "amount": "Erwarteter Umsatz", "close_date": "Abschlussdatum",
         "active": "Aktiv"},
    ),
    (
        "Dutch deals",
        ["Verkoopkans", "Eigenaar", "Fase", "Bedrag", "Sluitingsdatum"],
        ["Acme", "Ann Lee", "Gewonnen", "1000", "14-03-2026"],
        "deals", "Salesforce",
        {"owner": "Eigenaar", "stage": "Fase", "amount": "Bedrag", "close_date": "Sluitingsdatum"},
    ),
    (
        "Salesforce tasks",
        ["Assigned", "Subject", "Task Subtype", "Date", "Call Result"],
        ["Ann Lee", "Intro", "Call", "3/14/2026", "Connected"],
        "calls", "Salesforce",
        {"owner": "Assigned", "type": "Task Subtype", "date": "Date", "outcome": "Call Result"},
    ),
    (
        "Salesforce tasks DE",
        ["Zugewiesen", "Betreff", "Aufgabenuntertyp", "Datum"],
        ["Ann Lee", "Intro", "Anruf", "14.03.2026"],
        "calls", "Salesforce",
        {"owner": "Zugewiesen", "type": "Aufgabenuntertyp", "date": "Datum"},
    ),
    (
        "HubSpot calls",
        ["Activity date", "Activity assigned to", "Call outcome", "Call title"],
        ["2026-03-14 10:23", "Ann Lee", "Connected", "Intro"],
        "calls", "HubSpot",
        {"owner": "Activity assigned to", "date": "Activity date", "outcome": "Call outcome"},
    ),
    (
        "Pipedrive activities NL",
        ["Activiteit - Onderwerp", "Activiteit - Type", "Activiteit - Toegewezen aan gebruiker",
         "Activiteit - Vervaldatum", "Activiteit - Gereed"],
        ["Intro", "Bellen", "Ann Lee", "14-03-2026", "Gereed"],
        "calls", "Pipedrive",
        {"owner": "Activiteit - Toegewezen aan gebruiker", "type": "Activiteit - Type",
         "date": "Activiteit - Vervaldatum", "done": "Activiteit - Gereed"},
    ),
    (
        "Pipedrive activities EN",
        ["Activity - Subject", "Activity - Type", "Activity - Assigned to user", "Activity - Due date",
         "Activity - Done"],
        ["Intro", "Call", "Ann Lee", "2026-03-14", "Done"],
        "calls", "Pipedrive",
        {"owner": "Activity - Assigned to user", "type": "Activity - Type", "date": "Activity - Due date",
         "done": "Activity - Done"},
    ),
    (
        "Salesforce leads",
        ["Lead Owner", "First Name", "Last Name", "Company", "Lead Status", "Create Date"],
        ["Ann Lee", "Bo", "Ek", "Acme", "Closed - Converted", "3/14/2026"],
        "leads", "Salesforce",
        {"owner": "Lead Owner", "status": "Lead Status", "date": "Create Date"},
    ),
    (
        "Salesforce leads DE",
        ["Lead-Inhaber", "Vorname", "Nachname", "Firma", "Lead-Status", "Erstelldatum"],
        ["Ann Lee", "Bo", "Ek", "Acme", "Qualifiziert", "14.03.2026"],
        "leads", "Salesforce",
        {"owner": "Lead-Inhaber", "status": "Lead-Status", "date": "Erstelldatum"},
    ),
    (
        "HubSpot contacts NL",
        ["Voornaam", "Contacteigenaar", "Leadstatus", "Aanmaakdatum"],
        ["Bo", "Ann Lee", "Gekwalificeerd", "14-03-2026"],
        "leads", "HubSpot",
        {"owner": "Contacteigenaar", "status": "Leadstatus", "date": "Aanmaakdatum"},
    ),
    (
        "Account snapshots EN",
        ["Snapshot Date", "Account Name", "Account Owner", "ARR"],
        ["2026-03-31", "Acme", "Ann Lee", "120000"],
        "snapshots", "Salesforce",
        {"owner": "Account Owner", "account": "Account Name", "value": "ARR", "date": "Snapshot Date"},
    ),
    (
        "Account snapshots DE",
        ["Stichtag", "Accountname", "Account-Inhaber", "Vertragswert"],
        ["31.03.2026", "Acme", "Ann Lee", "120.000,00"],
        "snapshots", "Salesforce",
        {"owner": "Account-Inhaber", "account": "Accountname", "value": "Vertragswert", "date": "Stichtag"},
    ),
    (
        "Account snapshots NL",
        ["Peildatum", "Klant", "Accounteigenaar", "Contractwaarde"],
        ["31-03-2026", "Acme", "Ann Lee", "120.000,00"],
        "snapshots", "Salesforce",
        {"owner": "Accounteigenaar", "account": "Klant", "value": "Contractwaarde", "date": "Peildatum"},
    ),
    (
        "Roster EN",
        ["Employee ID", "Full Name", "Job Title", "Team", "Office", "Line Manager", "Email", "Willing to coach",
         "Monthly Quota"],
        ["E1", "Ann Lee", "Senior Account Executive DACH", "DACH", "Berlin", "Bo Ek", "ann@x.com", "yes", "80000"],
        "roster", "",
        {"rep_id": "Employee ID", "name": "Full Name", "role": "Job Title", "team": "Team", "region": "Office",
         "manager": "Line Manager", "email": "Email", "coach_willing": "Willing to coach", "quota": "Monthly Quota"},
    ),
    (
        "Roster DE",
        ["Personalnummer", "Name", "Funktion", "Team", "Standort", "Vorgesetzte(r)", "E-Mail", "Monatsquote"],
        ["E1", "Ann Lee", "Key Account Manager", "DACH", "Berlin", "Bo Ek", "ann@x.com", "80.000"],
        "roster", "",
        {"rep_id": "Personalnummer", "name": "Name", "role": "Funktion", "region": "Standort",
         "manager": "Vorgesetzte(r)", "email": "E-Mail", "quota": "Monatsquote"},
    ),
    (
        "Roster NL",
        ["Medewerkernummer", "Naam", "Functie", "Team", "Vestiging", "Leidinggevende", "E-mailadres"],
        ["E1", "Ann Lee", "Inside Sales (SDR)", "Benelux", "Utrecht", "Bo Ek", "ann@x.com"],
        "roster", "",
        {"rep_id": "Medewerkernummer", "name": "Naam", "role": "Functie", "region": "Vestiging",
         "manager": "Leidinggevende", "email": "E-mailadres"},
    ),
    (
        "Quota file EN",
        ["Sales Rep", "Month", "Quota"],
        ["Ann Lee", "2026-03", "50000"],
        "quota", "",
        {"owner": "Sales Rep", "date": "Month", "quota": "Quota"},
    ),
    (
        "Quota file DE",
        ["Mitarbeiter", "Monat", "Monatsquote"],
        ["Ann Lee", "März 2026", "50.000"],
        "quota", "",
        {"owner": "Mitarbeiter", "date": "Monat", "quota": "Monatsquote"},
    ),
    (
        "Quota file NL",
        ["Medewerker", "Maand", "Omzetdoel"],
        ["Ann Lee", "mrt 2026", "50.000"],
        "quota", "",
        {"owner": "Medewerker", "date": "Maand", "quota": "Omzetdoel"},
    ),
    (
        "Monthly table",
        ["rep_id", "name", "role", "period", "calls", "leads_sent", "qualified_leads"],
        ["E1", "Ann Lee", "SDR", "2026-03", "400", "20", "8"],
        "monthly", "",
        {},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "row", "kind", "style", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_dialect_is_recognised(
    headers: list[str], row: list[str], kind: str, style: str, expected: dict[str, str]
) -> None:
    """The headers (and values where headers are ambiguous) give the kind, the vendor style and each column."""
    records = read_records(_csv(headers, row), "export.csv")
    assert records.kind == kind
    assert records.style == style
    for field, header in expected.items():
        assert records.mapping[field] == header, field
    assert not any("do not modify" in str(h).lower() for h in records.mapping.values() if h)


def test_values_decide_between_calls_and_leads() -> None:
    """Owner, Date, Type/Status headers fit several kinds: the values (Call, Email vs Qualified) decide."""
    calls = read_records(_csv(["Owner", "Date", "Type"], ["Ann", "2026-03-14", "Call"]), "a.csv")
    assert calls.kind == "calls"
    leads = read_records(_csv(["Owner", "Date", "Status"], ["Ann", "2026-03-14", "Qualified"]), "b.csv")
    assert leads.kind == "leads"


def test_kind_and_mapping_can_be_chosen() -> None:
    """The user's kind and column choice win over the recognition."""
    data = _csv(["Owner", "Date", "Status", "When"], ["Ann", "2026-03-14", "Qualified", "2026-03-15"])
    records = read_records(data, "b.csv", kind="leads", mapping={"date": "When"})
    assert records.kind == "leads" and records.mapping["date"] == "When"


def test_unrecognised_file_is_one_sentence() -> None:
    """A table that fits no kind is refused with a sentence naming the file and what to do."""
    with pytest.raises(KindProblem, match=r"'x.csv'.*(kind|columns)"):
        read_records(_csv(["Colour", "Size"], ["red", "4"]), "x.csv")
    assert read_table(_csv(["Colour"], ["red"]), "x.csv").frame.shape == (1, 1)
