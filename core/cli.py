"""Command line for scripts and tests: ``python -m core COMMAND ...``.

Every failure ends in one sentence on stderr and a non-zero exit code, never a traceback. Nothing
printed carries control characters: a name with a terminal escape code is printed without it.

Every command takes ``--lang en|de|nl`` (default ``COACHWISE_LANG``, else English): the help texts and
the sentences this module prints are in that language. Argparse's own words ("usage:", "error:") and
sentences that come from the reader, validation, scoring and plans modules are English for now (#16).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import nullcontext, redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, cast

from core.i18n import N_, Translator, current, language, speaking, translator
from core.schema import CANONICAL_COLUMNS, KINDS, Kind
from core.text import TerminalStream, shorten

# The database stack (SQLModel, SQLAlchemy, Alembic) and the demo generator are imported by the commands
# that use them: a file-in/file-out command (check, derive, segment, chains) loads none of it, which
# saves over a second of every run (#17; tests/cli/test_cli_imports.py keeps it so). Nor is pandas loaded
# before the arguments are read: the files they name are read ahead on a thread meanwhile (core.ingest.ahead).
if TYPE_CHECKING:
    from concurrent.futures import Executor

    import pandas as pd
    from sqlalchemy.engine import Engine

    from core.ingest.importer import Prepared
    from core.ingest.sources import PreparedSources, Recall
    from core.scoring.segmentation import Months, SegmentSettings

NOTE = N_("Note: {note}")
ERROR = N_("Error: {error}")
NO_DATASET = N_("There is no dataset {id}; `python -m core datasets` lists them.")
NO_VALID_ROWS = N_("'{file}' has no valid rows; run `check` to see why.")
XLSX_NEEDS_OUT = N_("An XLSX export needs a file: add --out {out}.")
ROWS_LEFT_OUT = N_("Note: {rows} invalid rows left out (`check` lists them).")

EXIT_OK = 0
EXIT_REJECTED_ROWS = 1
EXIT_UNUSABLE = 2

LANGUAGE_VARIABLE = "COACHWISE_LANG"


def _current() -> Translator:
    """The translator of the command running now (English outside :func:`main`, e.g. ``build_parser()``)."""
    return current()


def _(message: str) -> str:
    """``message`` in the language of the command running now."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of ``n`` in the language of the command running now."""
    return current().ngettext(singular, plural, n)


def _count(value: float) -> str:
    """A count as the command's language writes it: ``1,234`` / ``1.234``."""
    language = _current().language
    if language == "en":  # what Babel writes in English, without loading its data for one number (#17)
        return f"{value:,.0f}"
    from core.i18n.formats import format_number

    return format_number(value, language)


def _language_option(text: str) -> str:
    try:
        return language(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a language Coachwise speaks; use en, de or nl").format(value=text)
        ) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a whole number").format(value=text)) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("'{value}' must be 1 or more").format(value=text))
    return value


def _month(text: str) -> str:
    from core.months import month_index

    try:
        month_index(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a month like 2026-10").format(value=text)) from None
    return text


def _window(text: str) -> int | None:
    if text.strip().lower() == "all":
        return None
    return _positive(text)


def _options() -> argparse.ArgumentParser:
    """A parent parser: options written once and shared by several commands (``parents=[...]``)."""
    return argparse.ArgumentParser(add_help=False)


def _language_options() -> argparse.ArgumentParser:
    """``--lang``: every command has it (main() reads it before building the parser, so help is translated too)."""
    lang = _options()
    lang.add_argument(
        "--lang",
        type=_language_option,
        default=None,
        metavar="{en,de,nl}",
        help=_("language of the messages and help: en, de or nl (default: COACHWISE_LANG, else en)"),
    )
    return lang


def _reading_options() -> argparse.ArgumentParser:
    """How to read spreadsheets and what unknown role texts mean: every command that reads files."""
    files = _options()
    files.add_argument("--sheet", default=None, help=_("workbook sheet to read (default: first with data)"))
    files.add_argument(
        "--max-mb",
        type=_positive,
        default=512,
        help=_("largest file to read, in MB (default 512; the web upload has its own limit)"),
    )
    files.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="'Text=ROLE'",
        help=_("what an unrecognised role text means: SDR, AE, AM or skip, e.g. --role 'Hunter=AE'"),
    )
    return files


def _file_options() -> argparse.ArgumentParser:
    """The input files and how to read them: every command that reads spreadsheets.

    One FILE is the monthly table as before, or one CRM export; several are any mix of CRM exports (deals,
    calls, leads, account snapshots), a people list and monthly tables, derived into the monthly table.
    """
    files = argparse.ArgumentParser(add_help=False, parents=[_reading_options()])
    files.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=_("CSV (.csv/.txt) or Excel workbook (.xlsx): the monthly table, or CRM exports and a people list"),
    )
    files.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="'[FILE:]Header=field'",
        help=_(
            "use the column 'Header' for a field, e.g. --map 'Anrufe=calls' or --map 'deals.csv:Who=owner' "
            "(repeatable; without FILE: for every file that has the column)"
        ),
    )
    files.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="'FILE=KIND'",
        help=_("what a file is: {kinds} (default: recognised from its headers and values)").format(
            kinds=", ".join(KINDS)
        ),
    )
    files.add_argument(
        "--stage",
        action="append",
        default=[],
        metavar="'Text=OUTCOME'",
        help=_("what an unknown stage or lead status means: won, lost, open, qualified, unqualified or ignore"),
    )
    files.add_argument(
        "--date-order",
        action="append",
        default=[],
        metavar="'[FILE:]Column=day first'",
        help=_("how to read a date column whose values read both ways: 'day first' or 'month first'"),
    )
    return files


