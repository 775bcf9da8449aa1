"""What CRM exports call things: headers per record kind and vendor, and the words for won, lost, calls.

Everything here is data. Headers are written as the vendors' exports write them (Salesforce, HubSpot,
Pipedrive, Dynamics 365, Zoho, Close, Odoo) in English, German and Dutch, and compared after
:func:`core.ingest.mapping.normalise_header`, so case, spacing and punctuation do not matter. The
roster's fields reuse the monthly table's synonyms (:data:`core.ingest.mapping.FIELD_SYNONYMS`).
"""

from __future__ import annotations

from typing import Final, Literal

from core.i18n import N_
from core.ingest.mapping import FIELD_SYNONYMS, normalise_header
from core.schema import KINDS as KINDS  # the kinds live in core.schema: the command line reads them without pandas
from core.schema import RECORD_KINDS as RECORD_KINDS
from core.schema import Kind as Kind

KIND_LABELS: Final[dict[Kind, str]] = {
    "deals": N_("deals export"),
    "calls": N_("calls/activities export"),
    "leads": N_("leads export"),
    "snapshots": N_("account snapshots"),
    "quota": N_("quota file"),
    "roster": N_("people list"),
    "monthly": N_("monthly table"),
}
"""What each kind is called, in English and marked: shown through ``_()`` where a person reads it."""
VENDORS: Final = ("Salesforce", "HubSpot", "Pipedrive", "Dynamics 365", "Zoho", "Close", "Odoo")

_OWNER_ID: Final = ("Owner ID", "Owner Id", "User ID", "Benutzer-ID", "Gebruikers-ID", "user_id", "Owner: User ID")
_OWNER_EMAIL: Final = (
    "Owner Email", "Owner E-Mail", "Owner e-mail", "E-Mail des Inhabers", "E-mail eigenaar", "user_email",
    "Opportunity Owner: Email", "Deal owner email", "Owner email address",
)  # fmt: skip

