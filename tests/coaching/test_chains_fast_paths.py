"""The chains' fast paths (#17) give exactly what the plain, one-person-at-a-time versions below give.

Each reference is the code as it was before it was made fast: a score matrix term by term, a gap per person,
a reason per pair and line, a text per cell. On random teams of every shape and in every language, the fast
path must give the same values, the same texts and the same order.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core.coaching.chains as chains
from core.coaching.chains import LEVEL_BY_ID, LEVELS, ChainSettings, Constraints, match_chains
from core.i18n import speaking
from core.scoring.metrics import METRICS, metric_name
from tests.coaching.test_chains import random_case

LANGUAGES = st.sampled_from(["en", "de", "nl"])
Case = tuple[pd.DataFrame, ChainSettings, Constraints]


# --------------------------------------------------------------------------- the plain versions


def plain_preference(people: Any, level: chains.Level, coachees: Any, coaches: Any) -> Any:
    a, b = coachees[:, None], coaches[None, :]
    fit = chains._level_fit(people, level, a, b)
    same_team = (people.team[a] == people.team[b]) & (people.team[a] >= 0)
    same_region = (people.region[a] == people.region[b]) & (people.region[a] >= 0)
    return np.asarray(
        np.round(chains.WEIGHT_FIT * fit)
        + chains.WEIGHT_SAME_TEAM * same_team
        + chains.WEIGHT_SAME_REGION * same_region
        + np.round(people.bonus[b]),
        dtype=np.float64,
    )


def plain_about_coach(people: Any, level: chains.Level, c: int, e: int, medians: Any) -> list[str]:
    inside = [str(people.role[c]), chains._standing(people, c)]
    wanted = chains.COACH_METRIC.get(level.coach_role)
    metric = (
        int(people.focus_metric[e])
        if level.same_role
        else next((k for k, spec in enumerate(METRICS) if spec.id == wanted), -1)
    )
    if metric >= 0 and math.isfinite(people.raw[c, metric]):
        median = float(medians[metric])
        versus = chains._(" vs median {median}").format(median=chains._value(metric, median))
        versus = versus if math.isfinite(median) else ""
        name = metric_name(METRICS[metric].label, in_sentence=True)
        inside.append(f"{name} {chains._value(metric, float(people.raw[c, metric]))}{versus}")
    return inside


def plain_reason(people: Any, pair: Any, medians: Any, *, figures: bool = True) -> str:
    _ = chains._
    c, e = pair.coach, pair.coachee
    level = LEVEL_BY_ID[pair.level]
    inside = plain_about_coach(people, level, c, e, medians) if figures else [str(people.role[c])]
    parts = [f"{chains._name(people, c)} ({', '.join(inside)})"]
    if people.team[c] == people.team[e] and people.team[e] >= 0:
        parts.append(_("same team {team}").format(team=people.cells["team"][e]))
    elif people.region[c] == people.region[e] and people.region[e] >= 0:
        parts.append(_("same region {region}").format(region=people.cells["region"][e]))
    else:
        region = people.cells["region"][c]
        parts.append(_("other region ({region})").format(region=region) if region else _("other team"))
    parts.append(_("focus: {focus}").format(focus=people.focus[e]))
    if figures:
        parts.extend(chains._coach_notes(people, c))
    if pair.coach_the_coaches:
        parts.append(_("coach the coaches"))
    if people.willing[c] != "yes":
        parts.append(_("ask {name} first").format(name=chains._first_name(people, c)))
    if pair.locked:
        parts.append(_("locked by manager"))
    return " · ".join(parts)


def plain_pairs_frame(people: Any, pairs: list[Any], hours: float) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    medians = chains._medians(people)
    order = {level.id: k for k, level in enumerate(LEVELS)}
    ordered = sorted(pairs, key=lambda p: (order[p.level], people.ids[p.coach], people.ids[p.coachee]))
    per_coach = np.bincount([p.coach for p in pairs], minlength=len(people.ids))
    rows: list[dict[str, object]] = []
    plain: dict[tuple[str, str], str] = {}
    for p in ordered:
        c, e = p.coach, p.coachee
        level = LEVEL_BY_ID[p.level]
        plain[(str(people.ids[c]), str(people.ids[e]))] = plain_reason(people, p, medians, figures=False)
        fit = chains._level_fit(people, level, np.array([e], dtype=np.int64), np.array([c], dtype=np.int64))
        rows.append(
            {
                "coach_id": people.ids[c],
                "coach_name": people.cells["name"][c],
                "coach_role": people.role[c],
                "coachee_id": people.ids[e],
                "coachee_name": people.cells["name"][e],
                "coachee_role": people.role[e],
                "level": p.level,
                "status": "pair" if people.willing[c] == "yes" else "invitation",
                "team": people.cells["team"][e],
                "fit": round(float(fit[0]), 3),
                "same_team": bool(people.team[c] == people.team[e] and people.team[e] >= 0),
                "same_region": bool(people.region[c] == people.region[e] and people.region[e] >= 0),
                "locked": p.locked,
                "ask_first": people.willing[c] != "yes",
                "just_risen": bool(people.just_risen[c] and people.tier[c] == "top"),
                "focus": people.focus[e],
                "coach_hours": float(per_coach[c]) * float(hours),
                "reason": plain_reason(people, p, medians),
            }
        )
    out = pd.DataFrame(rows, columns=list(chains.PAIR_COLUMNS))
    for column in ("same_team", "same_region", "locked", "ask_first", "just_risen"):
        out[column] = out[column].astype(bool)
    for column in ("fit", "coach_hours"):
        out[column] = out[column].astype(np.float64)
    return out, plain


def plain_text(values: pd.Series) -> Any:
    out = values.astype(object).where(values.notna(), "")
    return np.array([str(v).strip() for v in out], dtype=object)


def plain_codes(values: Any) -> Any:
    lookup = {value: code for code, value in enumerate(sorted({str(v) for v in values if v != ""}))}
    return np.array([lookup.get(str(v), -1) for v in values], dtype=np.int64)


def plain_scored(frame: pd.DataFrame, role: Any) -> Any:
    n = len(frame)
    mine = np.array([[spec.role == r for spec in METRICS] for r in role], dtype=np.bool_).reshape(n, len(METRICS))
    if "scored_on" not in frame.columns:
        return mine
    index = {spec.id: k for k, spec in enumerate(METRICS)}
    out = mine.copy()
    for i, text in enumerate(plain_text(frame["scored_on"])):
        used = {part.partition("=")[0].strip() for part in str(text).split(";") if part.strip()}
        used = {m for m in used if m in index}
        if used:
            out[i] = [mine[i, k] and spec.id in used for k, spec in enumerate(METRICS)]
    return out


# --------------------------------------------------------------------------- fast == plain


def _captured(name: str, case: Case, lang: str, **patched: int) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """Run match_chains on ``case`` in ``lang`` and return the arguments and results of ``chains.<name>``."""
    seg, chain_settings, constraints = case
    calls: list[tuple[Any, ...]] = []
    results: list[Any] = []
    fast = getattr(chains, name)

    def spy(*args: Any) -> Any:
        calls.append(args)
        results.append(fast(*args))
        return results[-1]

    with pytest.MonkeyPatch.context() as patch, speaking(lang):
        patch.setattr(chains, name, spy)
        for key, value in patched.items():
            patch.setattr(chains, key, value)
        match_chains(seg, chain_settings, constraints)
    return calls, results


def renamed(case: Case, names: list[str]) -> Case:
    """The case with every rep_id replaced by one of ``names`` (as many as people, each different)."""
    seg, chain_settings, constraints = case
    to = dict(zip(seg["rep_id"], names, strict=False))

    def pairs(given: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((to[c], to[e]) for c, e in given)

    overrides = {to[k]: v for k, v in chain_settings.capacity_overrides.items()}
    constraints = Constraints(
        locked=pairs(constraints.locked),
        excluded=frozenset(to[v] for v in constraints.excluded),
        forbidden=pairs(constraints.forbidden),
        answers=tuple((to[k], a) for k, a in constraints.answers),
    )
    return seg.assign(rep_id=seg["rep_id"].map(to)), replace(chain_settings, capacity_overrides=overrides), constraints


IDS = st.lists(
    st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=3),
    min_size=40,
    max_size=40,
    unique=True,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case(), LANGUAGES, st.booleans(), st.one_of(st.none(), IDS))
def test_pairs_table_and_reasons_equal_the_plain_version(
    case: Case, lang: str, ctc: bool, names: list[str] | None
) -> None:
    """Pairs, reasons and plain reasons (written once per coach) equal a reason per pair and line, row by row,
    in rep_id order whatever the ids' characters."""
    seg, chain_settings, constraints = case
    locked = tuple(zip(seg["rep_id"][::3], seg["rep_id"][1::3], strict=False))  # some locks, some dropped
    case = (seg, replace(chain_settings, coach_the_coaches=ctc), replace(constraints, locked=locked))
    if names:
        case = renamed(case, names)
    calls, results = _captured("_pairs_frame", case, lang)
    (people, pairs, hours, _words), (fast, fast_plain) = calls[0], results[0]
    with speaking(lang):
        expected, expected_plain = plain_pairs_frame(people, pairs, hours)
    pd.testing.assert_frame_equal(fast, expected)
    assert list(fast_plain.items()) == list(expected_plain.items())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case(), LANGUAGES)
