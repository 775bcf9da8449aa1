"""The canonical input table: one row per person per month.

This is the template a manager fills in (README documents each column) and the
shape every reader produces before anything is stored.
"""

from __future__ import annotations

from typing import Final, Literal

from core.i18n import N_, _

Kind = Literal["deals", "calls", "leads", "snapshots", "quota", "roster", "monthly"]
"""What a file holds: one of the CRM exports (core.ingest.records), a people list, or the monthly table itself."""
RECORD_KINDS: Final[tuple[Kind, ...]] = ("deals", "calls", "leads", "snapshots", "quota")
KINDS: Final[tuple[Kind, ...]] = (*RECORD_KINDS, "roster", "monthly")

ROLES: Final = ("SDR", "AE", "AM")
ROLE_NAMES: Final = {
    "SDR": N_("Sales Development Rep"),
    "AE": N_("Account Executive"),
    "AM": N_("Account Manager"),
}
"""The long name of each role in English, marked for the catalogue; the abbreviations stay in every language."""


def role_name(role: str) -> str:
    """A role's long name in the language core speaks now (``Account Executive``, ``Neukundenverkäufer``); any
    other text as given."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


COACH_COLUMNS: Final = ("coach_aptitude", "coach_trained")
"""Optional facts about a person as a coach: a file without them reads as unknown (the matcher's neutral)."""
LANGUAGE_COLUMN: Final = "language"
"""Optional: the language of the person's own plan (de, nl, en); blank means the viewer's or the command's."""
OPTIONAL_COLUMNS: Final = (*COACH_COLUMNS, LANGUAGE_COLUMN)
PERSON_COLUMNS: Final = (
    "rep_id", "name", "role", "team", "region", "manager", "coach_willing", *COACH_COLUMNS, LANGUAGE_COLUMN
)  # fmt: skip
COUNT_COLUMNS: Final = ("calls", "leads_sent", "qualified_leads", "deals_worked", "deals_won")
MONEY_COLUMNS: Final = ("revenue_won", "quota", "portfolio_start", "portfolio_end")
METRIC_COLUMNS: Final = COUNT_COLUMNS + MONEY_COLUMNS

CANONICAL_COLUMNS: Final = (
    "rep_id",
    "name",
    "role",
    "team",
    "region",
    "manager",
    "period",
    *METRIC_COLUMNS,
    "coach_willing",
    *COACH_COLUMNS,
    LANGUAGE_COLUMN,
)
REQUIRED_COLUMNS: Final = tuple(c for c in CANONICAL_COLUMNS if c not in OPTIONAL_COLUMNS)
"""The columns a canonical table must have; the optional ones (:data:`OPTIONAL_COLUMNS`) are blank when absent."""

# Which raw fields each role's metrics need (PRODUCT.md); the rest stay blank for that role.
ROLE_FIELDS: Final = {
    "SDR": ("calls", "leads_sent", "qualified_leads"),
    "AE": ("deals_worked", "deals_won", "revenue_won", "quota"),
    "AM": ("portfolio_start", "portfolio_end"),
}

# What each column means, in English and marked: shown through _() where a person reads it.
COLUMN_DOCS: Final = {
    "rep_id": N_("Stable employee or CRM user ID; unique per person."),
    "name": N_("Full name as it should appear on plans."),
    "role": N_("SDR, AE or AM."),
    "team": N_("Team name, e.g. 'DACH Mid-Market'."),
    "region": N_("Region the team sells in, e.g. 'DACH'."),
    "manager": N_("Name of the person's line manager."),
    "period": N_("The month the counts are for, as YYYY-MM."),
    "calls": N_("SDR: calls made in the month."),
    "leads_sent": N_("SDR: leads handed to AEs in the month."),
    "qualified_leads": N_("SDR: of those, leads the AE accepted as qualified."),
    "deals_worked": N_("AE: opportunities worked to a decision in the month."),
    "deals_won": N_("AE: of those, deals won."),
    "revenue_won": N_("AE: revenue of the deals won, in one currency."),
    "quota": N_("AE: revenue quota for the month (blank if none)."),
    "portfolio_start": N_("AM: value of the account portfolio at the start of the month."),
    "portfolio_end": N_("AM: value of the account portfolio at the end of the month."),
    "coach_willing": N_("yes, no or blank (blank = ask first)."),
    "coach_aptitude": N_("Optional: how able to coach, 1 (little) to 5 (very); blank if not assessed."),
    "coach_trained": N_("Optional: coaching training done, yes / no / blank."),
    "language": N_(
        "Optional: the language of the person's own plan: de, nl or en (Deutsch, Nederlands, English); "
        "blank = the language of whoever exports the plans."
    ),
}