# (kind, field) -> {vendor or "": headers}. The first field of each kind listed is its owner.
HEADERS: Final[dict[tuple[Kind, str], dict[str, tuple[str, ...]]]] = {
    ("deals", "owner"): {
        "Salesforce": ("Opportunity Owner", "Opportunity-Inhaber", "Opportunity Owner: Full Name",
                       "Eigenaar verkoopkans"),
        "HubSpot": ("Deal owner", "Deal-Inhaber", "Dealinhaber", "Deal-eigenaar", "Eigenaar deal", "Dealeigenaar"),
        "Pipedrive": ("Deal - Owner", "Deal - Besitzer", "Deal - Eigenaar", "Deal - Inhaber"),
        "Dynamics 365": ("Owner", "Besitzer", "Eigenaar"),
        "Zoho": ("Deal Owner", "Geschäftsinhaber"),
        "Close": ("user_name", "Opportunity User"),
        "Odoo": ("Salesperson", "Verkäufer", "Verkoper", "Vertriebsmitarbeiter", "Verkoopmedewerker"),
    },
    ("deals", "stage"): {
        "Salesforce": ("Stage", "Phase", "Fase", "Opportunity Stage"),
        "HubSpot": ("Deal Stage", "Deal-Phase", "Dealphase", "Dealfase", "Fase van deal"),
        "Pipedrive": ("Deal - Status", "Deal - Stage", "Deal - Phase", "Deal - Fase"),
        "Dynamics 365": ("Status", "Status Reason", "Statusgrund", "Statusreden"),
        "Close": ("status_type", "status_label"),
        "": ("Verkoopfase", "Stadium", "Outcome", "Ergebnis", "Resultaat"),
    },
    ("deals", "amount"): {
        "Salesforce": ("Amount", "Betrag", "Bedrag", "Amount (converted)", "Betrag (konvertiert)"),
        "Pipedrive": ("Deal - Value", "Deal - Wert", "Deal - Waarde"),
        "Dynamics 365": ("Actual Revenue", "Tatsächlicher Umsatz", "Werkelijke omzet", "Est. revenue",
                         "Geschätzter Umsatz", "Geschatte omzet"),
        "Close": ("value", "annualized_value"),
        "Odoo": ("Expected Revenue", "Erwarteter Umsatz", "Verwachte omzet"),
        "": ("Deal Value", "Value", "Wert", "Waarde", "Revenue", "Umsatz", "Omzet"),
    },
    ("deals", "close_date"): {
        "Salesforce": ("Close Date", "Schlusstermin", "Sluitingsdatum", "Abschlussdatum"),
        "HubSpot": ("Close Date", "Abschlussdatum", "Sluitingsdatum"),
        "Pipedrive": ("Deal - Won time", "Deal - Datum des gewonnenen Deals", "Deal - Close date",
                      "Deal - Abschlussdatum", "Deal - Gewonnen op"),
        "Dynamics 365": ("Actual Close Date", "Tatsächliches Abschlussdatum", "Werkelijke afsluitdatum",
                         "Est. Close Date", "Geschätztes Abschlussdatum"),
        "Zoho": ("Closing Date",),
        "Close": ("date_won", "date_closed"),
        "Odoo": ("Closed Date", "Date Closed", "Abschlussdatum", "Sluitdatum"),
        "": ("Won Date", "Datum gewonnen", "Closed On"),
    },
    ("deals", "lost_date"): {
        "Pipedrive": ("Deal - Lost time", "Deal - Datum des verlorenen Deals", "Deal - Verloren op"),
        "Close": ("date_lost",),
    },
    ("deals", "created_date"): {
        "Salesforce": ("Created Date", "Erstelldatum", "Aanmaakdatum"),
        "HubSpot": ("Create Date", "Erstellungsdatum", "Aanmaakdatum"),
        "Pipedrive": ("Deal - Deal created", "Deal - Deal erstellt", "Deal - Deal aangemaakt"),
        "Dynamics 365": ("Created On", "Erstellt am", "Gemaakt op"),
        "Close": ("date_created",),
        "Odoo": ("Created on", "Erstellt am", "Aangemaakt op"),
    },
    ("deals", "won_flag"): {"HubSpot": ("Is Closed Won", "Ist gewonnen", "Is gewonnen")},
    ("deals", "active"): {"Odoo": ("Active", "Aktiv", "Actief")},
    ("deals", "name"): {
        "Salesforce": ("Opportunity Name", "Opportunity-Name", "Naam verkoopkans", "Verkoopkans"),
        "HubSpot": ("Deal Name", "Dealname", "Deal-Name", "Naam deal"),
        "Pipedrive": ("Deal - Title", "Deal - Titel"),
        "Dynamics 365": ("Topic", "Thema", "Onderwerp"),
        "Close": ("lead_name",),
        "Odoo": ("Opportunity", "Verkaufschance"),
    },
    ("calls", "owner"): {
        "Salesforce": ("Assigned", "Zugewiesen", "Toegewezen", "Assigned To", "Zugewiesen an", "Toegewezen aan"),
        "HubSpot": ("Activity assigned to", "Aktivität zugewiesen an", "Activiteit toegewezen aan", "Call owner"),
        "Pipedrive": ("Activity - Assigned to user", "Aktivität - Zugewiesen an Benutzer",
                      "Activiteit - Toegewezen aan gebruiker", "Activity - User"),
        "Close": ("user_name",),
        "Odoo": ("Assigned to", "Responsible", "Verantwortlich", "Verantwoordelijke"),
        "": ("Owner", "Eigenaar", "Besitzer", "Caller", "Anrufer", "Beller"),
    },
    ("calls", "date"): {
        "Salesforce": ("Date", "Datum", "Due Date", "Fälligkeitsdatum", "Vervaldatum", "Activity Date"),
        "HubSpot": ("Activity date", "Aktivitätsdatum", "Activiteitsdatum", "Call date"),
        "Pipedrive": ("Activity - Due date", "Aktivität - Fälligkeitsdatum", "Activiteit - Vervaldatum",
                      "Activity - Done time", "Activity - Marked as done time"),
        "Close": ("date_created", "activity_at"),
        "Odoo": ("Due Date", "Date Deadline"),
    },
    ("calls", "type"): {
        "Salesforce": ("Task Subtype", "Aufgabenuntertyp", "Subtype taak", "Activity Type", "Aktivitätstyp",
                       "Type", "Typ"),
        "HubSpot": ("Activity type", "Aktivitätsart", "Activiteitstype"),
        "Pipedrive": ("Activity - Type", "Aktivität - Typ", "Activiteit - Type"),
        "Close": ("_type", "activity_type"),
        "Odoo": ("Activity Type", "Aktivitätstyp", "Activiteitstype", "Activiteitssoort"),
        "": ("Soort", "Art", "Kanaal", "Channel", "Kanal"),
    },
    ("calls", "outcome"): {
        "Salesforce": ("Call Result", "Anrufergebnis", "Gespreksresultaat"),
        "HubSpot": ("Call outcome", "Anrufergebnis", "Gespreksresultaat", "Call disposition"),
        "Close": ("disposition",),
    },
    ("calls", "done"): {"Pipedrive": ("Activity - Done", "Aktivität - Erledigt", "Activiteit - Gereed", "Done")},
    ("leads", "owner"): {
        "Salesforce": ("Lead Owner", "Lead-Inhaber", "Leadinhaber", "Eigenaar lead", "Lead-eigenaar"),
        "HubSpot": ("Contact owner", "Kontaktinhaber", "Contacteigenaar", "Lead owner"),
        "Close": ("lead_owner",),
        "": ("Owner", "Eigenaar", "Besitzer", "SDR", "BDR"),
    },
    ("leads", "date"): {
        "Salesforce": ("Create Date", "Created Date", "Erstelldatum", "Aanmaakdatum", "Lead Created Date"),
        "HubSpot": ("Create Date", "Erstellungsdatum", "Become a Lead Date", "Handoff Date"),
        "": ("Date", "Datum", "Handed Over", "Übergeben am", "Overgedragen op", "Sent Date"),
    },
    ("leads", "status"): {
        "Salesforce": ("Lead Status", "Lead-Status", "Leadstatus", "Status"),
        "HubSpot": ("Lead Status", "Leadstatus"),
        "Close": ("status_label",),
    },
    ("snapshots", "owner"): {
        "Salesforce": ("Account Owner", "Account-Inhaber", "Accountinhaber", "Accounteigenaar", "Eigenaar account"),
        "HubSpot": ("Company owner", "Unternehmensinhaber", "Bedrijfseigenaar"),
        "": ("Owner", "Eigenaar", "Besitzer", "Account Manager", "Kundenbetreuer"),
    },
    ("snapshots", "account"): {
        "Salesforce": ("Account Name", "Accountname", "Account", "Accountnaam"),
        "HubSpot": ("Company name", "Firmenname", "Bedrijfsnaam"),
        "": ("Customer", "Kunde", "Klant", "Organisation", "Organisatie"),
    },
    ("snapshots", "value"): {
        "": ("ARR", "MRR", "Account Value", "Portfolio Value", "Contract Value", "Annual Recurring Revenue",
             "Value", "Wert", "Waarde", "Vertragswert", "Contractwaarde", "Jahresumsatz", "Jaaromzet"),
    },
    ("snapshots", "date"): {
        "": ("Snapshot Date", "Snapshot", "As Of", "As of Date", "Stichtag", "Stand", "Peildatum", "Datum",
             "Date", "Month End", "Monatsende", "Maandeinde"),
    },
    ("quota", "owner"): {"": ("Person", "Name", "Owner", "Sales Rep", "Rep", "Account Executive", "User",
                              "Mitarbeiter", "Verkäufer", "Medewerker", "Verkoper", "Naam")},
    ("quota", "date"): {"": ("Month", "Monat", "Maand", "Period", "Periode", "Zeitraum", "Quota Month",
                             "Date", "Datum")},
    ("quota", "quota"): {"": ("Quota", "Monthly Quota", "Quote", "Monatsquote", "Quotum", "Maandquotum",
                              "Target", "Ziel", "Umsatzziel", "Doel", "Omzetdoel", "Sales Target")},
    ("roster", "name"): {"": FIELD_SYNONYMS["name"]},
    ("roster", "rep_id"): {"": FIELD_SYNONYMS["rep_id"]},
    ("roster", "role"): {"": FIELD_SYNONYMS["role"] + ("Job title", "Functienaam", "Berufsbezeichnung")},
    ("roster", "team"): {"": ("Team", *FIELD_SYNONYMS["team"])},
    ("roster", "region"): {"": ("Region", "Office", "Standort", "Vestiging", "Büro", "Kantoor", "Location",
                                *FIELD_SYNONYMS["region"])},
    ("roster", "manager"): {"": FIELD_SYNONYMS["manager"]},
    ("roster", "email"): {"": ("Email", "E-Mail", "E-mail", "Work Email", "E-mailadres", "E-Mail-Adresse",
                               "Business Email", "Mail")},
    ("roster", "coach_willing"): {"": FIELD_SYNONYMS["coach_willing"]},
    ("roster", "coach_aptitude"): {"": FIELD_SYNONYMS["coach_aptitude"]},
    ("roster", "coach_trained"): {"": FIELD_SYNONYMS["coach_trained"]},
    ("roster", "language"): {"": FIELD_SYNONYMS["language"]},
    ("roster", "quota"): {"": ("Monthly Quota", "Monatsquote", "Maandquotum", "Quota per Month",
                               "Monthly Target", "Monatsziel", "Maanddoel", *FIELD_SYNONYMS["quota"])},
}  # fmt: skip