def test_gaps_equal_a_gap_per_person(case: Case, lang: str) -> None:
    """The gaps shared per role and region equal each person's own gap, forbidden pairs and all."""
    calls, results = _captured("_gaps", case, lang)
    people, left, levels, pool, residual, forbidden = calls[0]
    with speaking(lang):
        assert results[0] == {i: chains._gap(people, i, levels, pool, residual, forbidden) for i in left}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case(), LANGUAGES, st.data())
def test_gaps_equal_a_gap_per_person_for_anyone_and_any_room(case: Case, lang: str, data: st.DataObject) -> None:
    """Also for people the matching would have covered, any room left and forbidden pairs that rule out every
    free coach: the paths a real result rarely takes."""
    seg, chain_settings, constraints = case
    people = chains._prepare(seg, constraints.excluded, constraints.answers)
    n = len(people.ids)
    left = data.draw(st.lists(st.integers(0, n - 1), unique=True), label="left")
    residual = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=np.int64)
    forbidden = set(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n)))
    ruled_out = data.draw(st.lists(st.integers(0, n - 1), max_size=3), label="no coach allowed")
    forbidden |= {(c, e) for c in range(n) for e in ruled_out}
    pool = chains._pool(people, chains._capacities(people, chain_settings))
    levels = chains._levels(people, chain_settings)
    with speaking(lang):
        expected = {i: chains._gap(people, i, levels, pool, residual, forbidden) for i in left}
        assert chains._gaps(people, left, levels, pool, residual, forbidden) == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case())
