"""Every save says so: each view that saves on POST adds a success message, which the page it
leads to shows in its live region (`<div id="messages" role="status" aria-live="polite">`,
partials/_messages.html). In-place (htmx) saves say it where they swap, or in that live region
out of band when they leave no place of their own.

SAVES is the table: for each route that saves, the page holding its form (its own address
unless said), what to type beyond what the form shows, and the words that confirm it. A view
that reads a POST and is in neither SAVES nor NOT_SAVES fails the last test."""

import datetime
import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.services import token_create
from instances.models import Instance
from lifecycle.gates import criterion_labels
from lifecycle.models import Lifecycle
from lifecycle.services import lifecycle_advance, lifecycle_hold
from tests.factories import ExchangeRateFactory
from tests.world import OBJECT_OF_ROUTE, FormsAndLinks, build_world

pytestmark = pytest.mark.django_db

TODAY = "2027-03-01"  # within the program's planned dates


@dataclass(frozen=True)
class Save:
    said: str  #: words of the message (a part of it is enough)
    page: str | None = None  #: the route of the page holding the form, if not its own
    data: dict = field(default_factory=dict)  #: typed beyond what the form shows
    setup: object = None  #: run on the world first (in the same rolled-back transaction)
    button: str | None = None  #: the name of the submit button pressed, sent with the form
    tick_all: tuple = ()  #: checkboxes ticked, every one of them
    upload: str | None = (
        None  #: a route whose file is uploaded first (the form is then its answer's)
    )


def _hold(world):
    lifecycle_hold(
        lifecycle=Lifecycle.objects.get(program=world["program"]),
        by=world["head"],
        note="Waiting for funds",
    )


def _advance(world, times=1):
    for _step in range(times):
        lifecycle_advance(
            lifecycle=Lifecycle.objects.get(program=world["program"]),
            by=world["head"],
            note="Waived for the test",
            waive=criterion_labels(),
        )


def _in_closeout(world):
    _advance(world, times=7)


def _no_expenditures(world):
    world["line"].expenditures.all().delete()  # a line with expenditures is not deleted


def _rate_today(world):
    ExchangeRateFactory(effective_date=timezone.localdate())


