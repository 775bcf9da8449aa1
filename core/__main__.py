"""Command line for scripts and tests: ``python -m core COMMAND ...``.

Every failure ends in one sentence on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.datasets import list_datasets
from core.db import database_url, init_db, make_engine
from core.demo import DemoSpec, ensure_demo_dataset, generate_team, write_team

EXIT_UNUSABLE = 2


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be 1 or more")
    return value


def _month(text: str) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a month like 2026-10")
    return text


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m core", description="Coachwise from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write a generated demo team to a CSV or XLSX file")
    demo.add_argument("--out", required=True, help="file to write (.csv or .xlsx)")
    demo.add_argument("--reps", type=_positive, default=120, help="number of people (default 120)")
    demo.add_argument("--months", type=_positive, default=12, help="number of months (default 12)")
    demo.add_argument("--seed", type=int, default=7, help="random seed; same seed, same team (default 7)")
    demo.add_argument("--end", type=_month, default=None, help="last month YYYY-MM (default: last completed month)")

    initdb = sub.add_parser("init-db", help="create or upgrade the database; load the demo team if it is empty")
    initdb.add_argument("--no-demo", action="store_true", help="do not load the demo team into an empty database")

    sub.add_parser("datasets", help="list the stored datasets")
    return parser


def _cmd_demo(args: argparse.Namespace) -> int:
    frame = generate_team(DemoSpec(reps=args.reps, months=args.months, seed=args.seed, end=args.end))
    write_team(frame, args.out)
    people = frame["rep_id"].nunique()
    print(f"Wrote {len(frame):,} rows ({people:,} people, {args.months} months) to {args.out}", file=sys.stderr)
    return 0


def _cmd_init_db(args: argparse.Namespace) -> int:
    engine = make_engine()
    init_db(engine)
    created = None if args.no_demo else ensure_demo_dataset(engine=engine)
    where = engine.url.render_as_string(hide_password=True)
    note = " and loaded the demo team" if created else ""
    print(f"Database ready at {where}{note}.", file=sys.stderr)
    return 0


def _cmd_datasets(_args: argparse.Namespace) -> int:
    engine = make_engine()
    init_db(engine)
    for ds in list_datasets(engine=engine):
        demo = " (demo)" if ds.is_demo else ""
        print(f"{ds.id}\t{ds.name}{demo}\t{ds.created_at:%Y-%m-%d %H:%M}\t{ds.source_filename}\t{ds.row_count} rows")
    return 0


COMMANDS = {"demo": _cmd_demo, "init-db": _cmd_init_db, "datasets": _cmd_datasets}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ValueError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001  (the promise: no traceback reaches the user)
        print(
            f"Error: {type(exc).__name__}: {exc}. The database is {database_url()}; "
            "check it is reachable and try again.",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