def test_score_matrix_equals_the_sum_term_by_term(case: Case) -> None:
    """The score matrix built in place equals the one summed from a matrix per term, at every level."""
    seg, _settings, constraints = case
    people = chains._prepare(seg, constraints.excluded, constraints.answers)
    everyone = np.arange(len(people.ids), dtype=np.int64)
    for level in LEVELS:
        fast = chains._preference(people, level, everyone, everyone[::-1].copy())
        np.testing.assert_array_equal(fast, plain_preference(people, level, everyone, everyone[::-1].copy()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case(), st.integers(1, 3))
def test_sparse_candidates_equal_the_plain_score_matrix(case: Case, top_k: int) -> None:
    """With tiny blocks (the path large teams take), the whole result equals the one the plain matrix gives."""
    seg, chain_settings, constraints = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chains, "EXACT_PAIRS", 4)
        patch.setattr(chains, "TOP_K", top_k)
        patch.setattr(chains, "_CHUNK_CELLS", 7)
        fast = match_chains(seg, chain_settings, constraints)
        patch.setattr(chains, "_preference", plain_preference)
        plain = match_chains(seg, chain_settings, constraints)
    pd.testing.assert_frame_equal(fast.pairs, plain.pairs)
    pd.testing.assert_frame_equal(fast.unmatched, plain.unmatched)


