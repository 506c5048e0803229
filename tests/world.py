"""A program with one of everything, and every page of the app as a concrete address.

The fuzz test (tests/test_fuzz.py) and the out-of-range dates test (tests/test_dates_in_db.py)
walk every URL pattern of the project with it: a new page is covered as soon as it exists, and
a page whose address needs an object this module does not know fails with a message saying
what to add here."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from chtprograms.models import Consideration
from chtprograms.services import (
    consideration_item_add,
    data_sharing_agreement_record,
    program_health_record,
)
from instances.services import instance_create
from lifecycle.models import StageActivity
from personas.models import PersonaRole
from personas.services import membership_add
from plan.chw_support.services import chw_support_save
from plan.devices.services import device_create
from plan.hosting.services import hosting_estimate_save
from plan.risks.services import scaling_decision_record
from plan.training.services import training_event_create
from reminders.models import Notification, NotificationKind
from tests.factories import (
    BudgetLineFactory,
    CloseoutReportFactory,
    EthicsApprovalFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
    reviewer,
)

#: URL patterns no test of ours walks, and why.
NOT_WALKED = {
    "admin": "Django's admin, for site staff; its forms are Django's own",
    "set_language": "Django's own view (i18n/setlang/)",
    "api": "the REST API: Schemathesis walks it from its schema (tests/api/test_schemathesis.py)",
    "instances": "fuzzed against a fake CHT in tests/instances (hostile answers, addresses)",
    "calendars": "feeds read by key: tests/calendars",
    "spreadsheets": "hostile files: tests/spreadsheets",
}
#: Views of these modules are django-allauth's sign-in pages (tests/accounts) and their glue.
NOT_WALKED_MODULES = ("allauth.", "accounts.")

#: Which object of the world a route's `pk` (or `version`) is.
OBJECT_OF_ROUTE = {
    "chtprograms:consideration-item-update": "item",
    "chtprograms:consideration-item-delete": "item",
    "personas:membership-edit": "membership",
    "personas:membership-remove": "membership",
    "lifecycle:activity-update": "activity",
    "plan:budget-line-edit": "line",
    "plan:budget-line-delete": "line",
    "plan:expenditure-edit": "expenditure",
    "plan:expenditure-delete": "expenditure",
    "plan:hosting-estimate-add-to-budget": "estimate",
    "plan:indicator-edit": "indicator",
    "plan:indicator-delete": "indicator",
    "plan:measurement-create": "indicator",
    "plan:measurement-edit": "measurement",
    "plan:measurement-delete": "measurement",
    "plan:risk-edit": "risk",
    "plan:risk-delete": "risk",
    "plan:lesson-edit": "lesson",
    "plan:lesson-delete": "lesson",
    "plan:training-event-edit": "training_event",
    "plan:training-event-delete": "training_event",
    "plan:device-edit": "device",
    "plan:device-delete": "device",
    "reminders:notification-read": "notification",
    "reports:report-download": "report",
}


def build_world() -> dict:
    """A program with a head (who may also create programs), a team, a reviewer, and one row
    of every record a page shows or edits."""
    head = UserFactory(username="head", first_name="Amina", last_name="Otieno")
    head.user_permissions.add(Permission.objects.get(codename="add_program"))
    program = ProgramFactory(head=head, slug="fuzz-program", name="Fuzz program")
    developer = UserFactory(username="developer")
    membership = membership_add(
        program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER
    )
    ExchangeRateFactory()
    line = BudgetLineFactory(program=program, note="Phones for the CHVs")
    indicator = IndicatorFactory(program=program)
    consideration = Consideration.objects.filter(program=program).order_by("id").first()
    world = {
        "program": program,
        "head": head,
        "developer": developer,
        "reviewer": reviewer(username="reviewer"),
        "membership": membership,
        "consideration": consideration,
        "item": consideration_item_add(consideration=consideration, label="Ministry letter"),
        "activity": StageActivity.objects.filter(program=program).order_by("id").first(),
        "line": line,
        "expenditure": ExpenditureFactory(line=line),
        "indicator": indicator,
        "measurement": MeasurementFactory(indicator=indicator, note="From the dashboard"),
        "risk": RiskFactory(program=program, mitigation="Order early"),
        "lesson": LessonFactory(program=program, recorded_by=head),
        "estimate": hosting_estimate_save(
            program=program,
            by=head,
            users=100,
            population=10_000,
            workflows=3,
            years=2,
            overprovisioning=5,
        ),  # fmt: skip
        "report": CloseoutReportFactory(program=program, requested_by=head),
        "training_event": training_event_create(
            program=program, kind="refresher", starts_on=datetime.date(2027, 2, 1),
            ends_on=datetime.date(2027, 2, 2), place="Kisumu", participants=12, facilitators=2,
        ),
        "device": device_create(
            program=program, phone_model="Tecno Spark 10", imei="490154203237518",
            android_version="13", ram_gb=Decimal(4), storage_gb=64,
        ),
    }  # fmt: skip
    program_health_record(program=program, by=head, status="at_risk", note="Phones are late")
    data_sharing_agreement_record(
        program=program,
        reference="DSA-1",
        signed_on=datetime.date(2027, 1, 10),
        expires_on=datetime.date(2029, 1, 10),
    )
    EthicsApprovalFactory(program=program, recorded_by=head)
    instance_create(
        program=program,
        base_url="https://fuzz.example.org",
        domain_renews_on=datetime.date(2028, 1, 1),
        tls_expires_on=datetime.date(2027, 6, 1),
    )
    chw_support_save(
        program=program,
        chw_count=120,
        last_refresher=datetime.date(2027, 2, 1),
        next_refresher=datetime.date(2027, 8, 1),
        supervisor_count=10,
        compensation_model="stipend",
        compensation_amount=Decimal("3000"),
        compensation_currency="KES",
        compensation_frequency="monthly",
        payer="Ministry",
        supply_status="adequate",
        last_restock=datetime.date(2027, 3, 1),
        notes="Stock counted monthly",
    )
    scaling_decision_record(
        program=program,
        decision="scale_up",
        rationale="It works.",
        decided_by=head,
        decided_on=datetime.date(2026, 1, 1),
    )
    world["notification"] = Notification.objects.create(
        person=head,
        program=program,
        kind=NotificationKind.ACTIVITY_DUE,
        subject="Kick-off meeting",
        due_on=datetime.date(2027, 3, 4),
        url=f"/programs/{program.slug}/lifecycle/",
        position=0,
    )
    return world


# --- every URL pattern ------------------------------------------------------------------------


def url_patterns(patterns=None, namespace=None):
    """(route name, URLPattern) for every pattern of the project, the admin's aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in NOT_WALKED:
                continue
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            module = getattr(pattern.callback, "__module__", "") or ""
            if pattern.name is None:  # e.g. /login/ → /accounts/login/ redirects: no page
                continue
            if name not in NOT_WALKED and not module.startswith(NOT_WALKED_MODULES):
                yield name, pattern