def _add_derive_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``derive``: CRM exports and a people list in, the monthly table out."""
    derive = sub.add_parser(
        "derive",
        parents=[_language_options(), _file_options()],
        help=_("derive the monthly table from CRM exports (deals, calls, leads, account snapshots) and a people list"),
    )
    derive.add_argument("--out", default=None, help=_("CSV file to write (default: standard output)"))


def _tier_options() -> argparse.ArgumentParser:
    """The window, the cut-offs and presentation mode: every command that assigns tiers."""
    tiers = _options()
    tiers.add_argument("--window", type=_window, default=3, help=_("months for the tiers, or 'all' (default 3)"))
    tiers.add_argument(
        "--cutoffs", default="10,60,30", help=_("low,core,top percent or a preset, e.g. 20/70/10 (default 10,60,30)")
    )
    tiers.add_argument(
        "--aliases", action="store_true", help=_("presentation mode: every name replaced by its stable alias")
    )
    tiers.add_argument(
        "--include-incomplete",
        action="store_true",
        help=_("end the window at the latest month even when it holds far fewer people than the month before"),
    )
    return tiers


def _segment_settings(
    args: argparse.Namespace, records: pd.DataFrame, *, months: Months | None = None, **more: Any
) -> SegmentSettings:
    """The tier options as settings; says on stderr when the latest month looks incomplete (``months``: the
    records' month codes, when known)."""
    from core.scoring.segmentation import SegmentSettings, incomplete_note
    from core.scoring.tiers import parse_cutoffs

    settings = SegmentSettings(
        window=args.window, cutoffs=parse_cutoffs(args.cutoffs), include_incomplete=args.include_incomplete, **more
    )
    note = incomplete_note(records, settings, months=months)
    if note:
        print(_(NOTE).format(note=note) + " (--include-incomplete)", file=sys.stderr)
    return settings


def _output_options(*formats: str) -> argparse.ArgumentParser:
    """Where a table goes (a file or standard output) and in which of ``formats`` (the first is the default)."""
    output = _options()
    output.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=_("output format (default {format})").format(format=formats[0]),
    )
    to = _("file to write (default: standard output; xlsx needs --out)") if "xlsx" in formats else None
    output.add_argument("--out", default=None, help=to or _("file to write (default: standard output)"))
    return output


def _capacity_options() -> argparse.ArgumentParser:
    """How many coachees a coach takes: every command that matches chains."""
    capacity = _options()
    capacity.add_argument("--capacity", type=_positive, default=3, help=_("coachees per coach (default 3)"))
    return capacity


def _add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that read a spreadsheet: check, import, segment, chains, plans and impact."""
    files, tiers, capacity = _file_options(), _tier_options(), _capacity_options()

    check = sub.add_parser(
        "check", parents=[_language_options(), files], help=_("validate a file and print every problem; stores nothing")
    )
    check.add_argument("--format", choices=("text", "csv"), default="text", help=_("report format (default text)"))

    imp = sub.add_parser(
        "import",
        parents=[_language_options(), files],
        help=_("import a file's valid rows as a dataset (as the local operator: an admin's rights on every dataset)"),
    )
    target = imp.add_mutually_exclusive_group(required=True)
    target.add_argument("--name", help=_("name of the new dataset"))
    target.add_argument("--into", type=_positive, metavar="DATASET_ID", help=_("add to an existing dataset"))
    imp.add_argument(
        "--overlap",
        choices=("replace", "keep"),
        default=None,
        help=_("with --into: for people and months already stored, replace them or keep the stored rows"),
    )
    imp.add_argument("--again", action="store_true", help=_("import a file even if it was imported before"))

    tables = _output_options("csv", "json", "xlsx")
    seg = sub.add_parser(
        "segment",
        parents=[_language_options(), files, tiers, tables],
        help=_("score people within their role and assign tiers"),
    )
    seg.add_argument("--weights", default="", help=_("metric weights, e.g. 'close_rate=0.7,quota_attainment=0.3'"))
    seg.add_argument(
        "--replicates",
        type=int,
        default=50,
        help=_("bootstrap replicates for the borderline flag; 0 = off (default 50)"),
    )

    chains = sub.add_parser(
        "chains",
        parents=[_language_options(), files, tiers, capacity, tables],
        help=_("match peer coaches level by level (AE → SDR, AM → AE, and within a role)"),
    )
    chains.add_argument("--hours", type=float, default=2.0, help=_("coaching hours per coachee per month (default 2)"))
    chains.add_argument("--coach-the-coaches", action="store_true", help=_("AMs may also coach the top AEs who coach"))
    chains.add_argument(
        "--levels",
        default=None,
        help=_(
            "levels to match, e.g. 'ae-sdr,ae-ae' (of ae-sdr, am-ae, ae-ae, sdr-sdr, am-am; default: "
            "cross-role where the role above exists, same-role for a role with none above)"
        ),
    )
    chains.add_argument(
        "--invitations", action="store_true", help=_("print only the invitation list: whom to ask first, why them")
    )
    chains.add_argument(
        "--unmatched",
        metavar="FILE",
        default=None,
        help=_("write everyone left without a peer coach, and why, to FILE (in --format)"),
    )

    plans = sub.add_parser(
        "plans",
        parents=[_language_options(), files, tiers],
        help=_("write one coaching plan (HR brief for the low tier) per person into a ZIP"),
    )
    plans.add_argument("--out", required=True, help=_("the ZIP file to write"))
    plans.add_argument("--format", choices=("pdf", "docx", "md"), default="pdf", help=_("file format (default pdf)"))
    plans.add_argument("--rep", action="append", default=[], metavar="ID", help=_("only this rep_id (repeatable)"))
    plans.add_argument(
        "--for",
        dest="audience",
        choices=("person", "manager"),
        default="person",
        help=_("each person's own plan, HR briefs left out (default), or the manager's notes with the HR briefs"),
    )
    plans.add_argument(
        "--no-calendar",
        dest="calendar",
        action="store_false",
        help=_("leave out the .ics calendar of each plan's check-ins and reviews (included by default)"),
    )

    impact = sub.add_parser(
        "impact",
        parents=[_language_options(), files, tiers, capacity, _output_options("csv", "json")],
        help=_("is coaching working? coached vs uncoached core peers, per coachee and per coach"),
    )
    impact.add_argument(
        "--start", type=_month, required=True, help=_("first coached month YYYY-MM; the chains matched before it coach")
    )
    impact.add_argument("--pre", type=_positive, default=3, help=_("months before the start compared (default 3)"))
    impact.add_argument("--post", type=_positive, default=6, help=_("months from the start on, at most (default 6)"))
    impact.add_argument("--replicates", type=_positive, default=1000, help=_("bootstrap re-draws (default 1000)"))


def _add_user_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``users list``, ``users add`` and ``users set``."""
    users = sub.add_parser(
        "users", parents=[_language_options()], help=_("list, add or change the accounts that may sign in")
    )
    users_sub = users.add_subparsers(dest="users_command", required=True)
    users_sub.add_parser("list", parents=[_language_options()], help=_("list the accounts"))
    for verb in ("add", "set"):
        command = users_sub.add_parser(
            verb, parents=[_language_options()], help=_("add an account") if verb == "add" else _("set an account")
        )
        command.add_argument("username", help=_("the user name they sign in with"))
        command.add_argument("--role", required=verb == "add", default=None, help=_("admin, manager, hr or consultant"))
        command.add_argument("--email", default=None, help=_("the e-mail they sign in with (single sign-on)"))
        command.add_argument("--display-name", default=None, help=_("full name shown in the app"))
        command.add_argument(
            "--manager-name", default=None, help=_("managers: their name as the data's manager field has it")
        )
        command.add_argument("--team", action="append", default=None, help=_("managers: a team they see (repeatable)"))
        command.add_argument(
            "--password-stdin", action="store_true", help=_("read the password from the first line of standard input")
        )
        if verb == "set":
            command.add_argument("--active", choices=("yes", "no"), default=None, help=_("allow or stop sign-in"))


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m core", description=_("Coachwise from the command line."), parents=[_language_options()]
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", parents=[_language_options()], help=_("write a generated demo team to a CSV or XLSX file")
    )
    demo.add_argument("--out", required=True, help=_("file to write (.csv or .xlsx)"))
    demo.add_argument("--reps", type=_positive, default=120, help=_("number of people (default 120)"))
    demo.add_argument("--months", type=_positive, default=12, help=_("number of months (default 12)"))
    demo.add_argument("--seed", type=int, default=7, help=_("random seed; same seed, same team (default 7)"))
    demo.add_argument("--end", type=_month, default=None, help=_("last month YYYY-MM (default: last completed month)"))

    initdb = sub.add_parser(
        "init-db",
        parents=[_language_options()],
        help=_("create or upgrade the database; load the demo team if it is empty"),
    )
    initdb.add_argument("--no-demo", action="store_true", help=_("do not load the demo team into an empty database"))

    sub.add_parser("datasets", parents=[_language_options()], help=_("list the stored datasets"))

    delete = sub.add_parser(
        "delete", parents=[_language_options()], help=_("delete a dataset and everything derived from it, for good")
    )
    delete.add_argument("dataset_id", type=_positive, metavar="DATASET_ID", help=_("the dataset (see `datasets`)"))
    delete.add_argument("--yes", action="store_true", help=_("confirm: the deletion cannot be undone"))

    retention = sub.add_parser(
        "retention",
        parents=[_language_options()],
        help=_("show or set how long real datasets are kept (demo teams stay)"),
    )
    period = retention.add_mutually_exclusive_group()
    period.add_argument("--days", type=_positive, help=_("delete real datasets not imported into for N days"))
    period.add_argument("--off", action="store_true", help=_("switch automatic deletion off"))

    _add_data_commands(sub)
    _add_derive_command(sub)
    sub.add_parser(
        "preflight",
        parents=[_language_options()],
        help=_("refuse to start a server reachable from other computers without sign-in"),
    )
    _add_user_commands(sub)

    audit = sub.add_parser(
        "audit",
        parents=[_language_options(), _output_options("csv", "json")],
        help=_("print the audit trail (who did what, when)"),
    )
    audit.add_argument("--action", action="append", default=[], help=_("only this action (repeatable)"))
    audit.add_argument("--actor", default="", help=_("only actors containing this text"))
    audit.add_argument("--dataset", type=_positive, default=None, help=_("only entries about this dataset id"))
    audit.add_argument("--since", type=_day, default=None, help=_("from this day, YYYY-MM-DD (UTC)"))
    return parser


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(_("'{value}' is not a day like 2026-12-01").format(value=text)) from None


