"""Golden documents (#15): a core AE whose deal size fell, a core AM, a top AE, an AM's support (watch) plan
and an HR brief, built by the real pipeline from the hand-built team in ``golden_team``.

Each file was read as the person (and the manager, HR) receiving it would; a change of wording or scoring
shows here as a diff. Rewrite them with ``python -m tests.plans.golden_team`` and read every diff.
"""

from __future__ import annotations

import re

import pytest

from tests.plans.golden_team import EXPECTED_DIR, documents, plans

DOCUMENTS = documents()


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_matches_the_reviewed_file(name: str) -> None:
    assert DOCUMENTS[name] == (EXPECTED_DIR / name).read_text(encoding="utf-8")


def test_the_golden_people_get_the_documents_they_are_about() -> None:
    kinds = {stem: (plan.kind, plan.tier) for stem, plan in plans().items()}
    assert kinds == {
        "ae_deal_size": ("coaching", "core"),
        "am_core": ("coaching", "core"),
        "ae_top": ("top", "top"),
        "watch_am": ("watch", "low"),
        "hr_brief": ("hr_brief", "low"),
    }


def test_what_the_goldens_say_where_it_matters() -> None:
    """The sentences the issue asks for, so a regenerated file cannot silently lose them."""
    ae = DOCUMENTS["ae_deal_size.md"]
    assert "revenue per won deal fell from about 32,000 to 12,000" in ae
    assert ae.index("## What changed in your figures") < ae.index("## Your focus for the next 90 days")
    am = DOCUMENTS["am_core.md"]
    assert "Most of the change came in Sep 2026" in am and " deal" not in am.lower().replace("ideal", "")
    brief = DOCUMENTS["hr_brief.md"]
    assert "No support is recorded" in brief and "### Proposed support period" in brief
    assert "37 deals worked, 3 won" in brief  # counts next to the rates
    assert "confidential" in brief.lower().split("\n", 1)[0]
    for name, text in DOCUMENTS.items():
        assert "dismiss" not in text.lower(), name
        if not name.endswith("_manager.md") and not name.startswith("hr_brief") and name.count(".") == 1:
            assert not re.search(r"\b(tier|percentile|rank|borderline|adjusted)\b", text.lower()), name


def test_a_top_performer_who_said_no_gets_no_invitation_to_coach() -> None:
    """Not every star is a natural coach: after a no, the plan is their own development, nothing else."""
    from core.plans.content import plans_from_records
    from core.plans.document import to_markdown
    from tests.plans.golden_team import TODAY, team

    frame = team()
    frame.loc[frame["rep_id"] == "AE02", "coach_willing"] = "no"
    (plan,) = plans_from_records(frame, rep_ids=["AE02"], today=TODAY)
    text = to_markdown(plan)
    assert plan.kind == "top" and "## Your next step" in text
    assert "Coaching others" not in text and "readiness" not in text


def test_the_german_and_dutch_goldens_say_it_in_their_language() -> None:
    """The translated goldens (#16): the person's own words, the locale's numbers and dates, the glossary's terms."""
    german, dutch = DOCUMENTS["ae_deal_size.de.md"], DOCUMENTS["ae_deal_size.nl.md"]
    assert "Umsatz pro gewonnenem Deal von etwa 32.000 auf 12.000 gesunken" in german
    assert german.index("## Was sich in Ihren Zahlen verändert hat") < german.index("## Ihr Schwerpunkt")
    assert "omzet per gewonnen deal gedaald van ongeveer 32.000 naar 12.000" in dutch
    assert "22.02.2027" in german and "22-02-2027" in dutch
    brief_de, brief_nl = DOCUMENTS["hr_brief.de.md"], DOCUMENTS["hr_brief.nl.md"]
    assert "37 bearbeitete Deals, 3 gewonnen" in brief_de and "37 bewerkte deals, 3 gewonnen" in brief_nl
    assert "in der unteren Gruppe" in brief_de and "in de ondergroep" in brief_nl
    assert "HR-Briefing" in brief_de.split("\n", 1)[0] and "HR-notitie" in brief_nl.split("\n", 1)[0]


def test_plans_built_together_equal_plans_built_one_by_one() -> None:
    """Building many plans shares the team-wide work (each person's rows grouped once, the HR briefs' peer
    counts worked out once, #17); every plan is still the one a person gets when built alone."""
    from dataclasses import replace

    from core.coaching.chains import ChainSettings, match_chains
    from core.plans.content import build_plan, build_plans, plan_inputs
    from core.scoring.metrics import role_medians
    from core.scoring.segmentation import SegmentSettings, complete_records, monthly_history, segment
    from tests.plans.golden_team import TODAY, team

    records, settings = team(), SegmentSettings()
    segmented = segment(records, settings)
    complete = complete_records(records, settings)
    inputs = plan_inputs(
        segmented=segmented,
        medians=role_medians(segmented),
        chains=match_chains(segmented, ChainSettings()),
        history=monthly_history(records, settings),
        periods=complete["period"].unique(),
        settings=settings,
        chain_settings=ChainSettings(),
        today=TODAY,
        records=complete,
    )
    together = build_plans(None, inputs=inputs)
    alone = [build_plan(plan.rep_id, inputs=replace(inputs)) for plan in together]  # replace: nothing shared
    assert {p.kind for p in together} >= {"coaching", "top", "watch", "hr_brief"}
    assert together == alone
