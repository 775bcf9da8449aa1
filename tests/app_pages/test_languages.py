"""The translated pages in German and Dutch: navigation, sidebar, sign-in, Overview, retention, audit trail, users.

Each page is opened in a session whose language is set the way the app keeps it (``st.session_state``,
as the browser's locale or the sidebar's picker would); every text Coachwise puts on it is collected
and none of the page's English labels may be among them. Streamlit's own widget texts ("Browse files",
the date picker's month names) are Streamlit's, not Coachwise's, and are not checked. English sessions
are covered by the pages' own tests, which still read the English labels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.governance.audit import record
from core.governance.users import create_user
from core.i18n.formats import format_month
from core.store.db import init_db, make_engine
from ui.i18n import LANGUAGE, PICKER
from ui.nav import PAGES

from apptest import open_page
from conftest import ROOT
from files import german_csv

APP = str(ROOT / "app.py")
PASSWORD = "a long enough password"

# English texts, per page; "frame" is the navigation and sidebar every page shows.
ENGLISH: dict[str, tuple[str, ...]] = {
    "frame": (
        "Overview", "Upload", "Segmentation", "Coaching chains", "Coaching plans", "Impact", "HR review", "Users",
        "Audit trail", "Data retention", "Admin", "Language", "Presentation mode", "Sign out",
    ),
    "overview": (
        "People", "Months", "Rows", "Total", "Role", "Sales Development Rep", "Account Executive", "Account Manager",
    ),
    "retention": (
        "Datasets", "Delete a dataset", "Dataset", "Delete for good", "Retention period", "Delete automatically",
        "Days after the last import", "Save retention period", "created (UTC)", "last import (UTC)", "rows",
        "people", "demo", "due for deletion", "name", "id",
    ),
    "users": (
        "Add a user", "User name", "Role", "Full name (optional)", "E-mail (optional)", "Password (10+ characters)",
        "Add user", "Change a user", "User", "Active (may sign in)", "E-mail", "New password (blank: keep)",
        "Manager name in the data", "Teams (one per line)", "Save changes", "user", "e-mail", "role", "teams",
        "active", "password", "changed (UTC)", "manager name in the data", "Teams they see (managers, one per line)",
    ),
    "sign-in": ("User name", "Password", "Sign in"),
    "upload": (
        "Upload", "Template and input format", "Template (CSV)", "Template (Excel, with column guide)",
        "Rows in the file", "Will be imported", "Will be skipped", "Warnings", "Preview", "Import", "Import into",
        "a new dataset", "an existing dataset (e.g. a later month)", "Name of the new dataset", "Datasets",
        "Dataset the other pages use", "active", "imported (UTC)", "file", "rows", "people", "row", "column",
        "value", "reason", "severity", "meaning", "— not in the file —", "— choose —", "skip these rows",
        "Download the report (CSV)", "warning", "error",
    ),
    "upload-crm": (
        "Person-months derived", "Will be imported", "Will be skipped", "What this file is", "— not in the file —",
        "— choose —", "Preview", "Import into", "Name of the new dataset", "recognise from the headers",
        "role from", "on the people list", "Open pipeline (shown, not scored)", "open deals", "open amount",
        "Warnings", "Datasets",
    ),
    "segmentation": (
        "Segmentation", "Settings — window, cut-offs, weights", "Window", "Cut-offs (low / core / top %)",
        "last 3 months", "custom", "low %", "top %", "core %", "Role", "People", "Team", "Manager", "Tier", "Flags",
        "Person", "Why this tier?", "Reason", "Save override", "back to computed", "low", "core", "top", "borderline",
        "persistent low", "tie at cut-off", "small sample", "overridden", "Score (0–100 within role)", "Score",
        "Percentile", "Month", "rep_id", "name", "role", "team", "manager", "score", "percentile", "tier", "trend",
        "flags",
        "reason", "changed by", "when (UTC)", "Download CSV", "Download XLSX", "Download JSON", "Lead rate",
        "Close rate", "Quota attainment", "Upsell rate", "Qualified-lead rate", "Qualification efficiency",
        "Sales Development Rep", "Account Executive", "Account Manager", "Override history", "improving", "declining",
        "stable", "Include the incomplete month",
    ),
    "chains": (
        "Coaching chains", "Capacity and hours", "Coaching credit", "Manager edits", "Levels", "Coach the coaches",
        "Invitations (ask first)", "Core people without a peer coach", "Coaching hours / month", "Team", "All teams",
        "level", "status", "coach", "coachee", "team", "focus", "reason", "locked", "name", "role", "why them",
        "levels", "coachees", "hours / month", "Coach", "Answer", "yes", "no", "Save", "Coachee", "New coach", "Pair",
        "Action", "lock", "unlock", "exclude", "include", "Person", "Coachees", "Started coaching",
        "First coached month", "Pairs", "Start", "Stop selected", "pair", "invitation", "agreed", "to be confirmed",
        "External coach's name", "Account Manager", "Coaching hours per coachee / month", "changed by",
        "Download CSV", "Download XLSX", "Download JSON", "capacity", "region", "ask first", "why", "whom to invite",
        "coachees' names", "hours_per_month", "coach_name", "why_them",
    ),
    "audit": (
        "Entries", "What", "Who (contains)", "Dataset id", "From – to", "Download CSV", "at (UTC)", "actor",
        "action", "dataset", "subject", "detail", "any", "id",
    ),
    "impact": (
        "Impact", "Is coaching working?", "Revenue impact", "Comparison settings", "Coachees compared",
        "Uncoached core peers", "Lift vs peers (score points)", "Coach leaderboard", "Per coachee",
        "Moderate coaching of the core (%)", "Best-quality coaching of the core (%)", "Effect on the top tier (%)",
        "Hours needed / month", "Managers' hours / month", "scenario", "people coached", "coachee role",
        "lift vs peers", "mean lift", "coach", "score before", "score after", "peers' change", "focus metric",
        "low", "high", "note", "coachee", "Months before the start", "Bootstrap re-draws", "Interval",
        "How this is estimated", "change / month", "hours / person",
    ),
    "hr-review": (
        "HR review", "Persistently low", "No case yet", "Open", "In conversation", "Closed", "Low in",
        "Monthly percentile", "Gap to the role median", "Support given", "Manager override", "Case", "Case set by",
        "Format", "Open a person's facts and brief", "Status", "Note", "Save case step", "metric", "value",
        "role median", "gap", "One person", "Trend", "Name", "Role", "Manager",
    ),
    "plans": (
        "Coaching plans", "Search by name or ID", "Team", "Tier", "Role", "Document", "Download calendar (.ics)",
        "Edit", "Export many", "Focus areas (1–3)", "Cadence", "Notes", "Save changes", "Date", "What was discussed",
        "Next steps (one per line)", "Log check-in", "Format", "Documents", "The person's plan", "Manager's notes",
    ),
}  # fmt: skip
ENGLISH_PHRASES: dict[str, tuple[str, ...]] = {
    "frame": ("single local admin", "Local admin", "names are aliases", "Replaces every person's name"),
    "overview": (
        "This is a generated demo team", "Upload your own team", "Upload a team export", "People per team and role",
        "Headcount table", "Willing to coach", "not asked yet", "Next:", "Tiers within each role", "imported",
        "From ", " to ", "(no team)", " people",
    ),
    "retention": (
        "Performance scores of named employees", "This deletes", "cannot be undone", "To confirm, type",
        "Delete real datasets automatically", "Now: ", " people · ", " rows", "invented people",
    ),
    "upload": (
        "Bring your team's monthly table", "Column mapping", "fields found", "role value", "means", "The first rows",
        "Most common errors", "Import 2", "Import 1", "(demo)", "the CRM user", "SDR: calls",
        "Stable employee", "German and Dutch exports",
    ),
    "upload-crm": (
        " files", "question", "Coachwise never guesses", "People (", "where their roles come from",
        "as recognised", "derived monthly table", "more files", "the CRM user", "the deal's", "e.g.",
    ),
    "segmentation": (
        "tiers are ranked within each role", "Scored on", "Cut-offs ", "window:", "Metric weights",
        "Score distribution", " vs ", " is in the ", "the role median", "top quartile", "Override the tier",
        "e.g. new in role", "(after overrides)", "percentile points", "Borderline:", "Persistent:", "Default. CEB",
        " per month", "n/a", "(lifted)", "low · core", "close rate", "Used when every AE",
        " · Sales Development Rep · ", " · Account Executive · ",
    ),
    "chains": (
        "Peer coaching level by level", "Fit: ", "fit = ", " pairs", "Pairs (", "Invitations (", "Without a peer coach",
        "focus:", "same team", "same region", "other region", "other team", "locked by manager", "Bold arrow",
        "Record a coach", "Swap or set", "Lock or unlock", "Exclude or include", "Capacity of one coach",
        "Start coaching", "not started yet", "See whether it works", "per AE coach", " vs median", "Coaching time is",
        "Every proposed coach", "These coaches have not said", "qualifying leads", "growing existing accounts",
        "not said yes", "Core AMs without", "Name an external coach", "manager (fallback)", "Edit history",
        "Only someone who sees", "Who coaches whom",
    ),
    "audit": ("Every sign-in", "No entries match", "signed in", "changed the retention period"),
    "users": ("Roles: ", "Every change is written", "everything, including users", "only the people they manage"),
    "sign-in": ("do not match an active account",),

    "impact": (
        "Coaching is judged by its effect", "What would it be worth", "What this can and cannot prove",
        "regression to the mean", "Coaches with 3 or more coachees", "% interval", "The interval ", " months",
        "Revenue basis per month", "1 coachee: the interval cannot be estimated", "rough interval", " to +",
        " to -", "Core 60%", "same hours", "Expected revenue change",
    ),
    "hr-review": (
        "persistently", "Download ", "HR briefs (ZIP)", "Confidential", "Choose a person",
        "Low in **", "· manager ", "Open → in conversation", "No case yet",
        "The HR brief as exported", "HR brief (PDF)", "HR brief (Word)",
    ),
    "plans": ("Search by name", "Export many", "Writing plans"),
}  # fmt: skip
# Words German or Dutch write exactly as English does: correct there, so not counted as left over.
SAME: dict[str, set[str]] = {
    "de": {"Person", "Score", "Name", "Team", "Trend", "Coach", "Coachee", "Coachees", "Format"},
    "nl": {
        "Datasets", "Dataset", "dataset", "id", "demo", "teams", "E-mail", "e-mail", "records", "open deals", "team",
        "Team", "trend", "score", "Score", "coach", "coachee", "coachees", "Coach", "Coachee", "Coachees", "status",
        "Per coachee", "scenario", "Trend", "Open", "Status", "Interval", "Document",
    },
}  # fmt: skip


def _chart_titles(spec: dict[str, object]) -> list[str]:
    """The chart's and its channels' titles, in layered and concatenated charts too."""
    titles = [str(spec["title"])] if isinstance(spec.get("title"), str) else []
    encoding = spec.get("encoding")
    for channel in encoding.values() if isinstance(encoding, dict) else ():
        items = channel if isinstance(channel, list) else [channel]
        titles += [str(item["title"]) for item in items if isinstance(item, dict) and item.get("title")]
    for part in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(part) or ():  # type: ignore[attr-defined]
            titles += _chart_titles(sub)
    return titles


def _texts(at: AppTest) -> list[str]:
    """Every text Coachwise put on the page: navigation, sidebar, titles, messages, widgets, chart and tables."""
    texts: list[str] = [str(info["page_name"]) for info in at._registered_pages.values()]
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [m.help for m in at.metric if m.help]
    for kind in (
        "toggle",
        "selectbox",
        "button",
        "multiselect",
        "text_input",
        "text_area",
        "number_input",
        "checkbox",
        "radio",
        "slider",
        "select_slider",
    ):
        for widget in at.get(kind):
            texts += [widget.label, widget.help or "", getattr(widget, "placeholder", "") or ""]
    texts += [str(option) for widget in at.radio for option in widget.options]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    for kind in ("date_input", "download_button", "page_link"):
        texts += [e.proto.label for e in at.get(kind)]
    texts += [str(option) for widget in at.selectbox if widget.key != PICKER for option in widget.options]
    for chart in at.get("vega_lite_chart"):
        texts += _chart_titles(json.loads(chart.proto.spec))
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        columns = [str(c) for c in frame.value.columns] + [str(frame.value.index.name)]
        texts += [str(config.get(c, {}).get("label") or c) for c in columns if not config.get(c, {}).get("hidden")]
        texts += [str(config[c]["help"]) for c in config if config[c].get("help")]
    return [t for t in texts if t and t != "None"]


def _chart_titles(spec: dict[str, Any]) -> list[str]:
    """The titles of a chart's channels and tooltips, in its layers too."""
    titles: list[str] = []
    for channel in spec.get("encoding", {}).values():
        items = channel if isinstance(channel, list) else [channel]
        titles += [str(item["title"]) for item in items if isinstance(item, dict) and item.get("title")]
    for part in (*spec.get("layer", []), *spec.get("hconcat", []), *spec.get("vconcat", [])):
        titles += _chart_titles(part)
    return titles


