"""Generated demo teams: realistic, deterministic by seed, and fast at any size.

One latent skill per person drives all of that person's metrics, with month-to-month
noise on top, so tiers computed later are stable but not trivially so. The same
generator feeds the app's first start, the tests and the benchmarks.

Optionally it simulates a coaching programme: from a start month, the latent skill of the
coached SDRs and AEs rises gradually (over ``programme_ramp`` months) by ``programme_effect``
standard deviations. The programme draws from its own random stream and only shifts the skill
behind coached people's months from the start on, so the months before the start — and the
whole table when the programme is off — are exactly those of the same spec without it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.engine import Engine

from core.i18n import _
from core.months import add_months, last_months, month_of
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, MONEY_COLUMNS
from core.store.datasets import list_datasets, sha256_bytes, store_dataset

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
    # Coaching programme (off while programme_start is None).
    programme_start: str | None = None  # first coached month, YYYY-MM, inside the window
    programme_effect: float = 0.0  # rise of a coachee's latent skill in SD once fully ramped
    programme_ramp: int = 3  # months until the full effect (1/ramp, 2/ramp, ... of it before)
    programme_share: float = 0.5  # share of core-like SDRs and AEs coached when the generator picks
    # (coach rep_id, coachee rep_id) pairs; None = the generator picks coachees and coaches itself.
    programme_pairs: tuple[tuple[str, str], ...] | None = None

    def end_month(self) -> str:
        """The last month of the generated window, ``YYYY-MM``."""
        return self.end or add_months(month_of(date.today()), -1)


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


PAIR_COLUMNS = ("coach_id", "coachee_id", "start")
CORE_LIKE = (0.10, 0.70)  # latent-skill rank within role the generator coaches (the core 60%)
TOP_LIKE = 0.70  # latent-skill rank within role from which the generator picks coaches
PROGRAMME_CAPACITY = 3  # coachees per coach when the generator picks


def _rep_ids(n: int) -> npt.NDArray[np.object_]:
    return np.array([f"E{p + 10001:05d}" for p in range(n)], dtype=object)


def _rank_in_role(skill: npt.NDArray[np.float64], roles: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    """Each person's latent-skill rank within their role, 0 (lowest) to 1."""
    return np.asarray(pd.Series(skill).groupby(roles).rank(pct=True).to_numpy(), dtype=np.float64)


def _pick_pairs(
    spec: DemoSpec,
    skill: npt.NDArray[np.float64],
    roles: npt.NDArray[np.str_],
    team_idx: npt.NDArray[np.int64],
    willing: npt.NDArray[np.str_],
    joined: npt.NDArray[np.int64],
    start_idx: int,
) -> list[tuple[int, int]]:
    """Coachees drawn at random among core-like SDRs and AEs, each given a top-like coach above them.

    A coach is willing (or never asked), in the coachee's team where one has room, else anywhere;
    the coach with the most room left is taken first, so load spreads evenly.
    """
    rng = np.random.default_rng([spec.seed, 2026])  # its own stream: the team's draws stay untouched
    rank = _rank_in_role(skill, roles)
    pairs: list[tuple[int, int]] = []
    for coachee_role, coach_role in (("SDR", "AE"), ("AE", "AM")):
        core_like = (roles == coachee_role) & (rank >= CORE_LIKE[0]) & (rank < CORE_LIKE[1]) & (joined < start_idx)
        candidates = np.flatnonzero(core_like)
        chosen = np.sort(rng.permutation(candidates)[: round(spec.programme_share * candidates.size)])
        coaches = np.flatnonzero((roles == coach_role) & (rank >= TOP_LIKE) & (willing != "no"))
        room = {int(c): PROGRAMME_CAPACITY for c in coaches}
        for e in chosen:
            open_coaches = [c for c in room if room[c] > 0]
            same_team = [c for c in open_coaches if team_idx[c] == team_idx[e]]
            pool = same_team or open_coaches
            if not pool:
                break
            coach = max(pool, key=lambda c: (room[c], -c))
            room[coach] -= 1
            pairs.append((coach, int(e)))
    return pairs


def generate_team(spec: DemoSpec | None = None) -> pd.DataFrame:
    """Generate a demo team in the canonical layout (one row per person per month).

    Args:
        spec: Size, seed and last month; defaults to 120 reps over 12 months, seed 7.

    Returns:
        A DataFrame with exactly :data:`core.schema.CANONICAL_COLUMNS`, counts as
        nullable integers, money as floats, blanks where a field does not apply.
    """
    return generate_programme(spec)[0]


