"""The app in French, whole: every page (tests/world.py's walker, plus the instances, API-token,
calendar and spreadsheet pages), the e-mails and the closeout report's PDF hold no English phrase
of the app's own catalogue, and no date in English.

The English phrases are the catalogue's msgids (locale/fr/LC_MESSAGES/django.po), cut at their
placeholders and markup, so a string added to the app is checked as soon as `makemessages` has
extracted it. A phrase is left out when it is also French (it occurs in some French translation:
"Budget", "Documents", "CHT Programs"), when it is a single word shorter than five letters or
not capitalised (ambiguous inside data), and when it is part of the data the pages show."""

import datetime
import re
import zoneinfo
from functools import cache
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from api.services import token_create
from instances import services as instance_services
from lifecycle.models import ActivityTemplate, StageActivity
from personas.services import profile_get, profile_set_language
from reports.models import CloseoutReport, ReportStatus
from reports.services import report_email, report_render, report_request
from tests.instances.helpers import poll_at
from tests.services import ROOT
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)
from tests.world import build_world, every_page

pytestmark = pytest.mark.django_db

CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
#: A date written the English way ("2 Jul 2026", "Jul 2026", "July 2, 2026").
ENGLISH_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
ENGLISH_DATE = re.compile(
    rf"\b(?:\d{{1,2}} (?:{ENGLISH_MONTHS})[a-z]* \d{{4}}"
    rf"|(?:{ENGLISH_MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}"
    rf"|(?:{ENGLISH_MONTHS}) \d{{4}})\b"
)
FRENCH_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
#: Routes outside the world walker (tests/world.py leaves them to their own tests).
EXTRA_ROUTES = {
    "instances:list": "slug",
    "instances:create": "slug",
    "instances:edit": "instance",
    "instances:delete": "instance",
    "api:tokens": None,
    "spreadsheets:import": "sheet",
    "spreadsheets:portfolio-import": None,
}