def _english_left(at: AppTest, page: str, lang: str, *, parts: tuple[str, ...] = ("frame",)) -> list[str]:
    texts = _texts(at)
    labels = [label for part in (*parts, page) for label in ENGLISH[part] if label not in SAME[lang]]
    phrases = [phrase for part in (*parts, page) for phrase in ENGLISH_PHRASES[part]]
    return [label for label in labels if label in texts] + [p for p in phrases if any(p in t for t in texts)]


def _page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[LANGUAGE] = lang
    at.run()
    if page != "overview":
        open_page(at, page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["de", "nl"])
@pytest.mark.parametrize("page", ["overview", "retention", "audit"])
def test_no_english_left(app_env: Path, page: str, lang: str) -> None:
    """German and Dutch sessions see the page, the navigation and the sidebar without one English label."""
    if page == "audit":  # a few entries, so the table and its actions are shown
        engine = make_engine(f"sqlite:///{app_env}")
        init_db(engine)
        record(engine=engine, actor="anna", action="sign_in", subject="anna")
        record(engine=engine, actor="anna", action="retention_changed", subject="365 days")
    at = _page(page, lang)
    assert not _english_left(at, page, lang)


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_sign_in_and_users_page(app_env: Path, lang: str) -> None:
    """The sign-in form, its refusal, and the Users page (table, both forms) have no English left."""
    engine = make_engine(f"sqlite:///{app_env}")
    init_db(engine)
    create_user(engine=engine, username="root", role="admin", actor="t", password=PASSWORD)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[LANGUAGE] = lang
    at.run()
    at.text_input(key="auth_user").input("root")
    at.text_input(key="auth_password").input("not the password")
    at.button[0].click().run()
    assert at.error and not _english_left(at, "sign-in", lang, parts=())
    at.text_input(key="auth_user").input("root")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    open_page(at, "users").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not _english_left(at, "users", lang)
    assert {"Administrator", "Beheerder"} & set(at.dataframe[0].value["role"])