def _named_pairs(named: tuple[tuple[str, str], ...], rep_ids: npt.NDArray[np.object_]) -> list[tuple[int, int]]:
    """The spec's (coach rep_id, coachee rep_id) pairs as positions; a sentence for a rep_id not in the team."""
    position = {str(r): i for i, r in enumerate(rep_ids)}
    unknown = [r for pair in named for r in pair if r not in position]
    if unknown:
        raise ValueError(_("The programme names {person}, who is not in this demo team.").format(person=unknown[0]))
    return [(position[c], position[e]) for c, e in named]


def _sdr_counts(
    rng: np.random.Generator,
    out: dict[str, np.ndarray],
    sdr: npt.NDArray[np.bool_],
    z: npt.NDArray[np.float64],
    noise: npt.NDArray[np.float64],
) -> None:
    """Draw the SDR rows' calls, leads sent and qualified leads into ``out``, in place."""
    k = int(sdr.sum())
    calls = rng.poisson(520 * np.exp(0.12 * z[sdr] + 0.1 * noise[sdr]))
    p_lead = _sigmoid(_logit(0.045) + 0.30 * z[sdr] + 0.3 * noise[sdr])
    leads = rng.binomial(calls, p_lead)
    p_qual = _sigmoid(_logit(0.55) + 0.45 * z[sdr] + 0.4 * rng.normal(0, 0.35, k))
    qualified = rng.binomial(leads, p_qual)
    out["calls"][sdr], out["leads_sent"][sdr], out["qualified_leads"][sdr] = calls, leads, qualified


def _am_portfolios(
    rng: np.random.Generator,
    out: dict[str, np.ndarray],
    am: npt.NDArray[np.bool_],
    z: npt.NDArray[np.float64],
    person: npt.NDArray[np.int64],
    people: int,
) -> None:
    """Draw the AM rows' portfolio values into ``out``, in place: each month starts where the last ended."""
    portfolio0 = rng.lognormal(np.log(1_200_000), 0.4, people)
    growth = np.zeros(person.size)
    growth[am] = rng.normal(0.006 + 0.007 * z[am], 0.012)
    # Chain the months: each start is the previous end (vectorised per person by cumprod).
    factor = pd.Series(1.0 + growth).groupby(person).cumprod().to_numpy()
    end_value = portfolio0[person] * factor
    start_value = end_value / (1.0 + growth)
    out["portfolio_start"][am] = np.round(start_value[am], 2)
    out["portfolio_end"][am] = np.round(end_value[am], 2)


def _programme_frame(pairs: list[tuple[int, int]], rep_ids: npt.NDArray[np.object_], start: str | None) -> pd.DataFrame:
    """The coaching pairs as coach_id, coachee_id, start (empty when there are none)."""
    return pd.DataFrame(
        {
            "coach_id": pd.Series([str(rep_ids[c]) for c, _ in pairs], dtype=object),
            "coachee_id": pd.Series([str(rep_ids[e]) for _, e in pairs], dtype=object),
            "start": pd.Series([start] * len(pairs), dtype=object),
        }
    )