def route_url(world: dict, name: str, pattern: URLPattern) -> str:
    """The concrete address of a route in `world`."""
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "slug":
            kwargs[key] = world["program"].slug
        elif key == "area":
            kwargs[key] = world["consideration"].area
        elif key == "version":
            kwargs[key] = world[OBJECT_OF_ROUTE[name]].version
        elif key == "pk" and name in OBJECT_OF_ROUTE:
            kwargs[key] = world[OBJECT_OF_ROUTE[name]].pk
        else:
            raise LookupError(
                f"{name}: tests/world.py does not know which object its <{key}> is; add the "
                "route to OBJECT_OF_ROUTE (and the object to build_world)."
            )
    return reverse(name, kwargs=kwargs)


def every_page(world: dict) -> list[tuple[str, str]]:
    """(route name, address) of every page of the app."""
    return [(name, route_url(world, name, pattern)) for name, pattern in url_patterns()]


def route_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# --- the forms and links of a page ------------------------------------------------------------


class FormsAndLinks(HTMLParser):
    """Reads a page's forms (method, action, each field's kind and value) and its links."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page_path, attrs["href"]))
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": urljoin(self.page_path, attrs.get("action") or ""),
                "kinds": {},
                "values": {},
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            name, kind = attrs["name"], (attrs.get("type") or "text").lower()
            self._form["kinds"].setdefault(name, kind)
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "reset"):
                return
            self._form["values"][name] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["kinds"][self._select] = "select"
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if not self._form["values"].get(self._select) or "selected" in attrs:
                self._form["values"][self._select] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["kinds"][self._textarea] = "textarea"
            self._form["values"][self._textarea] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["values"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(path: str, html: str) -> FormsAndLinks:
    parser = FormsAndLinks(path)
    parser.feed(html)
    return parser


def link_params(href: str) -> list[str]:
    return [name for name, _value in parse_qsl(urlsplit(href).query, keep_blank_values=True)]
