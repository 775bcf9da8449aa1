"""What a manager sees of the coaching chains and their impact: the parts that involve their people.

Matching always runs on the whole team (a coach may come from another team); this cuts the result
to a manager's scope afterwards, in one place, for the page, the exports and the plans alike.

A person outside the viewer's scope appears only as far as a pair with one of the viewer's people
needs: their name, role, team and region, and the pair's reason without their figures (no standing,
metric, aptitude or fit). Suggestions are kept only when they are about the viewer's people.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import numpy as np
import pandas as pd

from core.coaching.chains import ChainResult
from core.coaching.impact import ImpactResult
from core.governance.access import scoped
from core.i18n import _

NAMING_COLUMNS: Final = ("rep_id", "name", "role", "team", "region")
"""What :func:`people_in_scope` keeps of a coach from outside the viewer's scope."""


def chains_in_scope(result: ChainResult, ids: frozenset[str] | None) -> ChainResult:
    """The pairs a coachee or coach of which is visible, with the gaps, load and suggestions of those people.

    Args:
        result: The chains matched on everyone.
        ids: The rep_ids the viewer may see, or None for a role that sees everyone.

    Returns:
        ``result`` unchanged for None; else a copy cut to the viewer's people and their pairs' other
        halves: a pair with a coach from outside carries the figure-free reason, a pair with anyone
        from outside no fit, and an outside coach's load counts only the pairs shown.
    """
    if ids is None:
        return result
    return replace(
        result,
        pairs=_pairs_in_scope(result, ids),
        load=_load_in_scope(result, ids),
        unmatched=scoped(result.unmatched, ids),
        manager_coached=scoped(result.manager_coached, ids),
        suggestions=[s for s, about in _suggestions(result) if about & ids],
        suggestion_about=tuple(about for _, about in _suggestions(result) if about & ids),
        plain_reasons={k: v for k, v in result.plain_reasons.items() if k[0] in ids or k[1] in ids},
        invitations=_invitations_in_scope(result, ids),
    )


def _invitations_in_scope(result: ChainResult, ids: frozenset[str]) -> pd.DataFrame:
    """The coaches to ask among the viewer's people or their pairs; an outside coach without the figures, counted
    over the viewer's pairs only."""
    shown = _pairs_in_scope(result, ids)
    asked = shown[shown["status"] == "invitation"] if "status" in shown.columns else shown.iloc[0:0]
    counted = asked["coach_id"].astype(str).value_counts()
    invitations = result.invitations
    keep = invitations["coach_id"].astype(str).isin(set(counted.index) | ids)
    out = invitations[keep].copy()
    outside = ~out["coach_id"].astype(str).isin(ids)
    if outside.any():
        names = asked.groupby(asked["coach_id"].astype(str))["coachee_name"].agg(lambda v: ", ".join(map(str, v)))
        per = out.loc[outside, "hours"] / out.loc[outside, "coachees"].where(out.loc[outside, "coachees"] > 0)
        mine = out.loc[outside, "coach_id"].astype(str)
        out.loc[outside, "why_them"] = ""
        out.loc[outside, "coachee_names"] = mine.map(names).fillna("")
        out.loc[outside, "coachees"] = mine.map(counted).fillna(0).astype(np.int64)
        out.loc[outside, "hours"] = (out.loc[outside, "coachees"] * per).fillna(0.0)
    return out


def _pairs_in_scope(result: ChainResult, ids: frozenset[str]) -> pd.DataFrame:
    pairs = result.pairs
    coach_in = pairs["coach_id"].astype(str).isin(ids)
    coachee_in = pairs["coachee_id"].astype(str).isin(ids)
    keep = coach_in | coachee_in
    pairs, coach_in, coachee_in = pairs[keep].copy(), coach_in[keep], coachee_in[keep]
    outside = pairs[~coach_in]
    fallback = _("{name} ({role}) · focus: {focus}")  # translated once, filled per pair
    pairs.loc[~coach_in, "reason"] = [
        result.plain_reasons.get((str(c), str(e)), fallback.format(name=name, role=role, focus=focus))
        for c, e, name, role, focus in outside[
            ["coach_id", "coachee_id", "coach_name", "coach_role", "focus"]
        ].itertuples(index=False)
    ]
    pairs.loc[~(coach_in & coachee_in), "fit"] = np.nan  # fit is the coach's percentile times the coachee's need
    return pairs