def _store() -> Engine:
    """The database, created or upgraded to the current schema."""
    from core.store.db import init_db, make_engine

    engine = make_engine()
    init_db(engine)
    return engine


def _cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import DemoSpec, generate_team, write_team

    frame = generate_team(DemoSpec(reps=args.reps, months=args.months, seed=args.seed, end=args.end))
    write_team(frame, args.out)
    people = frame["rep_id"].nunique()
    print(
        _("Wrote {rows} rows ({people} people, {months} months) to {out}").format(
            rows=_count(len(frame)), people=_count(people), months=args.months, out=args.out
        ),
        file=sys.stderr,
    )
    return 0


def _cmd_init_db(args: argparse.Namespace) -> int:
    from core.demo import ensure_demo_dataset
    from core.governance.retention import apply_retention
    from core.store.datasets import write_missing_snapshots

    engine = _store()
    expired = apply_retention(engine=engine)
    write_missing_snapshots(engine=engine)  # datasets stored before snapshots existed: read fast from now on
    created = None if args.no_demo else ensure_demo_dataset(engine=engine)
    where = engine.url.render_as_string(hide_password=True)
    ready = _("Database ready at {where} and loaded the demo team") if created else _("Database ready at {where}")
    message = ready.format(where=where)
    if expired:
        ids = ", ".join(str(d.dataset_id) for d in expired)
        deleted = ngettext(
            "the retention period deleted {n} dataset ({ids})",
            "the retention period deleted {n} datasets ({ids})",
            len(expired),
        )
        message += "; " + deleted.format(n=len(expired), ids=ids)
    print(f"{message}.", file=sys.stderr)
    return 0


def _cmd_datasets(_args: argparse.Namespace) -> int:
    from core.store.datasets import list_datasets

    engine = _store()
    for ds in list_datasets(engine=engine):
        demo = " " + _("(demo)") if ds.is_demo else ""
        rows = ngettext("{n} row", "{n} rows", ds.row_count).format(n=ds.row_count)
        print(f"{ds.id}\t{ds.name}{demo}\t{ds.created_at:%Y-%m-%d %H:%M}\t{ds.source_filename}\t{rows}")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    from core.governance.retention import delete_dataset
    from core.store.datasets import get_dataset

    engine = _store()
    dataset = get_dataset(engine=engine, dataset_id=args.dataset_id)
    if dataset is None:
        raise ValueError(_(NO_DATASET).format(id=args.dataset_id))
    if not args.yes:
        raise ValueError(
            _("Deleting dataset {id} ('{name}', {rows} rows) cannot be undone; add --yes to delete it.").format(
                id=dataset.id, name=dataset.name, rows=_count(dataset.row_count)
            )
        )
    result = delete_dataset(engine=engine, dataset_id=dataset.id, actor="command line")
    message = _("Deleted dataset {id} ({rows} rows).").format(id=dataset.id, rows=_count(result.rows))
    if not result.compacted:
        message += " " + _("The database could not be compacted now; the next deletion will do it.")
    print(message, file=sys.stderr)
    return EXIT_OK