for _kind in RECORD_KINDS:
    HEADERS[(_kind, "owner_id")] = {"": _OWNER_ID}
    HEADERS[(_kind, "owner_email")] = {"": _OWNER_EMAIL}

REQUIRED: Final[dict[Kind, tuple[str, ...]]] = {
    "deals": ("owner", "stage", "close_date"),
    "calls": ("owner", "date"),
    "leads": ("owner", "date", "status"),
    "snapshots": ("owner", "value", "date"),
    "quota": ("owner", "date", "quota"),
    "roster": ("name",),
}
"""Fields without which a kind cannot be derived (a file lacking one is reported with the column to add)."""

KIND_WORDS: Final[dict[Kind, tuple[str, ...]]] = {
    "deals": ("opportunity", "deal", "verkoopkans", "stage", "phase", "amount", "betrag", "bedrag", "close", "won"),
    "calls": ("activity", "aktivitat", "aktivitaet", "activiteit", "task", "call", "anruf", "subtype", "assigned"),
    "leads": ("lead", "contact", "kontakt"),
    "snapshots": ("account", "arr", "mrr", "snapshot", "stichtag", "peildatum", "portfolio", "company"),
    "quota": ("quota", "quote", "quotum", "target", "ziel", "doel"),
    "roster": ("job", "title", "employee", "mitarbeiter", "medewerker", "manager", "email", "office", "coach"),
}
"""Words in headers that point to a kind when the fields alone do not decide."""

