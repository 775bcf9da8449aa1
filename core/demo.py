"""Generated demo teams: realistic, deterministic by seed, and fast at any size.

One latent skill per person drives all of that person's metrics, with month-to-month
noise on top, so tiers computed later are stable but not trivially so. The same
generator feeds the app's first start, the tests and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from core.datasets import list_datasets, sha256_bytes, store_dataset
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, MONEY_COLUMNS

# Common given and family names from several European languages, including
# diacritics that any export must survive (ä ö ü ß ø ł ð é ç and more).
FIRST_NAMES: tuple[str, ...] = (
    # German, Austrian, Swiss
    "Lea",
    "Jürgen",
    "Anna",
    "Lukas",
    "Sören",
    "Jörg",
    "Käthe",
    "Felix",
    "Mia",
    "Björn",
    # Dutch and Flemish
    "Sanne",
    "Daan",
    "Zoë",
    "Joël",
    "Femke",
    "Bram",
    "Noëlle",
    "Thijs",
    "Ilse",
    "Ruud",
    # Nordic
    "Søren",
    "Åsa",
    "Ingrid",
    "Mikkel",
    "Astrid",
    "Bjørn",
    "Sigríður",
    "Guðrún",
    "Halldór",
    "Kaisa",
    # Polish, Czech, Slovak
    "Łukasz",
    "Małgorzata",
    "Wojciech",
    "Zofia",
    "Jiří",
    "Kateřina",
    "Paweł",
    "Agnieszka",
    "Tomáš",
    # French, Spanish, Portuguese, Italian
    "François",
    "Hélène",
    "Amélie",
    "Ramón",
    "Inês",
    "João",
    "Begoña",
    "Chiara",
    "Matteo",
    "Noémie",
    # South-East Europe
    "Đorđe",
    "Ana",
    "Milica",
    "Nikola",
    "Dragana",
    "Luka",
    "Ivana",
    "Tamás",
    "Réka",
    "Zsófia",
)
LAST_NAMES: tuple[str, ...] = (
    "Müller",
    "Schäfer",
    "Weiß",
    "Groß",
    "Wolf",
    "Köhler",
    "Hoffmann",
    "Krüger",
    "Schröder",
    "Bauer",
    "de Vries",
    "van den Berg",
    "Janssen",
    "Bakker",
    "Visser",
    "Smit",
    "Brouwer",
    "de Jong",
    "Peeters",
    "Sørensen",
    "Østergaard",
    "Lindqvist",
    "Håkansson",
    "Jónsdóttir",
    "Guðmundsson",
    "Virtanen",
    "Wróbel",
    "Kowalski",
    "Nowak",
    "Wiśniewska",
    "Dvořák",
    "Novák",
    "Černá",
    "Łuczak",
    "Zieliński",
    "Dubois",
    "Lefèvre",
    "Garçon",
    "Muñoz",
    "García",
    "Gonçalves",
    "Conceição",
    "Rossi",
    "Esposito",
    "Petrović",
    "Jovanović",
    "Horváth",
    "Kovač",
    "Nagy",
    "Szabó",
    "Popescu",
    "Ionescu",
    "Bianchi",
)

REGIONS: tuple[str, ...] = ("DACH", "Benelux", "Nordics", "UK & Ireland", "Iberia", "CEE", "France")
SEGMENTS: tuple[str, ...] = ("Mid-Market", "Enterprise", "SMB")

# Share of each role in a typical B2B sales floor: many SDRs feeding AEs, fewer AMs.
ROLE_SHARES: dict[str, float] = {"SDR": 0.40, "AE": 0.37, "AM": 0.23}


@dataclass(frozen=True)
class DemoSpec:
    """What to generate; the same spec always gives the same table."""

    reps: int = 120
    months: int = 12
    seed: int = 7
    end: str | None = None  # last month, YYYY-MM; default the last completed month

    def end_period(self) -> pd.Period:
        """The last month of the generated window."""
        if self.end:
            return pd.Period(self.end, freq="M")
        today = date.today()
        return pd.Period(year=today.year, month=today.month, freq="M") - 1


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _teams(n_teams: int, rng: np.random.Generator) -> pd.DataFrame:
    names = []
    regions = []
    for i in range(n_teams):
        region = REGIONS[i % len(REGIONS)]
        segment = SEGMENTS[(i // len(REGIONS)) % len(SEGMENTS)]
        suffix = "" if i < len(REGIONS) * len(SEGMENTS) else f" {i // (len(REGIONS) * len(SEGMENTS)) + 1}"
        names.append(f"{region} {segment}{suffix}")
        regions.append(region)
    first = rng.choice(len(FIRST_NAMES), n_teams)
    last = rng.choice(len(LAST_NAMES), n_teams)
    managers = [f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)]
    return pd.DataFrame({"team": names, "region": regions, "manager": managers})


def generate_team(spec: DemoSpec | None = None) -> pd.DataFrame:
    """Generate a demo team in the canonical layout (one row per person per month).

    Args:
        spec: Size, seed and last month; defaults to 120 reps over 12 months, seed 7.

    Returns:
        A DataFrame with exactly :data:`core.schema.CANONICAL_COLUMNS`, counts as
        nullable integers, money as floats, blanks where a field does not apply.
    """
    spec = spec or DemoSpec()
    if spec.reps < 1 or spec.months < 1:
        raise ValueError("A demo team needs at least 1 rep and 1 month.")
    rng = np.random.default_rng(spec.seed)
    n, m = spec.reps, spec.months

    teams = _teams(max(3, round(n / 30)), rng)
    team_idx = rng.integers(0, len(teams), n)
    # Roles in fixed proportions, shuffled, so every size gets every role where it can.
    counts = np.floor(np.array(list(ROLE_SHARES.values())) * n).astype(int)
    counts[0] += n - counts.sum()
    roles = rng.permutation(np.repeat(np.array(list(ROLE_SHARES)), counts))

    skill = rng.normal(0.0, 1.0, n)
    first = rng.choice(len(FIRST_NAMES), n)
    last = rng.choice(len(LAST_NAMES), n)
    names = np.array([f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)])
    # Better people are somewhat more willing to coach; some say no, many never answered.
    u = rng.random(n) - 0.08 * skill
    willing = np.where(u < 0.55, "yes", np.where(u < 0.72, "no", ""))
    # About one in ten joined during the window: no rows before their first month.
    start_month = np.where(rng.random(n) < 0.10, rng.integers(1, max(2, m - 2), n), 0)
    start_month = np.minimum(start_month, m - 1)

    periods = pd.period_range(end=spec.end_period(), periods=m, freq="M").strftime("%Y-%m")
    person = np.repeat(np.arange(n), m)
    month = np.tile(np.arange(m), n)
    keep = month >= start_month[person]
    person, month = person[keep], month[keep]
    rows = person.size
    z = skill[person]
    role = roles[person]
    # Month-to-month noise: a personal wobble plus a small shared seasonal swing.
    season = 0.08 * np.sin(2 * np.pi * (month % 12) / 12.0)
    noise = rng.normal(0.0, 0.35, rows) + season

    out: dict[str, np.ndarray] = {c: np.full(rows, np.nan) for c in COUNT_COLUMNS + MONEY_COLUMNS}

    sdr = role == "SDR"
    k = int(sdr.sum())
    calls = rng.poisson(520 * np.exp(0.12 * z[sdr] + 0.1 * noise[sdr]))
    p_lead = _sigmoid(_logit(0.045) + 0.30 * z[sdr] + 0.3 * noise[sdr])
    leads = rng.binomial(calls, p_lead)
    p_qual = _sigmoid(_logit(0.55) + 0.45 * z[sdr] + 0.4 * rng.normal(0, 0.35, k))
    qualified = rng.binomial(leads, p_qual)
    out["calls"][sdr], out["leads_sent"][sdr], out["qualified_leads"][sdr] = calls, leads, qualified

    ae = role == "AE"
    k = int(ae.sum())
    worked = rng.poisson(14 * np.exp(0.10 * z[ae] + 0.1 * noise[ae]))
    won = rng.binomial(worked, _sigmoid(_logit(0.24) + 0.50 * z[ae] + 0.4 * noise[ae]))
    deal_size = rng.lognormal(np.log(18_000), 0.35, k)
    quota_person = np.round(rng.normal(80_000, 8_000, n), -3)
    out["deals_worked"][ae], out["deals_won"][ae] = worked, won
    out["revenue_won"][ae] = np.round(won * deal_size, 2)
    out["quota"][ae] = quota_person[person[ae]]

    am = role == "AM"
    portfolio0 = rng.lognormal(np.log(1_200_000), 0.4, n)
    growth = np.zeros(rows)
    growth[am] = rng.normal(0.006 + 0.007 * z[am], 0.012)
    # Chain the months: each start is the previous end (vectorised per person by cumprod).
    factor = pd.Series(1.0 + growth).groupby(person).cumprod().to_numpy()
    end_value = portfolio0[person] * factor
    start_value = end_value / (1.0 + growth)
    out["portfolio_start"][am] = np.round(start_value[am], 2)
    out["portfolio_end"][am] = np.round(end_value[am], 2)

    team_of = team_idx[person]
    frame = pd.DataFrame(
        {
            "rep_id": np.array([f"E{p + 10001:05d}" for p in range(n)])[person],
            "name": names[person],
            "role": role,
            "team": teams["team"].to_numpy()[team_of],
            "region": teams["region"].to_numpy()[team_of],
            "manager": teams["manager"].to_numpy()[team_of],
            "period": np.asarray(periods)[month],
            **{c: out[c] for c in COUNT_COLUMNS + MONEY_COLUMNS},
            "coach_willing": willing[person],
        }
    )
    for c in COUNT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    frame["coach_willing"] = frame["coach_willing"].replace("", pd.NA)
    return frame[list(CANONICAL_COLUMNS)].reset_index(drop=True)


def write_team(frame: pd.DataFrame, path: str) -> None:
    """Write a canonical table as CSV or XLSX, chosen by the file's extension.

    Raises:
        ValueError: For any other extension, with a sentence saying which are supported.
    """
    lower = path.lower()
    if lower.endswith(".csv"):
        frame.to_csv(path, index=False)
    elif lower.endswith(".xlsx"):
        frame.to_excel(path, index=False, sheet_name="Team", engine="openpyxl")
    else:
        raise ValueError(f"Cannot write '{path}': use a file name ending in .csv or .xlsx.")


DEMO_NAME = "Demo team (generated)"
DEMO_SPEC = DemoSpec(reps=120, months=12, seed=7)


def ensure_demo_dataset(*, engine: Engine, spec: DemoSpec = DEMO_SPEC) -> int | None:
    """Store a generated demo team when the database holds no dataset yet.

    Returns:
        The new demo dataset's id, or None when datasets already existed.
    """
    if list_datasets(engine=engine):
        return None
    frame = generate_team(spec)
    fingerprint = sha256_bytes(frame.to_csv(index=False).encode("utf-8"))
    return store_dataset(
        engine=engine,
        frame=frame,
        name=DEMO_NAME,
        source_filename=f"demo-seed{spec.seed}-{spec.reps}reps-{spec.months}months.csv",
        source_sha256=fingerprint,
        is_demo=True,
    )