def _cmd_retention(args: argparse.Namespace) -> int:
    from core.governance.retention import retention_days, set_retention_days

    engine = _store()
    if args.off or args.days is not None:
        set_retention_days(engine=engine, days=None if args.off else args.days, actor="command line")
    days = retention_days(engine=engine)
    if days is None:
        print(_("Automatic deletion is off: datasets are kept until someone deletes them."))
    else:
        print(
            _(
                "Real datasets are deleted {days} days after their last import (demo teams are kept); "
                "checked when the app or `init-db` starts."
            ).format(days=days)
        )
    return EXIT_OK


def _choices(
    args: argparse.Namespace,
) -> tuple[dict[str, Kind], dict[str, dict[str, str | None]], dict[str, str | None]]:
    """--kind and --map: the kind per file, the columns per file (``FILE:Header=field``) and for every file."""
    from core.ingest.importer import MappingProblem
    from core.ingest.records.kinds import fields_of

    names = {Path(f).name for f in args.files}
    kinds: dict[str, Kind] = {}
    for item in args.kind:
        where, eq, kind = item.rpartition("=")
        name = Path(where.strip()).name
        if not eq or name not in names:
            raise ValueError(
                _("--kind '{item}' must name one of the files given: --kind 'FILE=KIND'.").format(item=shorten(item))
            )
        if kind.strip() not in KINDS:
            raise ValueError(
                _("--kind '{item}': a kind is one of {kinds}.").format(item=shorten(item), kinds=", ".join(KINDS))
            )
        kinds[name] = cast(Kind, kind.strip())
    fields = set(CANONICAL_COLUMNS) | {f for k in KINDS if k != "monthly" for f in fields_of(k)}
    per_file: dict[str, dict[str, str | None]] = {}
    general: dict[str, str | None] = {}
    for item in args.map:
        where, sep, choice = item.partition(":")
        own = bool(sep) and Path(where.strip()).name in names
        header, eq, field = (choice if own else item).rpartition("=")
        header, field = header.strip(), field.strip()
        if not eq or not header or not field:
            raise MappingProblem(
                _('--map \'{item}\' is not of the form "Header in your file=field" (or "FILE:Header=field").').format(
                    item=shorten(item)
                )
            )
        if field not in fields:
            raise MappingProblem(
                _(
                    "--map '{item}': '{field}' is not a field; use one of {fields} (the monthly table), "
                    "or a CRM export's field (see README)."
                ).format(item=shorten(item), field=shorten(field), fields=", ".join(CANONICAL_COLUMNS))
            )
        (per_file.setdefault(Path(where.strip()).name, {}) if own else general)[field] = header
    return kinds, per_file, general


def _sources(args: argparse.Namespace, *, recall: Recall | None = None, partial: bool = False) -> PreparedSources:
    """Read every FILE (one monthly table, or CRM exports to derive it from) as the command line chose.

    What each CRM file was read as and every note go to standard error. An unanswered question stops
    the command; so does a file that gave nothing usable, unless ``partial`` (``check`` and ``derive``
    show what the other files give): nothing is scored or stored on half the data.
    """
    from core.ingest.ahead import file_bytes
    from core.ingest.records.parse import parse_answer_options
    from core.ingest.sources import Source, nothing_remembered, prepare_sources

    kinds, per_file, general = _choices(args)
    answers = parse_answer_options(args.stage, args.role, args.date_order)
    result = prepare_sources(
        [Source(Path(f).name, file_bytes(f)) for f in args.files],
        kinds=kinds,
        mappings=per_file,
        mapping=general or None,
        answers=answers,
        recall=recall or nothing_remembered,
        sheet=args.sheet,
        max_bytes=args.max_mb * 1024 * 1024,
    )
    if result.derivation is not None:
        for summary in result.derivation.files:
            print(_("Read {file} as {what}.").format(file=summary.filename, what=summary.sentence), file=sys.stderr)
        for note in result.derivation.notes:
            print(_(NOTE).format(note=note), file=sys.stderr)
    for question in result.questions:
        print(_("Question: {question}").format(question=question.sentence()), file=sys.stderr)
    for problem in result.problems:
        print(_(ERROR).format(error=problem), file=sys.stderr)
    if result.questions:
        count = len(result.questions)
        raise ValueError(
            ngettext(
                "{n} question is unanswered, so nothing was done; answer with --stage, --role or --date-order "
                "and run again.",
                "{n} questions are unanswered, so nothing was done; answer with --stage, --role or --date-order "
                "and run again.",
                count,
            ).format(n=count)
        )
    if result.problems and not partial:
        raise ValueError(_("a file gave nothing usable, so nothing was done; fix it or leave it out and run again."))
    if result.prepared is None:
        raise ValueError(
            _(
                "the files give no person-month to work with; check that they are the exports you meant "
                "(the notes above say what was left out)."
            )
        )
    return result


def _read_files(args: argparse.Namespace, *, recall: Recall | None = None) -> Prepared:
    """The monthly table the FILEs give (see :func:`_sources`), aliased with ``--aliases``."""
    result = _sources(args, recall=recall)
    assert result.prepared is not None  # _sources stops without a table
    prepared = result.prepared
    if getattr(args, "aliases", False):
        from dataclasses import replace

        from core.governance.alias import alias_frame

        prepared = replace(prepared, frame=alias_frame(prepared.frame, _alias_key()))
    return prepared


def _alias_key() -> bytes:
    """The presentation key: COACHWISE_ALIAS_KEY, else secrets.toml's, else the one stored in the database."""
    import os

    from core.governance.startup import alias_key_in_secrets
    from core.store.settings import ALIAS_KEY, stored_secret

    configured = os.environ.get("COACHWISE_ALIAS_KEY", "").strip() or alias_key_in_secrets()
    if configured:
        return configured.encode("utf-8")
    engine = _store()
    return stored_secret(engine=engine, key=ALIAS_KEY).encode("utf-8")


def _summary(prepared: Prepared) -> str:
    errors = int((prepared.report["severity"] == "error").sum())
    warnings = int((prepared.report["severity"] == "warning").sum())
    return _("{file}: {rows} rows, {valid} valid, {rejected} rejected ({errors}, {warnings}).").format(
        file=prepared.filename,
        rows=_count(prepared.rows_total),
        valid=_count(prepared.rows_valid),
        rejected=_count(prepared.rows_rejected),
        errors=ngettext("{n} error", "{n} errors", errors).format(n=_count(errors)),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=_count(warnings)),
    )