# --- Values -----------------------------------------------------------------------------------

Outcome = Literal["won", "lost", "open", "ignore"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("won", "lost", "open", "ignore")
LeadOutcome = Literal["qualified", "unqualified", "ignore"]
LEAD_OUTCOMES: Final[tuple[LeadOutcome, ...]] = ("qualified", "unqualified", "ignore")

_STAGES: Final[dict[Outcome, tuple[str, ...]]] = {
    "won": ("Closed Won", "closedwon", "Won", "Gewonnen", "Geschlossen und gewonnen", "Geschlossen - gewonnen",
            "Abgeschlossen gewonnen", "Abgeschlossen und gewonnen", "Deal won", "Closed - Won", "Gesloten gewonnen",
            "Gesloten - gewonnen", "Auftrag erhalten"),
    "lost": ("Closed Lost", "closedlost", "Lost", "Verloren", "Geschlossen und verloren", "Geschlossen - verloren",
             "Abgeschlossen verloren", "Closed-Lost to Competition", "Lost to Competition", "Closed - Lost",
             "Gesloten verloren", "Gesloten - verloren", "Deal lost", "Verloren aan concurrent",
             "An Wettbewerber verloren", "Cancelled", "Storniert", "Geannuleerd"),
    "open": ("Open", "Offen", "active", "In Progress", "In Bearbeitung", "Lopend", "In behandeling",
             "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
             "Identify Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
             "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
             "contractsent", "Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
             "Decision Maker Bought-In", "Contract Sent", "New", "Neu", "Nieuw", "Qualified", "Proposition",
             "Qualifizierung", "Bedarfsanalyse", "Angebot", "Verhandlung", "Kwalificatie", "Voorstel",
             "Offerte", "Onderhandeling", "Lead In", "Contact Made", "Demo Scheduled", "Proposal Made",
             "Negotiations Started", "Develop", "Propose", "Qualify"),
}  # fmt: skip

_LEAD_STATUSES: Final[dict[LeadOutcome, tuple[str, ...]]] = {
    "qualified": ("Closed - Converted", "Converted", "Qualified", "Sales Qualified", "SQL", "Accepted",
                  "Sales Accepted", "Open Deal", "Geschlossen - Konvertiert", "Konvertiert", "Qualifiziert",
                  "Akzeptiert", "Angenommen", "Geconverteerd", "Gesloten - geconverteerd", "Gekwalificeerd",
                  "Geaccepteerd", "Opportunity created", "Meeting booked", "Termin vereinbart",
                  "Afspraak gepland"),
    "unqualified": ("Closed - Not Converted", "Not Converted", "Unqualified", "Disqualified", "Rejected",
                    "Open - Not Contacted", "Working - Contacted", "New", "Open", "In Progress",
                    "Attempted to Contact", "Connected", "Bad Timing", "Recycled", "Nurture",
                    "Geschlossen - Nicht konvertiert", "Nicht konvertiert", "Nicht qualifiziert", "Abgelehnt",
                    "Neu", "Offen", "In Bearbeitung", "Kontaktiert", "Gesloten - niet geconverteerd",
                    "Niet geconverteerd", "Niet gekwalificeerd", "Afgewezen", "Nieuw", "In behandeling",
                    "Gecontacteerd"),
}  # fmt: skip

STAGE_WORDS: Final[dict[str, Outcome]] = {
    normalise_header(text): outcome for outcome, texts in _STAGES.items() for text in texts
}
LEAD_STATUS_WORDS: Final[dict[str, LeadOutcome]] = {
    normalise_header(text): outcome for outcome, texts in _LEAD_STATUSES.items() for text in texts
}

CALL_WORDS: Final = frozenset(
    {"call", "calls", "phone", "anruf", "anrufe", "telefonat", "telefonanruf", "telefon", "gesprek",
     "telefoongesprek", "bellen", "belpoging", "telefoon", "cold call", "outbound call"}
)  # fmt: skip
"""Activity types that are calls: the type counts as a call when any of its words is one of these."""

DONE_WORDS: Final = frozenset({"yes", "true", "1", "done", "erledigt", "gereed", "ja", "x", "wahr", "waar"})
"""Values of a done column (Pipedrive's ``Activity - Done``) that mean the activity happened."""

IGNORED_COLUMN_MARK: Final = "(do not modify)"  # i18n: data (Dynamics writes it so)
"""Dynamics 365 writes hidden technical columns with this suffix; they are never mapped."""
