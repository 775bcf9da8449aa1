"""What a manager sees of the coaching chains and their impact: the parts that involve their people.

Matching always runs on the whole team (a coach may come from another team); this cuts the result
to a manager's scope afterwards, in one place, for the page and the exports alike.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from core.coaching.chains import ChainResult
from core.coaching.impact import ImpactResult
from core.governance.access import scoped


def chains_in_scope(result: ChainResult, ids: frozenset[str] | None) -> ChainResult:
    """The pairs a coachee or coach of which is visible, with the gaps and load of those people.

    Args:
        result: The chains matched on everyone.
        ids: The rep_ids the viewer may see, or None for a role that sees everyone.

    Returns:
        ``result`` unchanged for None; else a copy cut to the viewer's people and their pairs' coaches.
    """
    if ids is None:
        return result
    pairs = result.pairs
    pairs = pairs[pairs["coachee_id"].astype(str).isin(ids) | pairs["coach_id"].astype(str).isin(ids)]
    coaches = set(pairs["coach_id"].astype(str)) | ids
    return replace(
        result,
        pairs=pairs,
        load=result.load[result.load["coach_id"].astype(str).isin(coaches)],
        unmatched=scoped(result.unmatched, ids),
        manager_coached=scoped(result.manager_coached, ids),
    )


def people_in_scope(segmented: pd.DataFrame, result: ChainResult, ids: frozenset[str] | None) -> pd.DataFrame:
    """The viewer's people plus the coaches of their pairs (a coach's name is needed to show a pair)."""
    if ids is None:
        return segmented
    return scoped(segmented, ids | frozenset(result.pairs["coach_id"].astype(str)))


def impact_in_scope(result: ImpactResult, ids: frozenset[str] | None) -> ImpactResult:
    """A manager's view of the impact estimate: their coachees and those coachees' coaches.

    The programme totals stay team-wide: they are an estimate over everyone, not a list of people.
    """
    if ids is None:
        return result
    coachees = scoped(result.coachees, ids, "coachee_id")
    coaches = result.coaches[result.coaches["coach_id"].astype(str).isin(set(coachees["coach_id"].astype(str)) | ids)]
    return replace(result, coachees=coachees, coaches=coaches)