def _cmd_check(args: argparse.Namespace) -> int:
    from core.ingest.importer import report_csv

    result = _sources(args, partial=True)
    assert result.prepared is not None  # _sources stops without a table
    prepared = result.prepared
    for note in prepared.warnings:
        print(_(NOTE).format(note=note), file=sys.stderr)
    if args.format == "csv":
        sys.stdout.write(report_csv(prepared))  # machine-readable: the same columns in every language
    else:
        severities = {"error": _("error"), "warning": _("warning")}
        for row in prepared.report.itertuples(index=False):
            print(
                _("{severity}: row {row}, column '{column}', value '{value}': {reason}").format(
                    severity=severities.get(str(row.severity), row.severity),
                    row=row.row,
                    column=row.column,
                    value=row.value,
                    reason=row.reason,
                )
            )
    print(_summary(prepared), file=sys.stderr)
    return EXIT_REJECTED_ROWS if prepared.rows_rejected or result.problems else EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from core.governance.access import OPERATOR
    from core.ingest.importer import import_prepared, previous_imports
    from core.ingest.sources import recall_from
    from core.store.datasets import get_dataset

    engine = _store()
    prepared = _read_files(args, recall=recall_from(engine))
    earlier = previous_imports(engine=engine, sha256=prepared.sha256)
    if earlier and not args.again:
        last = earlier[0]
        from core.i18n.formats import format_datetime

        raise ValueError(
            _(
                "'{file}' was already imported on {when} UTC into '{dataset}' (dataset {id}); "
                "add --again to import it anyway."
            ).format(
                file=prepared.filename,
                when=format_datetime(last.imported_at, _current().language),
                dataset=last.dataset_name,
                id=last.dataset_id,
            )
        )
    if args.into is not None and get_dataset(engine=engine, dataset_id=args.into) is None:
        raise ValueError(_(NO_DATASET).format(id=args.into))
    outcome = import_prepared(
        engine=engine, prepared=prepared, name=args.name, into=args.into, overlap=args.overlap, viewer=OPERATOR
    )
    print(_summary(prepared), file=sys.stderr)
    print(
        _(
            "Imported into dataset {id}: {added} rows added, {replaced} replaced, {kept} kept as stored, "
            "{rejected} rejected (run `check` to see why)."
        ).format(
            id=outcome.dataset_id,
            added=_count(outcome.added),
            replaced=_count(outcome.replaced),
            kept=_count(outcome.kept),
            rejected=_count(outcome.rejected),
        ),
        file=sys.stderr,
    )
    return EXIT_REJECTED_ROWS if prepared.rows_rejected else EXIT_OK


def _table_bytes(frame: pd.DataFrame, fmt: str, *, sheet: str = "Coachwise") -> bytes:
    """A table as a file: CSV and XLSX with the headers of the command's language (``--lang``), JSON with the keys."""
    from core.export import export_bytes, localised_headers

    if fmt == "json":
        return export_bytes(frame, "json")
    return export_bytes(localised_headers(frame), "xlsx" if fmt == "xlsx" else "csv", sheet=sheet)


UNMATCHED_SHOWN = 10
"""People without a peer coach named on the terminal; ``--unmatched FILE`` writes them all."""


