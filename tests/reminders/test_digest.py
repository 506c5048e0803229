"""The digest e-mail: grouped by program, each item linking to where it is fixed, in the
person's language; and the lifecycle page in French for a French-speaking person."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from chtprograms.services import data_sharing_agreement_record
from lifecycle.activity_services import activity_plan
from lifecycle.stages import Stage
from personas.models import DigestFrequency, PersonaRole
from personas.services import membership_add, profile_get, profile_update
from reminders.services import digest_deliver, digests_send_due
from tests.factories import ProgramFactory, StageActivityFactory, UserFactory
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def prefer(user, **changes):
    profile = profile_get(user=user)
    values = {
        "time_zone": profile.time_zone,
        "language": profile.language,
        "digest_frequency": profile.digest_frequency,
        "days_ahead": profile.days_ahead,
        "email_closeout_reports": profile.email_closeout_reports,
        "muted_programs": [],
    }
    values.update(changes)
    return profile_update(profile=profile, **values)


def task(program, user, title, due_on):
    activity = StageActivityFactory(program=program, stage=Stage.INITIATION, title=title)
    return activity_plan(activity=activity, assignee=user, due_on=due_on)


@pytest.fixture
def awa(settings):
    """An administrator on two programs (Mali and Togo) with things due."""
    settings.SITE_URL = "https://cht.example.org"
    person = UserFactory(username="awa", first_name="Awa", last_name="Traoré")
    head = UserFactory()
    mali = ProgramFactory(head=head, name="Mali ASC", slug="mali-asc", country="ML")
    togo = ProgramFactory(head=head, name="Togo ASC", slug="togo-asc", country="TG")
    for program in (mali, togo):
        membership_add(program=program, user=person, role=PersonaRole.PROGRAM_ADMIN)
    prefer(head, digest_frequency=DigestFrequency.OFF)
    task(mali, person, "Former les agents de santé communautaire", TODAY + datetime.timedelta(3))
    task(togo, person, "Plan de formation", TODAY - datetime.timedelta(2))
    data_sharing_agreement_record(program=togo, reference="MoU", expires_on=TODAY)
    return person


def send(person, language="en"):
    prefer(person, language=language, time_zone="Africa/Bamako")
    moment = datetime.datetime(2027, 3, 1, 8, 5, tzinfo=zoneinfo.ZoneInfo("Africa/Bamako"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reminders.services._enqueue_digest", lambda dispatch_id: None)
        outcome = digests_send_due(now=moment)
    (dispatch_id,) = outcome.dispatch_ids
    assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    (message,) = mail.outbox
    return message


def test_the_digest_has_text_and_html_grouped_by_program_with_absolute_links(awa):
    message = send(awa)
    assert message.to == [awa.email]
    assert message.subject == "CHT Programs: things need your attention today".replace(
        "things", "5 things"
    )
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert text.index("== Mali ASC ==") < text.index("== Togo ASC ==")
    # Each item, in both parts, links to the page where it is fixed.
    mali_task = "“Former les agents de santé communautaire” is due 4 Mar 2027 (in 3 days)"
    assert mali_task in text
    assert "“Plan de formation” is due 27 Feb 2027 (2 days overdue)" in text
    assert "Data-sharing agreement expires today" in text
    assert "https://cht.example.org/programs/togo-asc/considerations/#data-sharing-agreement" in (
        text
    )
    assert "https://cht.example.org/programs/mali-asc/lifecycle/?stage=initiation#activity-" in (
        html
    )
    assert "Former les agents de santé communautaire" in html
    assert "https://cht.example.org/profile/" in html
    assert message.extra_headers["Message-ID"].startswith("<digest-")


def test_a_french_speaking_persons_digest_is_in_french(awa):
    compile_messages()
    message = send(awa, language="fr")
    assert "Programmes CHT : 5 points demandent votre attention aujourd'hui" == message.subject
    text = message.body
    assert "Bonjour Awa Traoré," in text
    assert "Votre récapitulatif du lundi 1 mars 2027" in text
    assert "« Plan de formation » : échéance le 27 février 2027 (2 jours de retard)" in text
    assert "Accord de partage de données : expire aujourd'hui" in text
    assert "L'étape Démarrage devait se terminer le 6 février 2027 (23 jours de retard)" in text
    assert "needs your attention" not in text
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert "Voir toutes vos notifications" in html


def test_a_french_speaking_persons_lifecycle_page_is_in_french(client, awa):
    compile_messages()
    prefer(awa, language="fr")
    client.force_login(awa)
    page = client.get(reverse("lifecycle:detail", args=["mali-asc"])).content.decode()
    assert '<html lang="fr">' in page
    for french in (
        "Cycle de vie",
        "Activités : Démarrage",
        "Plan des étapes",
        "Jalon : sortie de l'étape Démarrage",
        "Former les agents de santé communautaire",
        "Échéance",
        "Mes programmes",
        "Profil et préférences",
    ):
        assert french in page, french
    assert "Stage plan" not in page and "My programs" not in page
    home = client.get(reverse("chtprograms:home")).content.decode()
    assert "Mes rôles" in home and "Administrateur du programme" in home
