"""Accounts, roles, retention and the unsafe-start refusal in German and Dutch; English stays as it was."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from core.governance.access import check_role, unsafe_start_message
from core.governance.audit import audit_log, dataset_filter
from core.governance.retention import set_retention_days
from core.governance.users import create_user
from core.i18n import speaking

PASSWORD = "correct horse battery"


def test_a_bad_e_mail_is_refused_in_german(engine: Engine) -> None:
    """The same refusal in English and, inside `speaking("de")`, in German with the typed value kept."""
    with pytest.raises(ValueError) as english:
        create_user(engine=engine, username="lea", role="admin", actor="setup", email="lea@nowhere")
    assert str(english.value) == "'lea@nowhere' is not an e-mail address."
    with speaking("de"), pytest.raises(ValueError) as german:
        create_user(engine=engine, username="lea", role="admin", actor="setup", email="lea@nowhere")
    assert str(german.value) == "'lea@nowhere' ist keine E-Mail-Adresse."


def test_a_short_password_and_a_taken_name_in_dutch(engine: Engine) -> None:
    """A password too short names the minimum in Dutch; a name taken is refused in Dutch."""
    with speaking("nl"), pytest.raises(ValueError, match=r"^Een wachtwoord moet ten minste 10 tekens hebben\.$"):
        create_user(engine=engine, username="lea", role="admin", actor="setup", password="short")
    create_user(engine=engine, username="lea", role="admin", actor="setup", password=PASSWORD)
    with speaking("nl"), pytest.raises(ValueError, match=r"^Er is al een gebruiker met de naam 'LEA'\.$"):
        create_user(engine=engine, username="LEA", role="manager", actor="setup", password=PASSWORD)


def test_the_audit_detail_stays_english_whatever_the_reader_speaks(engine: Engine) -> None:
    """An account created by a German-speaking admin is recorded as before: the audit trail's detail is data."""
    with speaking("de"):
        create_user(engine=engine, username="lea", role="admin", actor="setup", password=PASSWORD)
    assert audit_log(engine=engine, actions=["user_changed"])["detail"].tolist() == ["created with role admin"]


def test_the_retention_limit_in_each_language(engine: Engine) -> None:
    """The longest period is grouped as the reader writes numbers: 36,500 / 36.500."""
    expected = {
        "en": "A retention period is 1 to 36,500 days; switch it off instead of using 0.",
        "de": "Eine Aufbewahrungsfrist beträgt 1 bis 36.500 Tage; schalten Sie sie aus, statt 0 zu verwenden.",
        "nl": "Een bewaartermijn is 1 tot 36.500 dagen; zet hem uit in plaats van 0 te gebruiken.",
    }
    for lang, sentence in expected.items():
        with speaking(lang), pytest.raises(ValueError) as refused:
            set_retention_days(engine=engine, days=0, actor="admin")
        assert str(refused.value) == sentence


def test_roles_filters_and_the_unsafe_start() -> None:
    """An unknown role, a dataset id that is no number, and the refusal to start open to the network."""
    with pytest.raises(ValueError, match=r"^'boss' is not a role; use one of admin, manager, hr, consultant\.$"):
        check_role("boss")
    with speaking("de"):
        with pytest.raises(ValueError, match=r"^'boss' ist keine Rolle; verwenden Sie eine von admin, manager"):
            check_role("boss")
        with pytest.raises(ValueError, match="ist keine Datensatz-ID"):
            dataset_filter("zwei")
    english = unsafe_start_message(None, sign_in_configured=False)
    assert english is not None and english.startswith(
        "Coachwise holds personal performance data and is bound to every network interface without sign-in"
    )
    with speaking("nl"):
        dutch = unsafe_start_message("0.0.0.0", sign_in_configured=False)
        anywhere = unsafe_start_message("", sign_in_configured=False)
    assert dutch is not None and dutch.startswith("Coachwise bevat persoonlijke prestatiegegevens")
    assert "gebonden aan 0.0.0.0" in dutch and "`python -m core users add NAME --role admin" in dutch
    assert anywhere is not None and "gebonden aan alle netwerkinterfaces" in anywhere