def _write_output(data: bytes, out: str | None, what: str) -> None:
    """Write an export to a file (saying so on stderr) or to standard output."""
    if out:
        Path(out).write_bytes(data)
        print(_("Wrote {what} to {out}").format(what=what, out=out), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _cmd_segment(args: argparse.Namespace) -> int:
    from core.forked import worker
    from core.scoring.metrics import parse_weights
    from core.scoring.segmentation import segment  # noqa: F401  # before the fork: the worker has it too

    weights = parse_weights(args.weights) if args.weights.strip() else {}
    if args.format == "xlsx" and not args.out:
        raise ValueError(_(XLSX_NEEDS_OUT).format(out="tiers.xlsx"))
    # Forked now, while this process is small and holds the scoring's modules: the bootstrap runs there beside
    # the scoring here (core.forked).
    bootstrap = worker(memory_mb=_bootstrap_memory(args.files)) if args.replicates > 0 else None
    try:
        return _segment_files(args, weights, bootstrap)
    finally:
        if bootstrap is not None:
            bootstrap.shutdown(cancel_futures=True)


def _bootstrap_memory(files: Sequence[str]) -> int:
    """The memory the bootstrap's worker prepares while the files are read: about seven times their size (the
    20,000-person table's 46 MB made the worker grow by 270 MB), at most 512 MB."""
    size = 0
    for name in files:
        try:
            size += Path(name).stat().st_size
        except OSError:  # the read says what is wrong with the file
            continue
    return min(512, 7 * size // 2**20)


def _segment_files(args: argparse.Namespace, weights: dict[str, float], processes: Executor | None) -> int:
    """``segment`` once the arguments are checked; the bootstrap in ``processes`` when given."""
    from core.months import month_codes
    from core.scoring.metrics import NO_QUOTA_METRIC, scored_on, scored_on_text, without_quota, without_quota_text
    from core.scoring.segmentation import complete_records, export_table, segment

    prepared = _read_files(args)
    if prepared.rows_rejected:
        print(
            _("Note: {rows} invalid rows left out (`python -m core check {files}` lists them).").format(
                rows=_count(prepared.rows_rejected), files=" ".join(args.files)
            ),
            file=sys.stderr,
        )
    if prepared.frame.empty:
        raise ValueError(
            _("'{file}' has no valid rows to segment; run `check` to see why.").format(file=prepared.filename)
        )
    months = month_codes(prepared.frame["period"])  # read once, for the note and the tiers
    settings = _segment_settings(
        args, prepared.frame, months=months, weights=weights, replicates=max(0, args.replicates)
    )
    segmented = segment(prepared.frame, settings, processes=processes, months=months)
    # Which metrics each role was scored on here (AEs without a quota: won revenue per month); every row
    # of the output carries its role's in the scored_on column, in the --weights syntax.
    used = scored_on(segmented, weights)
    for line in scored_on_text(used):
        print(_("Scored on: {metrics}").format(metrics=line), file=sys.stderr)
    if NO_QUOTA_METRIC in used.get("AE", {}):  # and who lacks one, so the quota can be entered
        lacking = without_quota(complete_records(prepared.frame, settings), window=settings.window)
        print(without_quota_text([str(n) for n in lacking["name"]]), file=sys.stderr)
    table = export_table(segmented)
    people = ngettext("{n} person", "{n} people", len(table)).format(n=_count(len(table)))
    _write_output(_table_bytes(table, args.format, sheet="Tiers"), args.out, people)
    return EXIT_OK


def _cmd_chains(args: argparse.Namespace) -> int:
    from core.coaching.chains import DEFAULT_CAPACITY, ChainSettings, level_label, match_chains, parse_levels
    from core.scoring.segmentation import segment

    if args.format == "xlsx" and not args.out:
        raise ValueError(_(XLSX_NEEDS_OUT).format(out="chains.xlsx"))
    if args.hours <= 0:
        raise ValueError(_("--hours must be more than 0."))
    levels = parse_levels(args.levels) if args.levels is not None else None
    prepared = _read_files(args)
    if prepared.frame.empty:
        raise ValueError(_(NO_VALID_ROWS).format(file=prepared.filename))
    if prepared.rows_rejected:
        print(_(ROWS_LEFT_OUT).format(rows=_count(prepared.rows_rejected)), file=sys.stderr)
    # Pairs use the tiers and the window before (its tier, whether it was near the low cut-off): not borderline
    # flags, trends or windows further back, so none of those is computed.
    settings = _segment_settings(args, prepared.frame, replicates=0, trend_months=0, history=2)
    segmented = segment(prepared.frame, settings)
    result = match_chains(
        segmented,
        ChainSettings(
            capacity={role: args.capacity for role in DEFAULT_CAPACITY},
            hours_per_coachee=args.hours,
            coach_the_coaches=args.coach_the_coaches,
            levels=levels,
        ),
    )
    if args.invitations:
        invitations = result.invitations
        count = len(invitations)
        what = ngettext("{n} invitation", "{n} invitations", count).format(n=_count(count))
        _write_output(_table_bytes(invitations, args.format, sheet="Invitations"), args.out, what)
        print(
            ngettext(
                "{n} coach to ask first, covering {coachees} coachees and {hours} coaching hours a month.",
                "{n} coaches to ask first, covering {coachees} coachees and {hours} coaching hours a month.",
                count,
            ).format(
                n=_count(count),
                coachees=_count(int(invitations["coachees"].sum())),
                hours=_count(float(invitations["hours"].sum())),
            ),
            file=sys.stderr,
        )
        return EXIT_OK
    pairs = ngettext("{n} pair", "{n} pairs", len(result.pairs)).format(n=_count(len(result.pairs)))
    _write_output(_table_bytes(result.pairs, args.format, sheet="Chains"), args.out, pairs)
    invited = int((result.pairs["status"] == "invitation").sum())
    print(
        _(
            "Levels: {levels}. {pairs} pairs and {invited} invitations; {unmatched} core people without a peer "
            "coach; {hours} coaching hours a month."
        ).format(
            levels=", ".join(result.levels) or _("none"),
            pairs=_count(len(result.pairs) - invited),
            invited=_count(invited),
            unmatched=_count(len(result.unmatched)),
            hours=_count(float(result.load["hours"].sum())),
        ),
        file=sys.stderr,
    )
    if args.unmatched:
        without = ngettext("{n} person without a peer coach", "{n} people without a peer coach", len(result.unmatched))
        _write_output(
            _table_bytes(result.unmatched, args.format, sheet="Unmatched"),
            args.unmatched,
            without.format(n=_count(len(result.unmatched))),
        )
    columns = ["name", "role", "team", "level", "invite", "why"]
    shown = result.unmatched[columns].head(UNMATCHED_SHOWN).astype(str)
    for name, role, team, level, invite, why in shown.itertuples(index=False):
        also = " " + _("Invite: {invite}.").format(invite=invite) if invite and invite not in why else ""
        print(
            _("Without a peer coach: {name} ({role}, {team}) — {level_name} ({level}) would cover them.").format(
                name=name, role=role, team=team or _("no team"), level_name=level_label(level), level=level
            )
            + f" {why}{also}",
            file=sys.stderr,
        )
    rest = len(result.unmatched) - len(shown)
    if rest > 0 and not args.unmatched:  # a terminal full of one sentence helps nobody: the file holds them all
        print(
            ngettext(
                "… and {n} more without a peer coach; --unmatched FILE writes the whole list.",
                "… and {n} more without a peer coach; --unmatched FILE writes the whole list.",
                rest,
            ).format(n=_count(rest)),
            file=sys.stderr,
        )
    for suggestion in result.suggestions:
        print(_("Suggestion: {suggestion}").format(suggestion=suggestion), file=sys.stderr)
    return EXIT_OK


def _stop_on_unknown_languages(prepared: Prepared) -> None:
    """Stop before writing plans when a language cell names no language: a person's plan would be in the wrong one.

    Raises:
        ValueError: One sentence naming the file, the rows, the column and each value that is no language.
    """
    from core.ingest.values import LANGUAGE_REASON

    report = prepared.report
    if report.empty or "reason" not in report.columns:
        return
    bad = report[report["reason"].astype(str) == LANGUAGE_REASON]
    if bad.empty:
        return
    cells = []
    for (column, value), rows in bad.groupby(["column", "value"], sort=False)["row"]:
        numbers = [str(n) for n in rows.head(3)]
        more = len(rows) - len(numbers)
        listed = ", ".join(numbers) if not more else _("{rows} and {n} more").format(rows=", ".join(numbers), n=more)
        cells.append(
            ngettext("{file} row {rows}, column {column}: '{value}'", "{file} rows {rows}, column {column}: '{value}'",
                     len(rows)).format(file=prepared.filename, rows=listed, column=column, value=value)
        )  # fmt: skip
    raise ValueError(
        _(
            "{cells} — not a language Coachwise writes plans in. Write de, nl or en (Deutsch, Nederlands, English) "
            "or leave the cell blank for --lang, and run again."
        ).format(cells="; ".join(cells))
    )


def _cmd_plans(args: argparse.Namespace) -> int:
    from datetime import date

    from core.governance.audit import record, subject_ids
    from core.plans.calendar import plan_calendar
    from core.plans.content import file_stem, plans_from_records
    from core.plans.render import plans_zip

    prepared = _read_files(args)
    _stop_on_unknown_languages(prepared)
    if prepared.frame.empty:
        raise ValueError(_(NO_VALID_ROWS).format(file=prepared.filename))
    if prepared.rows_rejected:
        print(_(ROWS_LEFT_OUT).format(rows=_count(prepared.rows_rejected)), file=sys.stderr)
    plans = plans_from_records(
        prepared.frame,
        rep_ids=list(dict.fromkeys(args.rep)) or None,
        settings=_segment_settings(args, prepared.frame),
        today=date.today(),
        audience=args.audience,  # a person's own plan in their language (the file's language column), else --lang
    )
    calendars = plan_calendar if args.calendar else None
    Path(args.out).write_bytes(
        plans_zip(plans, args.format, file_stem=file_stem, audience=args.audience, calendars=calendars)
    )
    engine = _store()
    record(
        engine=engine,
        actor="command line",
        action="export",
        subject=subject_ids(p.rep_id for p in plans),
        detail=f"plans and briefs ({args.format}, for the {args.audience}) from a file with sha256 {prepared.sha256}",
    )
    briefs = sum(1 for p in plans if p.kind == "hr_brief")
    if args.audience == "person":
        print(
            (
                _(
                    "Wrote {plans} {format} plans, one per person with a calendar (.ics) each, to {out}; "
                    "{briefs} HR briefs left out (use --for manager)"
                )
                if args.calendar
                else _(
                    "Wrote {plans} {format} plans, one per person, to {out}; {briefs} HR briefs left out "
                    "(use --for manager)"
                )
            ).format(plans=_count(len(plans) - briefs), format=args.format.upper(), out=args.out, briefs=briefs),
            file=sys.stderr,
        )
    else:
        print(
            _("Wrote {files} {format} files (manager's notes, {briefs} HR briefs) to {out}").format(
                files=_count(len(plans)), format=args.format.upper(), briefs=briefs, out=args.out
            ),
            file=sys.stderr,
        )
    return EXIT_OK


def _cmd_preflight(_args: argparse.Namespace) -> int:
    import os

    from core.governance.startup import preflight

    engine = _store()
    message = preflight(engine=engine, environ=os.environ)
    if message:
        print(_(ERROR).format(error=message), file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK


def _password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise ValueError(_("--password-stdin was given but standard input had no password on its first line."))
    return line


def _cmd_users(args: argparse.Namespace) -> int:
    from core.governance.access import ROLE_LABELS
    from core.governance.users import create_user, list_users, update_user

    engine = _store()
    if args.users_command == "list":
        for u in list_users(engine=engine):
            state = _("active") if u.active else _("inactive")
            how = _("password") if u.has_password else _("single sign-on")
            role, shown_teams = _(ROLE_LABELS[u.role]), ", ".join(u.teams)
            print(f"{u.username}\t{role}\t{state}\t{how}\t{u.email or ''}\t{u.manager_name}\t{shown_teams}")
        return EXIT_OK
    teams = "\n".join(args.team) if args.team is not None else None
    if args.users_command == "add":
        password = _password(args)
        if password is None and not args.email:
            raise ValueError(_("Give a password with --password-stdin (local sign-in) or an --email (single sign-on)."))
        user = create_user(
            engine=engine,
            username=args.username,
            role=args.role,
            actor="command line",
            password=password,
            email=args.email,
            display_name=args.display_name or "",
            manager_name=args.manager_name or "",
            teams=teams or "",
        )
        print(_("Added {user} as {role}.").format(user=user.username, role=_(ROLE_LABELS[user.role])), file=sys.stderr)
        return EXIT_OK
    user = update_user(
        engine=engine,
        username=args.username,
        actor="command line",
        role=args.role,
        active=None if args.active is None else args.active == "yes",
        password=_password(args),
        email=args.email,
        display_name=args.display_name,
        manager_name=args.manager_name,
        teams=teams,
    )
    state = _("active") if user.active else _("inactive")
    print(
        _("Saved {user} ({role}, {state}).").format(user=user.username, role=_(ROLE_LABELS[user.role]), state=state),
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from core.governance.audit import ACTIONS, audit_log, record

    unknown = [a for a in args.action if a not in ACTIONS]
    if unknown:
        raise ValueError(
            _("'{action}' is not an audited action; use one of {actions}.").format(
                action=unknown[0], actions=", ".join(ACTIONS)
            )
        )
    engine = _store()
    log = audit_log(engine=engine, actions=args.action, actor=args.actor, dataset_id=args.dataset, since=args.since)
    log["at"] = log["at"].map(lambda t: t.isoformat())
    entries = ngettext("{n} audit entry", "{n} audit entries", len(log)).format(n=_count(len(log)))
    _write_output(_table_bytes(log, args.format, sheet="Audit"), args.out, entries)
    record(engine=engine, actor="command line", action="audit_exported", subject=f"{len(log)} entries")
    return EXIT_OK


def _cmd_impact(args: argparse.Namespace) -> int:
    from core.coaching.impact import (
        ImpactSettings,
        estimate_from_records,
        export_json,
        export_table,
        interval_text,
        pairs_matched_before,
    )
    from core.scoring.tiers import parse_cutoffs

    settings = ImpactSettings(
        pre_months=args.pre,
        post_months=args.post,
        replicates=args.replicates,
        window=args.window,
        cutoffs=parse_cutoffs(args.cutoffs),
    )
    prepared = _read_files(args)
    if prepared.frame.empty:
        raise ValueError(_(NO_VALID_ROWS).format(file=prepared.filename))
    if prepared.rows_rejected:
        print(_(ROWS_LEFT_OUT).format(rows=_count(prepared.rows_rejected)), file=sys.stderr)
    records = prepared.frame
    if not (records["period"] >= args.start).any():
        raise ValueError(
            _("'{file}' has no month from {start} on, so there is no effect to see yet.").format(
                file=prepared.filename, start=args.start
            )
        )
    pairs = pairs_matched_before(
        records, args.start, capacity=args.capacity, window=args.window, cutoffs=settings.cutoffs
    )
    result = estimate_from_records(records, pairs, settings)
    if args.format == "json":
        data = export_json(result).encode("utf-8")
    else:
        data = _table_bytes(export_table(result), "csv")
    what = _("{coachees} coachees and {coaches} coaches").format(
        coachees=_count(len(result.coachees)), coaches=_count(len(result.coaches))
    )
    _write_output(data, args.out, what)
    if not result.programme.empty:
        from core.i18n.formats import format_number, format_percent

        lang = _current().language
        row = result.programme.iloc[-1]
        interval = interval_text(float(row["low"]), float(row["high"]))
        lift = float(row["did"])
        print(
            _(
                "{coachees} coachees vs {peers} uncoached core peers: lift {lift} score points ({level} interval "
                "{interval}). Not a randomised trial: regression to the mean is only partly removed by the comparison."
            ).format(
                coachees=_count(int(row["coachees"])),
                peers=_count(int(row["peers"])),
                lift=("+" if lift >= 0 else "") + format_number(lift, lang, digits=1),
                level=format_percent(settings.level, lang),
                interval=interval,
            ),
            file=sys.stderr,
        )
    for why, count in result.skipped["why"].value_counts(sort=False).items():
        print(
            _("{count} matched pairs not estimated: {why}.").format(count=_count(int(count)), why=why), file=sys.stderr
        )
    return EXIT_OK


def _cmd_derive(args: argparse.Namespace) -> int:
    from core.export import to_csv_bytes

    result = _sources(args, partial=True)
    assert result.prepared is not None  # _sources stops without a table
    frame = result.prepared.frame
    if result.prepared.rows_rejected:
        print(_(ROWS_LEFT_OUT).format(rows=_count(result.prepared.rows_rejected)), file=sys.stderr)
    people = frame["rep_id"].nunique()
    what = _("{rows} rows ({people} people)").format(rows=_count(len(frame)), people=_count(people))
    _write_output(to_csv_bytes(frame), args.out, what)
    return EXIT_REJECTED_ROWS if result.prepared.rows_rejected or result.problems else EXIT_OK


COMMANDS = {
    "derive": _cmd_derive,
    "preflight": _cmd_preflight,
    "users": _cmd_users,
    "audit": _cmd_audit,
    "impact": _cmd_impact,
    "plans": _cmd_plans,
    "chains": _cmd_chains,
    "segment": _cmd_segment,
    "demo": _cmd_demo,
    "init-db": _cmd_init_db,
    "datasets": _cmd_datasets,
    "delete": _cmd_delete,
    "retention": _cmd_retention,
    "check": _cmd_check,
    "import": _cmd_import,
}


def chosen_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language a command line asks for: ``--lang`` anywhere in it, else COACHWISE_LANG, else English.

    Read before the parser is built, so the parser's help texts are in that language too.

    Raises:
        ValueError: When the language named is not en, de or nl (a sentence saying where it came from).
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=None)
    given = early.parse_known_args(list(argv))[0].lang
    if given is not None:
        return language(given)
    configured = environ.get(LANGUAGE_VARIABLE, "").strip()
    if not configured:
        return "en"
    try:
        return language(configured)
    except ValueError as exc:
        raise ValueError(f"{LANGUAGE_VARIABLE}: {exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; what it prints passes through :class:`TerminalStream`."""
    args = list(sys.argv[1:] if argv is None else argv)
    with redirect_stdout(TerminalStream(sys.stdout)), redirect_stderr(TerminalStream(sys.stderr)):
        try:
            chosen = translator(chosen_language(args, os.environ))
        except (ValueError, OSError) as exc:  # an unknown language, or a catalogue not compiled
            print(f"Error: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        with speaking(chosen.language):
            return _run(args)


def leave(code: int) -> NoReturn:
    """End ``python -m core`` with ``code`` — at once when the command touched no database (#17).

    The interpreter's own exit frees every object one by one and unloads every module: 0.15–0.4 s after a
    big file, for nothing the user sees. When no database library was loaded (the file-in/file-out jobs)
    and no other thread runs, the exit handlers run, the streams are flushed and the process ends there.
    Otherwise (a database connection to close, a thread to join, a stream that cannot be flushed) it
    exits the usual way.
    """
    import atexit
    import threading

    if "sqlalchemy" in sys.modules or any(
        t is not threading.main_thread() and not t.daemon for t in threading.enumerate()
    ):
        raise SystemExit(code)
    atexit._run_exitfuncs()  # what the usual exit runs first: logging, finalizers, temporary directories
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stream: the usual exit reports it as it always did
        raise SystemExit(code) from None
    os._exit(code)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from core.ingest import ahead
    from core.memory import cycles_collected_at_the_end

    if getattr(args, "files", None):  # read on a thread while the modules below load
        ahead.read_ahead(args.files, max_bytes=args.max_mb * 1024 * 1024)
    try:
        with cycles_collected_at_the_end() if args.command in _FILE_JOBS else nullcontext():
            return _command(args)
    finally:
        ahead.forget()


_FILE_JOBS: Final = frozenset({"check", "derive", "segment", "chains"})
"""The commands that read files and write a table within seconds (see core.memory.cycles_collected_at_the_end);
not ``plans``, which may write a thousand PDFs."""


def _command(args: argparse.Namespace) -> int:
    from core.ingest.importer import MappingProblem, UnusableFile

    try:
        return COMMANDS[args.command](args)
    except (UnusableFile, MappingProblem) as exc:
        print(_(ERROR).format(error=exc), file=sys.stderr)
        return EXIT_UNUSABLE
    except FileNotFoundError as exc:
        print(
            _(ERROR).format(
                error=_("cannot read '{file}': no such file. Check the path and try again.").format(file=exc.filename)
            ),
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    except (ValueError, OSError) as exc:
        print(_(ERROR).format(error=exc), file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001  (the promise: no traceback reaches the user)
        # Imported here, not at the top, so that file-only commands never load the database stack; no
        # store error is a ValueError or OSError, so catching them after those changes nothing.
        from core.store.db import STORE_ERRORS, database_url, describe_store_error

        if isinstance(exc, STORE_ERRORS):
            # SQLAlchemy's text repeats the SQL and its rows (personal data): one sentence instead.
            print(_(ERROR).format(error=describe_store_error(exc, database_url())), file=sys.stderr)
            return EXIT_UNUSABLE
        # Not the database's fault (its errors are handled above) nor the file's: a fault of ours. Blaming the
        # database here sent people checking a connection that a file-only command never opened.
        print(
            _(ERROR).format(
                error=_(
                    "Coachwise stopped on an unexpected problem ({kind}: {detail}). This is a fault in Coachwise, "
                    "not something you did: please report it with the command you ran."
                ).format(kind=type(exc).__name__, detail=shorten(exc, 200))
            ),
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