@pytest.mark.parametrize(("lang", "title"), [("en", "Overview"), ("de", "Übersicht"), ("nl", "Overzicht")])
def test_overview_title(app_env: Path, lang: str, title: str) -> None:
    """The start page's title in each language."""
    assert _page("overview", lang).title[0].value == title


def test_german_numbers_and_dates_on_the_overview(app_env: Path) -> None:
    """The import date is dd.mm.yyyy, the month range has German month names."""
    at = _page("overview", "de")
    when = at.caption[0].value.split("importiert am ")[1]
    assert when[2] == "." and when[5] == "."
    metrics = {m.label: m for m in at.metric}
    assert metrics["Personen"].value == "120"
    assert " bis " in metrics["Monate"].help


def test_dutch_dates_on_the_overview(app_env: Path) -> None:
    """Dutch writes the import date dd-mm-yyyy."""
    when = _page("overview", "nl").caption[0].value.split("geïmporteerd op ")[1]
    assert when[2] == "-" and when[5] == "-"


def test_english_overview_is_unchanged(app_env: Path) -> None:
    """An English session reads the labels it always did (the lists above are what the pages say in English)."""
    texts = _texts(_page("overview", "en"))
    assert set(ENGLISH["overview"]) - {"Role", "Total"} <= set(texts)
    assert {"Overview", "Presentation mode", "Language"} <= set(texts)
    assert any("Willing to coach" in t for t in texts)