def _load_in_scope(result: ChainResult, ids: frozenset[str]) -> pd.DataFrame:
    """The viewer's coaches as they are, and outside coaches of their pairs counted over those pairs only."""
    shown = _pairs_in_scope(result, ids)
    visible = shown["coach_id"].astype(str).value_counts()
    load = result.load[result.load["coach_id"].astype(str).isin(set(visible.index) | ids)].copy()
    outside = ~load["coach_id"].astype(str).isin(ids)
    counted = load.loc[outside, "coach_id"].astype(str).map(visible).astype(np.int64)
    per_coachee = load.loc[outside, "hours"] / load.loc[outside, "coachees"].where(load.loc[outside, "coachees"] > 0)
    load["capacity"] = load["capacity"].astype("Int64")
    load.loc[outside, "capacity"] = pd.NA  # how many others they may take is their manager's business
    load.loc[outside, "hours"] = (counted * per_coachee).fillna(0.0)
    load.loc[outside, "coachees"] = counted
    return load


def _suggestions(result: ChainResult) -> list[tuple[str, frozenset[str]]]:
    """Each suggestion with whom it is about; none when that is unknown (a manager then gets none)."""
    if len(result.suggestion_about) != len(result.suggestions):
        return []
    return list(zip(result.suggestions, result.suggestion_about, strict=True))


def people_in_scope(segmented: pd.DataFrame, result: ChainResult, ids: frozenset[str] | None) -> pd.DataFrame:
    """The viewer's people, plus the other half of each of their pairs reduced to :data:`NAMING_COLUMNS`.

    A coach (or coachee) from outside the viewer's scope is needed to show a pair, so they keep a name,
    role, team and region; every other column (tier, percentile, metrics) is blank for them.
    """
    if ids is None:
        return segmented
    shown = _pairs_in_scope(result, ids)
    halves = frozenset(shown["coach_id"].astype(str)) | frozenset(shown["coachee_id"].astype(str))
    people = scoped(segmented, ids | halves).copy()
    outside = ~people["rep_id"].astype(str).isin(ids)
    hidden = [c for c in people.columns if c not in NAMING_COLUMNS]
    people[hidden] = people[hidden].astype(object)
    people.loc[outside, hidden] = None
    return people


def impact_in_scope(result: ImpactResult, ids: frozenset[str] | None) -> ImpactResult:
    """A manager's view of the impact estimate: their coachees and those coachees' coaches.

    The programme totals stay team-wide: they are an estimate over everyone, not a list of people.
    """
    if ids is None:
        return result
    coachees = scoped(result.coachees, ids, "coachee_id")
    coaches = result.coaches[result.coaches["coach_id"].astype(str).isin(set(coachees["coach_id"].astype(str)) | ids)]
    return replace(result, coachees=coachees, coaches=coaches)


def edits_in_scope(edits: pd.DataFrame, ids: frozenset[str] | None) -> pd.DataFrame:
    """The rows of an edit history (or of the started pairs) that touch the viewer's people.

    A row touches them when its coach, coachee or person (``coach_id``, ``coachee_id``, ``rep_id``,
    whichever the frame has) is one of ``ids``; None keeps every row.
    """
    if ids is None:
        return edits
    touching = pd.Series(False, index=edits.index)
    for column in ("coach_id", "coachee_id", "rep_id"):
        if column in edits.columns:
            touching |= edits[column].isin(ids)
    return edits[touching]