def _fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid between placeholders and tags."""
    parts = re.split(r"%\(\w+\)[-+ #0-9.]*[sdfi]|%[sdi%]|<[^>]*>|\{\{.*?\}\}|\n", msgid)
    return [" ".join(part.split()).strip(" .,:;·—–-()[]“”\"'…/×÷=+") for part in parts]


@cache
def english_phrases() -> re.Pattern:
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    french = []
    english = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        french.extend(strings)
        for msgid in ids:
            english.update(_fragments(msgid))
    french_text = "\n".join(french)
    phrases = []
    for phrase in english:
        words = phrase.split()
        if not re.search(r"[A-Za-z]{2}", phrase):
            continue
        if len(words) == 1 and (len(phrase) < 4 or not phrase[0].isupper()):
            continue  # "to", "by", "Edit" inside names and data: too ambiguous
        if len(words) > 1 and len(phrase) < 8:
            continue
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", french_text):
            continue  # also French, or a name kept as is
        phrases.append(phrase)
    phrases.sort(key=len, reverse=True)
    assert len(phrases) > 500, "the catalogue should give hundreds of English phrases"
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes outside scripts and styles, and the
    attributes shown or spoken (title, aria-label, placeholder, alt, data-label)."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt", "data-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


#: Time zone names ("Australia/Broken Hill") are the IANA database's, in every language.
TIME_ZONE_NAMES = tuple(name.replace("_", " ") for name in zoneinfo.available_timezones())


def english_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    for value in sorted((*data, *TIME_ZONE_NAMES), key=len, reverse=True):
        text = text.replace(value, " ")
    found = set(english_phrases().findall(text)) | set(ENGLISH_DATE.findall(text))
    return sorted(found)


def data_of(world: dict) -> tuple[str, ...]:
    """What people typed into the world (names, notes), which stays as they wrote it."""
    texts = set()
    for key, value in world.items():
        if key == "activity":  # its title comes from a template: it has a French one
            continue
        for field in (
            getattr(value, "_meta", None).concrete_fields if hasattr(value, "_meta") else ()
        ):
            content = getattr(value, field.attname, None)
            if isinstance(content, str) and len(content) > 2 and field.name != "password":
                texts.add(content)
    program = world["program"]
    texts.update({program.name, program.lead_organization.name, str(program)})
    for user in (world["head"], world["developer"], world["reviewer"]):
        texts.update({user.get_full_name(), user.username})
    # build_world's other texts, and the language menu's names (each in its own language).
    texts.update(
        {"Phones are late", "Kick-off meeting", "Stock counted monthly", "It works.", "English"}
    )
    return tuple(text for text in texts if text)


@pytest.fixture
def world():
    compile_messages()
    world = build_world()
    now = timezone.now()
    instance = instance_services.instance_create(
        program=world["program"],
        base_url="https://chis.fuzz.example.org",
        kind="production",
        label="Fuzz",
        go_live_on=datetime.date(2027, 3, 2),
        tls_expires_on=datetime.date(2027, 9, 15),
    )
    for hours in (30, 20, 10, 0):
        poll_at(instance, now - datetime.timedelta(hours=hours), version="4.5.0")
    world["instance"] = instance
    token_create(user=world["head"], name="DHIS2", expires_at=now + datetime.timedelta(days=30))
    for person in ("head", "reviewer", "developer"):
        profile_set_language(user=world[person], language="fr")
    return world


def extra_pages(world: dict) -> list[tuple[str, str]]:
    pages = []
    for name, argument in EXTRA_ROUTES.items():
        if argument is None:
            kwargs = {}
        elif argument == "slug":
            kwargs = {"slug": world["program"].slug}
        elif argument == "sheet":  # the import page of every record tab
            from spreadsheets.tabs import SHEETS

            pages.extend(
                (name, reverse(name, kwargs={"slug": world["program"].slug, "sheet": key}))
                for key in SHEETS
            )
            continue
        else:
            kwargs = {"slug": world["program"].slug, "pk": world[argument].pk}
        pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


def test_every_page_is_in_french(world):
    data = data_of(world)
    pages = every_page(world) + extra_pages(world)
    checked, problems = 0, {}
    for person in ("head", "reviewer"):
        client = Client()
        client.force_login(world[person])
        for name, path in pages:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            assert '<html lang="fr"' in html or "<html" not in html, f"{path}: not in French"
            left = english_left(visible_text(html), data)
            if left:
                problems[f"{person} {name} {path}"] = left
            checked += 1
    assert checked > 60, f"only {checked} pages were read"
    assert not problems, "English left on French pages:\n" + "\n".join(
        f"  {page}: {phrases}" for page, phrases in problems.items()
    )


def test_the_french_pages_show_french_dates_and_activity_titles(world):
    client = Client()
    client.force_login(world["head"])
    overview = visible_text(client.get(world["program"].get_absolute_url()).content.decode())
    assert "À propos du programme" in overview
    assert "Jalon de l'étape" in overview
    lifecycle = client.get(reverse("lifecycle:detail", args=[world["program"].slug]))
    text = visible_text(lifecycle.content.decode())
    activity = StageActivity.objects.filter(program=world["program"], title_fr__gt="").first()
    assert activity is not None, "the seeded templates should give French titles"
    assert activity.title_fr in text
    assert activity.title not in text
    indicators = client.get(reverse("plan:indicators", args=[world["program"].slug]))
    assert re.search(
        rf"\d{{1,2}} (?:{FRENCH_MONTHS}) \d{{4}}",
        visible_text(indicators.content.decode()),
    )


def test_the_language_menu_names_each_language_in_itself(world):
    client = Client()
    client.force_login(world["head"])
    html = client.get(reverse("chtprograms:program-list")).content.decode()
    assert '<option value="fr" lang="fr" selected>Français</option>' in html
    assert '<option value="en" lang="en">English</option>' in html


def test_every_seeded_activity_template_has_a_french_title():
    templates = ActivityTemplate.objects.all()
    assert templates.count() > 50
    assert not templates.filter(title_fr=""), "a seeded template without a French title"
    with translation.override("fr"):
        activity = StageActivity(title="Debugging", title_fr="Débogage")
        assert str(activity) == "Débogage"
    with translation.override("en"):
        assert str(activity) == "Debugging"


def test_the_digest_e_mail_is_in_french(world):
    from reminders.digest import digest_message
    from reminders.models import DigestDispatch, Notification

    head = world["head"]
    profile = profile_get(user=head)
    profile.time_zone = "Africa/Bamako"
    dispatch = DigestDispatch(pk=1, person=head, period=datetime.date(2027, 3, 1))
    message = digest_message(
        dispatch=dispatch,
        notifications=Notification.objects.filter(person=head).select_related("program"),
        profile=profile,
        user=head,
    )
    for text in (message.subject, message.body, visible_text(message.alternatives[0][0])):
        assert english_left(text, data_of(world)) == []
    assert "mars 2027" in message.body


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_closeout_report_and_its_e_mail_are_in_french(world, media_root):
    program, head = world["program"], world["head"]
    CloseoutReport.objects.filter(program=program).delete()
    report, _created = report_request(program=program, requested_by=head)
    report = report_render(report_id=report.pk, claim="french")
    assert report.status == ReportStatus.READY, report.error_message
    with report.file.open("rb") as stored:
        pdf_text = "\n".join(page.extract_text() for page in PdfReader(stored).pages)
    pdf_text = " ".join(pdf_text.split())
    assert "Rapport de clôture" in pdf_text
    assert english_left(pdf_text, data_of(world)) == []

    mail.outbox.clear()
    report_email(report_id=report.pk)
    messages = {message.to[0]: message for message in mail.outbox}
    message = messages[head.email]
    assert "Rapport de clôture" in message.subject
    for text in (message.subject, message.body, visible_text(message.alternatives[0][0])):
        assert english_left(text, data_of(world)) == []


def test_the_phrase_list_catches_english():
    """The check itself: English UI text is found, French and data are not."""
    compile_messages()
    assert "About the program" in english_left("About the program")
    assert "Record health" in english_left("Noter la santé · Record health")
    assert english_left("2 Jul 2026") == ["2 Jul 2026"]
    assert english_left("À propos du programme · 2 juillet 2026 · Budget") == []
    assert english_left("Phones for the CHVs", ("Phones for the CHVs",)) == []
    assert english_left("Goals agreed") == ["Goals agreed"]  # a default checklist item


def test_english_pages_stay_english(world):
    """The French test reads French because the person chose it, not because English broke."""
    profile_set_language(user=world["head"], language="en")
    client = Client()
    client.force_login(world["head"])
    html = client.get(world["program"].get_absolute_url()).content.decode()
    assert "About the program" in html
    with translation.override("en"):
        assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", visible_text(html))


def test_form_errors_and_confirmations_are_in_french(world):
    client = Client()
    client.force_login(world["head"])
    address = reverse("plan:risk-create", args=[world["program"].slug])
    refused = client.post(address, {"description": "", "likelihood": "x", "impact": "high"})
    text = visible_text(refused.content.decode())
    assert "Ce champ est obligatoire." in text
    assert english_left(text, data_of(world)) == []
    saved = client.post(
        address,
        {
            "description": "Les téléphones arrivent en retard",
            "likelihood": "high",
            "impact": "medium",
            "mitigation": "Commander tôt",
            "status": "open",
        },
        follow=True,
    )
    text = visible_text(saved.content.decode())
    assert "Risque ajouté." in text
    assert english_left(text, data_of(world)) == []


def test_the_calendar_addresses_page_is_in_french(world):
    client = Client()
    client.force_login(world["head"])
    response = client.post(reverse("calendars:key-rotate"))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "à partir d'une URL" in text
    assert english_left(text, data_of(world)) == []


def test_a_poll_error_is_shown_in_french(world):
    from instances.fetch import Fetched
    from instances.services import Polled, snapshot_record

    failed = Fetched("unreachable", error="Timed out waiting for an answer.")
    snapshot_record(
        instance=world["instance"], polled=Polled(received_at=timezone.now(), main=failed)
    )
    client = Client()
    client.force_login(world["head"])
    page = client.get(reverse("instances:list", args=[world["program"].slug]))
    text = visible_text(page.content.decode())
    assert "Délai dépassé en attendant une réponse." in text
    assert "Timed out" not in text