def test_audit_actions_in_the_readers_words(app_env: Path) -> None:
    """The audit table names each action in the reader's language; the stored entry is unchanged."""
    engine = make_engine(f"sqlite:///{app_env}")
    init_db(engine)
    record(engine=engine, actor="anna", action="dataset_deleted", subject="3")
    at = _page("audit", "de")
    assert "Datensatz gelöscht" in set(at.dataframe[0].value["action"])


def test_the_picker_switches_this_session_only(app_env: Path) -> None:
    """Choosing Dutch in the sidebar turns this session Dutch; another session stays German."""
    german, other = _page("overview", "de"), _page("overview", "de")
    assert german.selectbox(key=PICKER).label == "Sprache"
    german.selectbox(key=PICKER).select("nl").run()
    assert not german.exception
    assert german.title[0].value == "Overzicht" and german.session_state[LANGUAGE] == "nl"
    assert not _english_left(german, "overview", "nl")
    other.run()
    assert other.title[0].value == "Übersicht"


def test_a_session_starts_in_english_without_a_browser_locale(app_env: Path) -> None:
    """No browser locale (AppTest has none): English, and the picker says so."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state[LANGUAGE] == "en"
    assert at.selectbox(key=PICKER).value == "en"


@pytest.mark.parametrize("lang", ["de", "nl"])
@pytest.mark.parametrize("page", [p.url_path for p in PAGES], ids=[p.url_path for p in PAGES])
def test_every_page_runs_in_german_and_dutch(app_env: Path, page: str, lang: str) -> None:
    """Every page, translated yet or not, opens in a German or Dutch session without an exception."""
    at = _page(page, lang)
    assert at.title and at.title[0].value


def _signed_in(app_env: Path, lang: str | None = None) -> AppTest:
    """A session signed in as "root" (an admin account), in ``lang`` if given."""
    at = AppTest.from_file(APP, default_timeout=120)
    if lang:
        at.session_state[LANGUAGE] = lang
    at.run()
    at.text_input(key="auth_user").input("root")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(lang: str, files: dict[str, bytes]) -> AppTest:
    """The Upload page in ``lang`` with ``files`` dropped on it."""
    at = _page("upload", lang)
    at.file_uploader(key="up_file").set_value([(n, d, "text/csv") for n, d in files.items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_language_is_kept_with_the_account(app_env: Path) -> None:
    """Dutch picked once after signing in comes back in a new session (an English browser) of the same account;
    another account keeps reading its browser's language."""
    from core.governance.users import get_user

    engine = make_engine(f"sqlite:///{app_env}")
    init_db(engine)
    create_user(engine=engine, username="root", role="admin", actor="t", password=PASSWORD)
    create_user(engine=engine, username="anna", role="admin", actor="t", password=PASSWORD)
    first = _signed_in(app_env)
    assert first.session_state[LANGUAGE] == "en"
    first.selectbox(key=PICKER).select("nl").run()
    assert not first.exception
    account = get_user(engine=engine, username="root")
    assert account is not None and account.language == "nl"

    later = _signed_in(app_env)  # a new browser session, no locale: English until the account is known
    assert later.session_state[LANGUAGE] == "nl"
    assert later.title[0].value == "Overzicht"
    assert later.selectbox(key=PICKER).value == "nl"

    other = AppTest.from_file(APP, default_timeout=120)
    other.session_state[LANGUAGE] = "de"
    other.run()
    other.text_input(key="auth_user").input("anna")
    other.text_input(key="auth_password").input(PASSWORD)
    other.button[0].click().run()
    assert other.session_state[LANGUAGE] == "de"
    anna = get_user(engine=engine, username="anna")
    assert anna is not None and anna.language is None


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_upload_page_in_german_and_dutch(app_env: Path, lang: str) -> None:
    """Template, mapping, an unknown role's question, counts, the report and its table, the import: no English."""
    team = generate_team(DemoSpec(reps=12, months=2, seed=7, end="2026-03"))
    team["calls"] = team["calls"].astype(object)
    team.loc[team.index[team["role"] == "SDR"][0], "calls"] = "viele"
    team.loc[team["role"] == "AM", "role"] = "Sales Ninja"
    at = _upload(lang, {"team.csv": german_csv(team)})
    assert at.warning and at.dataframe and at.metric
    assert not _english_left(at, "upload", lang)
    at.text_input(key="up_name").set_value("Q1").run()
    at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and not _english_left(at, "upload", lang)


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_crm_upload_in_german_and_dutch(app_env: Path, lang: str) -> None:
    """Several CRM exports, and a stage to answer: the panels, the question, the people table, in the reader's words."""
    team = generate_team(DemoSpec(reps=14, months=3, seed=12, end="2026-03"))
    at = _upload(lang, explode(team, CrmSpec(vendor="Pipedrive", language="de", seed=12)))
    assert at.metric and not _english_left(at, "upload-crm", lang)
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn Lee,Signed,100,2026-03-14\n"
    calls = b"Assigned,Task Subtype,Date\nBo Ek,Call,2026-03-14\nBo Ek,Call,2026-03-15\n"
    asked = _upload(lang, {"deals.csv": deals, "calls.csv": calls})
    assert asked.warning and not _english_left(asked, "upload-crm", lang)


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_segmentation_page_in_german_and_dutch(app_env: Path, lang: str) -> None:
    """Settings, counts, both charts, the people table, why one person is where, an override and its history."""
    at = _page("segmentation", lang)
    assert at.dataframe and at.get("vega_lite_chart") and at.metric
    assert not _english_left(at, "segmentation", lang)
    at.selectbox(key="seg_preset").set_value("custom").run()
    at.text_input(key="seg_ov_reason").input("neu in der Rolle" if lang == "de" else "nieuw in de rol")
    at.button(key="seg_ov_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) == 2 and at.number_input(key="seg_low")
    assert not _english_left(at, "segmentation", lang)
    why = " ".join(m.value for m in at.markdown)
    assert ("Perzentil" if lang == "de" else "percentiel") in why
    assert ("untere Gruppe" if lang == "de" else "ondergroep") in set(at.dataframe[-1].value["tier"])
    # The monthly percentile's months in the reader's words and in calendar order (the demo ends in October).
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    months = [s["encoding"]["x"]["sort"] for s in specs if s.get("encoding", {}).get("x", {}).get("field") == "month"]
    named = {format_month(f"{y}-{m:02d}", lang): (y, m) for y in range(2020, 2031) for m in range(1, 13)}
    assert months and all(m in named for m in months[0]), months
    assert [named[m] for m in months[0]] == sorted(named[m] for m in months[0])
    english = [format_month(f"{y}-{m:02d}", "en") for y, m in (named[m] for m in months[0])]
    assert not set(english) & set(months[0]), months  # "Jan. 2026" / "jan 2026", never "Jan 2026"


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_chains_page_in_german_and_dutch(app_env: Path, lang: str) -> None:
    """Settings, figures, suggestions, the graph's legend, all five tabs, their tables and forms, started coaching."""
    at = _page("chains", lang)
    at.selectbox(key="ch_team").set_value("All teams").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric and len(at.dataframe) >= 3
    assert not _english_left(at, "chains", lang)
    # Months by name: the start picker and the started pairs (the demo has pairs started in one month)
    started = next(df.value for df in at.dataframe if "changed_by" in df.value.columns and "start" in df.value.columns)
    named = {format_month(f"{y}-{m:02d}", lang) for y in range(2020, 2031) for m in range(1, 13)}
    assert set(started["start"]) <= named and set(at.selectbox(key="ch_start_month").options) <= named


def _reasons(at: AppTest) -> list[str]:
    return [str(r) for df in at.dataframe if "coach_name" in df.value.columns for r in df.value["reason"]]


@pytest.mark.parametrize(("lang", "focus"), [("de", "Schwerpunkt: "), ("nl", "aandachtspunt: ")])
def test_chain_reasons_in_the_readers_language_after_an_english_run(app_env: Path, lang: str, focus: str) -> None:
    """The chains are cached per language: a German (Dutch) session after an English one reads its own reasons."""
    english = _page("chains", "en")
    assert _reasons(english) and all("focus: " in r for r in _reasons(english))
    translated = _page("chains", lang)
    reasons = _reasons(translated)
    assert reasons and all(focus in r and "focus: " not in r for r in reasons)
    assert _reasons(_page("chains", "en")) == _reasons(english)  # and English again after it, as before