SAVES = {
    "chtprograms:program-create": Save(
        "Program “Second program” created.",
        data=lambda world: {
            "lead_organization": world["program"].lead_organization_id,
            "name": "Second program",
            "slug": "second-program",
            "program_type": "accompanied",
            "country": "KE",
            "planned_start": "2027-01-01",
            "planned_end": "2028-01-01",
            "currency": "KES",
        },
    ),
    "chtprograms:program-edit": Save("Changes saved."),
    "chtprograms:program-health": Save(
        "Health updated.", page="chtprograms:program-detail", data={"note": "Back on track"}
    ),
    "chtprograms:program-archive": Save("Program archived. Nothing was deleted."),
    "chtprograms:consideration-edit": Save("Scope saved."),
    "chtprograms:consideration-item-add": Save(
        "“Budget” added to the checklist.",
        page="chtprograms:considerations",
        data={"label": "Budget"},
    ),
    "chtprograms:consideration-item-update": Save(
        "“Ministry letter” saved.", page="chtprograms:considerations", data={"note": "Signed"}
    ),
    "chtprograms:consideration-item-delete": Save(
        "“Ministry letter” removed from the checklist.", page="chtprograms:considerations"
    ),
    "chtprograms:data-sharing-agreement": Save("Data-sharing agreement saved."),
    "personas:profile": Save("Your preferences are saved."),
    "personas:language": Save("Langue modifiée.", page="chtprograms:home", data={"language": "fr"}),
    "personas:team": Save(
        "added as Researcher.",
        data=lambda world: {"user": "", "email": world["reviewer"].email, "role": "researcher"},
    ),
    "personas:membership-edit": Save("Role changed.", data={"role": "ux_designer"}),
    "personas:membership-remove": Save("is no longer Software developer on this program."),
    "lifecycle:plan-edit": Save("Stage plan saved."),
    "lifecycle:ethics-approval": Save("Ethics approval recorded."),
    "lifecycle:activity-update": Save(
        "Activity saved.", page="lifecycle:detail", data={"status": "done"}
    ),
    "lifecycle:advance": Save(
        "The program moved to Planning.",
        page="lifecycle:detail",
        data={"advance-note": "Waived to go on"},
        tick_all=("advance-waive",),
    ),
    "lifecycle:send-back": Save(
        "The program was sent back to Initiation.",
        page="lifecycle:detail",
        data={"send_back-note": "Scope again", "send_back-to": "initiation"},
        setup=_advance,
    ),
    "lifecycle:close": Save(
        "The program is closed.",
        page="lifecycle:detail",
        data={"close-note": "Done"},
        tick_all=("close-waive",),
        setup=_in_closeout,
    ),
    "lifecycle:hold": Save(
        "The program is on hold.", page="lifecycle:detail", data={"hold-note": "No funds"}
    ),
    "lifecycle:resume": Save(
        "The program resumed at Initiation.", page="lifecycle:detail", setup=_hold
    ),
    "lifecycle:cancel": Save(
        "The program is cancelled.", page="lifecycle:detail", data={"cancel-note": "Ended"}
    ),
    "lifecycle:stay": Save(
        "Decision recorded: the program stays in Initiation.",
        page="lifecycle:detail",
        data={"stay-note": "Not yet"},
    ),
    "plan:budget-line-create": Save(
        "Budget line added.",
        data={"name": "Phones", "category": "devices", "stage": "building", "forecast_amount": "1"},
    ),
    "plan:budget-line-edit": Save("Budget line saved."),
    "plan:budget-line-delete": Save("Budget line deleted.", setup=_no_expenditures),
    "plan:expenditure-create": Save(
        "Expenditure recorded.",
        data=lambda world: {
            "line": world["line"].pk,
            "description": "Ten phones",
            "amount": "100",
            "spent_on": TODAY,
        },
    ),
    "plan:expenditure-edit": Save("Expenditure saved."),
    "plan:expenditure-delete": Save("Expenditure deleted."),
    "plan:hosting-estimate": Save("Estimate saved.", button="save"),
    "plan:hosting-estimate-add-to-budget": Save(
        "The estimate was added to the budget as a hosting line.",
        page="plan:hosting-estimate",
        setup=_rate_today,
    ),
    "plan:indicator-create": Save(
        "Indicator added.",
        data={
            "name": "CHVs trained",
            "unit": "CHVs",
            "target_value": "100",
            "target_date": "2028-06-30",
        },
    ),
    "plan:indicator-edit": Save("Indicator saved."),
    "plan:indicator-delete": Save("Indicator deleted."),
    "plan:measurement-create": Save(
        "Measurement recorded.", data={"value": "10", "period_end": "2027-06-30", "source": "DHIS2"}
    ),
    "plan:measurement-edit": Save("Measurement saved."),
    "plan:measurement-delete": Save("Measurement deleted."),
    "plan:chw-support-edit": Save("CHW support saved."),
    "plan:risk-create": Save(
        "Risk added.", data={"description": "Phones late", "likelihood": "medium", "impact": "high"}
    ),
    "plan:risk-edit": Save("Risk saved."),
    "plan:risk-delete": Save("Risk deleted."),
    "plan:lesson-create": Save(
        "Lesson recorded.",
        data={"stage": "planning", "what_happened": "Late", "what_we_learned": "Order"},
    ),
    "plan:lesson-edit": Save("Lesson saved."),
    "plan:lesson-delete": Save("Lesson deleted."),
    "plan:scaling-decision": Save("Scaling decision recorded."),
    "plan:training-event-create": Save(
        "Training event added.",
        data={
            "kind": "direct",
            "starts_on": TODAY,
            "ends_on": TODAY,
            "place": "Siaya",
            "participants": "10",
        },
    ),
    "plan:training-event-edit": Save("Training event saved."),
    "plan:training-event-delete": Save("Training event deleted."),
    "plan:device-create": Save(
        "Device added.",
        data={
            "phone_model": "Tecno Spark 10",
            "imei": "356938035643809",
            "android_version": "13",
            "ram_gb": "4",
            "storage_gb": "64",
        },
    ),
    "plan:device-edit": Save("Device saved."),
    "plan:device-delete": Save("Device deleted."),
    "reminders:notifications-read-all": Save(
        "1 notification marked read.", page="reminders:notifications"
    ),
    "reminders:notification-read": Save(
        "Notification marked read.", page="reminders:notifications"
    ),
    "reports:report-generate": Save("is queued.", page="reports:reports"),
    "calendars:key-rotate": Save("New calendar addresses made.", page="personas:profile"),
    "instances:create": Save("Instance added.", data={"base_url": "https://second.example.org"}),
    "instances:edit": Save("Instance saved."),
    "instances:delete": Save("Instance deleted."),
    "instances:golive-edit": Save("Go-live readiness saved."),
    "spreadsheets:import": Save(
        "Budget lines imported: 0 row(s) added, 0 changed, 1 left as they were.",
        upload="spreadsheets:export",
        button="confirm",
    ),
    "spreadsheets:portfolio-import": Save(
        "Portfolio imported: 0 row(s) added, 0 changed, 0 left as they were.",
        upload="spreadsheets:portfolio-import-template",
        button="confirm",
    ),
    "api:tokens": Save("Token “DHIS2 bridge” made.", data={"name": "DHIS2 bridge"}),
    "api:token-revoke": Save("The token “Power BI” no longer works.", page="api:tokens"),
}

