"""A Graphviz picture of the coaching chains (AM → AE → SDR), one team at a time, readable at 100 people."""

from __future__ import annotations

import pandas as pd

ROLE_FILL = {"AM": "#e0a23b", "AE": "#1f6f8b", "SDR": "#8cc5e3"}
ROLE_FONT = {"AM": "#1b2733", "AE": "#ffffff", "SDR": "#1b2733"}


def _esc(text: object) -> str:
    """Escape text for a quoted DOT string (names come from uploaded files)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def _quote(text: object) -> str:
    return '"' + _esc(text) + '"'


def chain_dot(pairs: pd.DataFrame, people: pd.DataFrame, *, team: str | None = None) -> str:
    """Build DOT source for the chains of one team (or all teams).

    A pair belongs to a team when its coachee does; coaches from other teams are drawn too, with
    their team in the label. Roles are drawn in rows: AMs on top, then AEs, then SDRs.

    Args:
        pairs: ``ChainResult.pairs`` (coach_id, coachee_id, coach_role, coachee_role, locked, ask_first).
        people: One row per person with rep_id, name, role, team.
        team: Only this team's coachees; None for everyone.

    Returns:
        DOT source for ``st.graphviz_chart``.
    """
    selected = pairs if team is None else pairs[pairs["coachee_id"].isin(people.loc[people["team"] == team, "rep_id"])]
    ids = set(selected["coach_id"]) | set(selected["coachee_id"])
    shown = people[people["rep_id"].isin(ids)].sort_values(["role", "name", "rep_id"])
    lines = [
        "digraph chains {",
        '  graph [rankdir=TB, nodesep=0.25, ranksep=0.6, fontname="sans-serif", bgcolor="transparent"];',
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10, penwidth=0];',
        '  edge [color="#7a8a99", arrowsize=0.6];',
    ]
    for role in ("AM", "AE", "SDR"):
        group = shown[shown["role"] == role]
        if group.empty:
            continue
        lines.append("  { rank=same;")
        for rep_id, name, person_team in group[["rep_id", "name", "team"]].itertuples(index=False):
            where = "" if team is None or person_team == team else f" · {_esc(person_team)}"
            label = f'"{_esc(name)}\\n{role}{where}"'
            lines.append(
                f"    {_quote(rep_id)} [label={label}, fillcolor={_quote(ROLE_FILL[role])}, "  # i18n: data (DOT)
                f"fontcolor={_quote(ROLE_FONT[role])}];"
            )
        lines.append("  }")
    for coach, coachee, locked, ask in selected[["coach_id", "coachee_id", "locked", "ask_first"]].itertuples(
        index=False
    ):
        style = ["penwidth=2"] if locked else []
        if ask:
            style.append("style=dashed")
        attrs = f" [{', '.join(style)}]" if style else ""
        lines.append(f"  {_quote(coach)} -> {_quote(coachee)}{attrs};")
    lines.append("}")
    return "\n".join(lines)