def generate_programme(spec: DemoSpec | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a demo team and, when the spec has a programme, who coached whom from when.

    Args:
        spec: As for :func:`generate_team`, plus the ``programme_*`` fields.

    Returns:
        The team (as :func:`generate_team`) and the coaching pairs: ``coach_id``, ``coachee_id``,
        ``start`` (``YYYY-MM``); empty when the programme is off.

    Raises:
        ValueError: No reps or months, a start month outside the window, a ramp below 1 month, a
            share outside 0–1, or programme pairs naming people who are not in the team.
    """
    # Longer than most on purpose: every draw below comes from one generator in a fixed order, and
    # that order is what makes a seed give the same team on every machine (the plan fixtures and the
    # demo dataset depend on it). The SDR and AM draws are named steps; the rest stays in sequence.
    spec = spec or DemoSpec()
    if spec.reps < 1 or spec.months < 1:
        raise ValueError(_("A demo team needs at least 1 rep and 1 month."))
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

    periods = last_months(spec.end_month(), m)
    person = np.repeat(np.arange(n), m)
    month = np.tile(np.arange(m), n)
    keep = month >= start_month[person]
    person, month = person[keep], month[keep]
    rows = person.size
    z = skill[person]
    role = roles[person]
    rep_ids = _rep_ids(n)
    pairs: list[tuple[int, int]] = []
    if spec.programme_start is not None:
        start_idx = _programme_start(spec, list(periods))
        if spec.programme_pairs is None:
            pairs = _pick_pairs(spec, skill, roles, team_idx, willing, start_month, start_idx)
        else:
            pairs = _named_pairs(spec.programme_pairs, rep_ids)
    # Month-to-month noise: a personal wobble plus a small shared seasonal swing.
    season = 0.08 * np.sin(2 * np.pi * (month % 12) / 12.0)
    noise = rng.normal(0.0, 0.35, rows) + season

    out: dict[str, np.ndarray] = {c: np.full(rows, np.nan) for c in COUNT_COLUMNS + MONEY_COLUMNS}

    _sdr_counts(rng, out, role == "SDR", z, noise)

    ae = role == "AE"
    k = int(ae.sum())
    worked = rng.poisson(14 * np.exp(0.10 * z[ae] + 0.1 * noise[ae]))
    won = rng.binomial(worked, _sigmoid(_logit(0.24) + 0.50 * z[ae] + 0.4 * noise[ae]))
    deal_size = rng.lognormal(np.log(18_000), 0.35, k)
    quota_person = np.round(rng.normal(80_000, 8_000, n), -3)
    out["deals_worked"][ae], out["deals_won"][ae] = worked, won
    out["revenue_won"][ae] = np.round(won * deal_size, 2)
    out["quota"][ae] = quota_person[person[ae]]
    if spec.programme_start is not None:
        deal_row = np.full(rows, np.nan)
        deal_row[ae] = deal_size
        _coach(spec, out, pairs, person, month, start_idx, z, noise, role, deal_row)

    _am_portfolios(rng, out, role == "AM", z, person, n)

    team_of = team_idx[person]
    frame = pd.DataFrame(
        {
            "rep_id": rep_ids.astype(str)[person],
            "name": names[person],
            "role": role,
            "team": teams["team"].to_numpy()[team_of],
            "region": teams["region"].to_numpy()[team_of],
            "manager": teams["manager"].to_numpy()[team_of],
            "period": np.asarray(periods, dtype=object)[month],
            **{c: out[c] for c in COUNT_COLUMNS + MONEY_COLUMNS},
            "coach_willing": willing[person],
        }
    )
    for c in COUNT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    frame["coach_willing"] = frame["coach_willing"].replace("", pd.NA)
    return frame.reindex(columns=list(CANONICAL_COLUMNS)).reset_index(drop=True), _programme_frame(
        pairs, rep_ids, spec.programme_start
    )


def _coach(
    spec: DemoSpec,
    out: dict[str, np.ndarray],
    pairs: list[tuple[int, int]],
    person: npt.NDArray[np.int64],
    month: npt.NDArray[np.int64],
    start_idx: int,
    z: npt.NDArray[np.float64],
    noise: npt.NDArray[np.float64],
    role: npt.NDArray[np.str_],
    deal_row: npt.NDArray[np.float64],
) -> None:
    """Redraw the coached SDR and AE months from the start on with the raised skill, in place.

    The draws come from the programme's own stream and by inverse CDF from one uniform each, so
    the rest of the table is untouched, and two specs that differ only in ``programme_effect``
    share every uniform: the same people have the same luck, only their skill differs. That makes
    the counterfactual (same team, same luck, no effect) exact for the recovery test.
    """
    from scipy.stats import binom, norm, poisson

    coached = np.zeros(int(person.max(initial=-1)) + 1, dtype=bool)
    coached[[e for _, e in pairs]] = True
    redo = coached[person] & (month >= start_idx)
    ramp = np.clip((month - start_idx + 1) / spec.programme_ramp, 0.0, 1.0)
    lifted = z + spec.programme_effect * ramp
    rng = np.random.default_rng([spec.seed, 2027])
    u = np.clip(rng.random((5, person.size)), 1e-12, 1.0 - 1e-12)

    sdr = np.flatnonzero(redo & (role == "SDR"))
    zs, ns = lifted[sdr], noise[sdr]
    calls = poisson.ppf(u[0, sdr], 520 * np.exp(0.12 * zs + 0.1 * ns))
    leads = binom.ppf(u[1, sdr], calls, _sigmoid(_logit(0.045) + 0.30 * zs + 0.3 * ns))
    p_qual = _sigmoid(_logit(0.55) + 0.45 * zs + 0.4 * 0.35 * norm.ppf(u[2, sdr]))
    qualified = binom.ppf(u[3, sdr], leads, p_qual)
    out["calls"][sdr], out["leads_sent"][sdr], out["qualified_leads"][sdr] = calls, leads, qualified

    ae = np.flatnonzero(redo & (role == "AE"))
    za, na = lifted[ae], noise[ae]
    worked = poisson.ppf(u[0, ae], 14 * np.exp(0.10 * za + 0.1 * na))
    won = binom.ppf(u[1, ae], worked, _sigmoid(_logit(0.24) + 0.50 * za + 0.4 * na))
    out["deals_worked"][ae], out["deals_won"][ae] = worked, won
    out["revenue_won"][ae] = np.round(won * deal_row[ae], 2)


def _programme_start(spec: DemoSpec, periods: list[str]) -> int:
    """The start month's position in the window, after checking the programme's settings."""
    if spec.programme_start not in periods:
        raise ValueError(
            _("The programme start {start} is outside the demo window {first} to {last}.").format(
                start=spec.programme_start, first=periods[0], last=periods[-1]
            )
        )
    if spec.programme_ramp < 1:
        raise ValueError(_("The programme's ramp is at least 1 month."))
    if not 0.0 <= spec.programme_share <= 1.0:
        raise ValueError(_("The share of people coached is between 0 and 1."))
    return periods.index(spec.programme_start)


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
        raise ValueError(_("Cannot write '{path}': use a file name ending in .csv or .xlsx.").format(path=path))


DEMO_NAME = "Demo team (generated)"  # i18n: data (the stored dataset's name, kept as stored)
DEMO_SPEC = DemoSpec(reps=120, months=12, seed=7)
DEMO_PROGRAMME_EFFECT = 0.5  # latent-skill SD the demo's coaching adds once ramped up
DEMO_PROGRAMME_POST = 6  # the demo's programme started this many months before the data ends


def demo_with_programme(spec: DemoSpec = DEMO_SPEC) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The app's demo team with a coaching pilot running, and the pairs started.

    The pilot: the chains Coachwise matches on the months before the start (the same matching
    the Coaching chains page runs), in every other team — so the remaining teams' core people are
    the uncoached peers. From the start, coachees' skill rises by :data:`DEMO_PROGRAMME_EFFECT` SD
    over 3 months. Before the start the team is exactly ``generate_team(spec)``.

    Returns:
        The team and the started pairs (coach_id, coachee_id, start).
    """
    from core.coaching.chains import ChainSettings, match_chains
    from core.scoring.segmentation import SegmentSettings, segment

    base = generate_team(spec)
    months = sorted(base["period"].unique())
    if len(months) < 4:
        return base, pd.DataFrame(columns=list(PAIR_COLUMNS))
    start = months[max(len(months) - DEMO_PROGRAMME_POST, len(months) // 2)]
    # The pilot runs the cross-role chains only, so the AM → AM level stays free to try on the page.
    pilot_levels = ChainSettings(levels=("ae-sdr", "am-ae"))
    matched = match_chains(segment(base[base["period"] < start], SegmentSettings(replicates=0)), pilot_levels).pairs
    pilot = sorted(base["team"].unique())[::2]
    matched = matched[matched["team"].isin(pilot)]
    pairs = tuple((str(c), str(e)) for c, e in zip(matched["coach_id"], matched["coachee_id"], strict=True))
    return generate_programme(
        replace(spec, programme_start=start, programme_effect=DEMO_PROGRAMME_EFFECT, programme_pairs=pairs)
    )


def ensure_demo_dataset(*, engine: Engine, spec: DemoSpec = DEMO_SPEC) -> int | None:
    """Store a generated demo team, with its coaching pilot started, when the database holds no dataset yet.

    Returns:
        The new demo dataset's id, or None when datasets already existed.
    """
    from core.coaching.edits import start_pairs

    if list_datasets(engine=engine):
        return None
    frame, pairs = demo_with_programme(spec)
    fingerprint = sha256_bytes(frame.to_csv(index=False).encode("utf-8"))
    dataset_id = store_dataset(
        engine=engine,
        frame=frame,
        name=DEMO_NAME,
        source_filename=f"demo-seed{spec.seed}-{spec.reps}reps-{spec.months}months.csv",
        source_sha256=fingerprint,
        is_demo=True,
    )
    if len(pairs):
        start_pairs(
            engine=engine,
            dataset_id=dataset_id,
            pairs=list(zip(pairs["coach_id"], pairs["coachee_id"], strict=True)),
            month=str(pairs["start"].iloc[0]),
            changed_by="demo generator",
            scope=None,
        )
    return dataset_id