#: Routes whose view reads a POST but saves nothing, and why.
NOT_SAVES: dict[str, str] = {}

#: Which object of the world a route's `pk` is, beyond tests/world.py's.
OBJECTS = {
    **OBJECT_OF_ROUTE,
    "instances:edit": "instance",
    "instances:delete": "instance",
    "api:token-revoke": "token",
}
#: The values of the other parts of an address: the budget lines' sheet, as CSV.
PARTS = {"sheet": "budget-lines", "fmt": "csv"}


def world_with_everything() -> dict:
    world = build_world()
    world["instance"] = Instance.objects.get(program=world["program"])
    world["token"], _secret = token_create(
        user=world["head"],
        name="Power BI",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return world


def routes(patterns=None, namespace=None):
    """(route name, URLPattern) of the site's own views (not the admin's, allauth's, DRF's)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner != "admin":
                yield from routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = pattern.callback
            if hasattr(view, "cls") or hasattr(view, "view_class"):
                continue  # the REST API and its schema: JSON, no pages
            module = getattr(view, "__module__", "") or ""
            if module.startswith(("django.", "allauth.")):
                continue
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


READS_A_POST = re.compile(
    r"request\.POST|require_POST|\"POST\"|record_form_page|record_delete_page|import_page"
)


def reads_a_post(view) -> bool:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return bool(READS_A_POST.search(inspect.getsource(view)))


def address(world, name: str) -> str:
    pattern = dict(routes())[name]
    kwargs = {}
    for key in pattern.pattern.converters or pattern.pattern.regex.groupindex:
        if key in PARTS:
            kwargs[key] = PARTS[key]
        elif key == "slug":
            kwargs[key] = world["program"].slug
        elif key == "area":
            kwargs[key] = world["consideration"].area
        else:
            kwargs[key] = world[OBJECTS[name]].pk
    return reverse(name, kwargs=kwargs)


class BrowserForms(FormsAndLinks):
    """A page's forms as a browser sends them: a select sends its selected option, else its
    first (tests/world.py's reader prefers a non-empty one, to fuzz)."""

    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select and self._form is not None:
            attrs = dict(attrs)
            if self._select not in self._form["values"] or "selected" in attrs:
                self._form["values"][self._select] = attrs.get("value", "")
            return
        super().handle_starttag(tag, attrs)


def post_forms(page: str, html: str) -> list[dict]:
    reader = BrowserForms(page)
    reader.feed(html)
    return [form for form in reader.forms if form["method"] == "post"]


class LiveRegion(HTMLParser):
    """The text of the element with id="messages", and whether it is a polite status region."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text = ""
        self.attrs = None
        self.levels = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in {"br", "hr", "img", "input"}
            self.levels += re.findall(
                r"\balert-(success|info|warning|danger)\b", attrs.get("class") or ""
            )
        elif attrs.get("id") == "messages":
            self.depth, self.attrs = 1, attrs

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data


def live_region(html: str) -> LiveRegion:
    region = LiveRegion()
    region.feed(html)
    assert region.attrs is not None, "the page has no message area"
    assert region.attrs.get("role") == "status" and region.attrs.get("aria-live") == "polite"
    return region


#: In-place (htmx) saves and the words their answer gives screen readers: in a live region of
#: what it swaps, or added to the page's live region out of band.
HTMX_SAVES = {
    "chtprograms:consideration-edit": "Saved",
    "chtprograms:consideration-item-add": "“Budget” added to the checklist.",
    "chtprograms:consideration-item-update": "“Ministry letter” saved.",
    "chtprograms:consideration-item-delete": "“Ministry letter” removed from the checklist.",
    "lifecycle:activity-update": "Saved",
    "reminders:notification-read": "Notification marked read.",
}


class Announced(HTMLParser):
    """The text of an answer's live regions and of what it adds to the page's, out of band."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in {"br", "hr", "img", "input"}
        elif (
            attrs.get("role") == "status"
            or attrs.get("aria-live") == "polite"
            or attrs.get("hx-swap-oob") == "beforeend:#messages"
        ):
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data


def save(client, world, name: str, htmx=False):
    """Fill the route's form as its page shows it, add the table's data, send it, follow."""
    case = SAVES[name]
    if case.setup:
        case.setup(world)
    url = address(world, name)
    page = address(world, case.page) if case.page else url
    if case.upload:
        upload = SimpleUploadedFile("upload.csv", client.get(address(world, case.upload)).content)
        shown = client.post(url, {"file": upload})
    else:
        shown = client.get(page)
    if shown.status_code != 200:
        return f"{page} answers {shown.status_code}"
    html = shown.content.decode()
    forms = [form for form in post_forms(page, html) if urlsplit(form["action"]).path == url]
    if not forms:
        return f"no form on {page} posts to {url}"
    data = {**forms[0]["values"], **(case.data(world) if callable(case.data) else case.data)}
    for name_ in case.tick_all:
        data[name_] = re.findall(rf'name="{name_}" value="([^"]*)"', html)
    if case.button:
        data[case.button] = "1"
    if htmx:
        return client.post(url, data, headers={"HX-Request": "true"})
    return client.post(url, data, follow=True)


def test_every_save_says_so_in_the_live_region(client):
    world = world_with_everything()
    client.force_login(world["head"])
    failures = []
    for name, case in SAVES.items():
        with transaction.atomic():
            response = save(client, world, name)
            transaction.set_rollback(True)
        if isinstance(response, str):
            failures.append((name, response))
            continue
        region = live_region(response.content.decode())
        text = " ".join(region.text.split())
        if response.status_code != 200 or case.said not in text or region.levels != ["success"]:
            form = (response.context or {}).get("form") if response.status_code == 400 else None
            errors = dict(form.errors) if form is not None else ""
            failures.append((name, response.status_code, text, region.levels, errors))
        client.cookies.pop("django_language", None)
    assert not failures, "\n".join(map(str, failures))


def test_every_view_that_reads_a_post_is_in_the_table():
    reading = {name for name, pattern in routes() if reads_a_post(pattern.callback)}
    assert {"chtprograms:program-edit", "api:tokens", "calendars:key-rotate"} <= reading
    assert reading == SAVES.keys() | NOT_SAVES.keys(), (
        f"not in the table: {sorted(reading - SAVES.keys() - NOT_SAVES.keys())}; "
        f"no longer saving: {sorted((SAVES.keys() | NOT_SAVES.keys()) - reading)}"
    )


def test_every_in_place_save_says_so_to_screen_readers(client):
    world = world_with_everything()
    client.force_login(world["head"])
    failures = []
    for name, said in HTMX_SAVES.items():
        with transaction.atomic():
            response = save(client, world, name, htmx=True)
            transaction.set_rollback(True)
        announced = Announced()
        announced.feed(response.content.decode())
        text = " ".join(announced.text.split())
        if response.status_code != 200 or said not in text:
            failures.append((name, response.status_code, text))
    assert not failures, "\n".join(map(str, failures))