CELLS = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab Ä\t\n\x1c\u2003\u3000é")), max_size=4),
    st.none(),
    st.just(math.nan),
    st.sampled_from([1, 1.0, True, 0, False, "1", " 1 ", "1.0"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=30), st.booleans())
def test_text_and_codes_equal_one_cell_at_a_time(cells: list[object], as_string: bool) -> None:
    """Blank-stripped texts and their codes equal the cell-by-cell versions, for strings and mixed cells alike."""
    values = pd.Series(cells, dtype=object)
    if as_string:
        values = pd.Series([c if isinstance(c, str) else None for c in cells], dtype="string")
    text = chains._text(values)
    expected = plain_text(values)
    assert text.dtype == expected.dtype and text.tolist() == expected.tolist()
    np.testing.assert_array_equal(chains._codes(text), plain_codes(expected))
    mixed = np.array(cells, dtype=object)
    np.testing.assert_array_equal(chains._codes(mixed), plain_codes(mixed))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["SDR", "AE", "AM", "", "XX"]),
            st.one_of(
                st.none(),
                st.sampled_from(["close_rate=0.6;revenue_per_month=0.4", "upsell_rate=1", "nonsense", " ; ", ""]),
            ),
        ),
        max_size=20,
    ),
    st.booleans(),
)
def test_scored_on_equals_one_person_at_a_time(rows: list[tuple[str, str | None]], with_column: bool) -> None:
    """Which metrics count per person equals the person-by-person reading of scored_on."""
    frame = pd.DataFrame({"role": [r for r, _ in rows]})
    if with_column:
        frame["scored_on"] = pd.Series([s for _, s in rows], dtype=object)
    role = np.array([r for r, _ in rows], dtype=object)
    np.testing.assert_array_equal(chains._scored(frame, role), plain_scored(frame, role))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case(), st.integers(1, 3))
def test_candidates_in_chunks_on_two_threads_equal_one_chunk(case: Case, top_k: int) -> None:
    """A large block's chunks, shared by two threads, give the candidate pairs one chunk gives, in the same order."""
    seg, _settings, constraints = case
    people = chains._prepare(seg, constraints.excluded, constraints.answers)
    everyone = np.arange(len(people.ids), dtype=np.int64)
    room = np.full(len(everyone), 2, dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chains, "EXACT_PAIRS", 0)
        patch.setattr(chains, "TOP_K", top_k)
        for level in LEVELS:
            patch.setattr(chains, "_CHUNK_CELLS", 10**9)
            whole = chains._block(people, level, everyone, everyone, everyone, everyone[::-1].copy(), room)
            patch.setattr(chains, "_CHUNK_CELLS", 7)
            chunked = chains._block(people, level, everyone, everyone, everyone, everyone[::-1].copy(), room)
            np.testing.assert_array_equal(chunked, whole)


def _plain_yes(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A yes/no column read cell by cell, as before (#17)."""
    words = [v.lower() for v in chains._text(frame[column])]
    return np.array([w in ("yes", "y", "true", "1", "1.0", "ja", "j") for w in words], dtype=np.bool_)


_YES_CELLS = st.sampled_from(["yes", "Yes ", "no", "", " j", "JA", "true", "1", "1.0", "0", "y", "n"]) | st.none()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_YES_CELLS, max_size=20),
    st.lists(st.booleans(), max_size=20),
    st.lists(st.sampled_from([1, 0, 1.0, True, False, "yes", None]), max_size=20),
)
def test_yes_by_distinct_value_is_the_cell_by_cell_rule(texts: list[Any], flags: list[bool], mixed: list[Any]) -> None:
    """Text, bool and mixed columns: every cell reads yes exactly when the cell-by-cell rule says so."""
    for values, dtype in ((texts, object), (texts, "str"), (flags, bool), (mixed, object)):
        frame = pd.DataFrame({"c": pd.Series(values, dtype=dtype)})
        np.testing.assert_array_equal(chains._yes(frame, "c"), _plain_yes(frame, "c"))
