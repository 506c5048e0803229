"""Hostile requests never get a 500: every form and every query parameter of every page,
fuzzed with Hypothesis through the test client, as a program head and as a portfolio reviewer.

How the inputs are found, so that a new page or form is fuzzed without editing this file:
- the pages: every URL pattern of the project (tests/world.py builds their addresses);
- the forms: each page is read as the head sees it; every `<form>` gives its action, its fields
  and their current values (an empty field gets a plausible value, so that one hostile field
  reaches the service behind an otherwise valid form);
- the query parameters: the names in the pages' GET forms and links, plus every name the code
  reads from `request.GET` / `request.POST` (found in the source).

Each page gets the values that broke pages before (a NUL, 9999-12-31, a huge number) in every
parameter; each form gets them in every field at once, and its date and number fields get them
one at a time with the rest of the form valid; Hypothesis adds a few random examples per page
and form (`EXAMPLES`). Each request runs in a savepoint rolled back afterwards, so every example
starts from the same program. The file runs in tens of seconds."""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import build_world, every_page, link_params, read_page, route_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
APPS = ("chtprograms", "core", "personas", "lifecycle", "plan", "reminders", "reports", "portfolio")

#: Random examples per page (GET) and per form (POST), for the head and for the reviewer;
#: FUZZ_SCALE=20 multiplies them for a longer hunt on a developer's machine.
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {"head": (1 * SCALE, 3 * SCALE), "reviewer": (1 * SCALE, 1 * SCALE)}

#: The values that broke pages before: every page gets each of them in every parameter.
KILLERS = ["\x00", "9999-12-31", "99999999999999999999999999999"]
#: What Hypothesis draws from, besides random text, numbers and dates.
NAMED = [
    *KILLERS,
    "a\x00b",
    "10000-01-01",
    "0001-01-01",
    "1989-12-31",
    "2101-01-01",
    "2027-02-30",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "0x10",
    "x" * 70_000,
    "é" * 6_000,
    "😀\u202e\ufeff",
    "foo",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}%(x)s",
    " ",
    "",
]
VALUE = st.one_of(
    st.sampled_from(NAMED),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(datetime.date.isoformat),
    st.floats().map(str),
)
#: A parameter given once, or given several times.
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3))

#: A plausible value for an empty field of each kind (text-like fields get "fuzz").
FILL = {
    "date": "2027-03-01",
    "number": "1",
    "email": "fuzz@example.org",
    "url": "https://example.org/fuzz",
    "hidden": "",
    "checkbox": "",
    "radio": "",
    "select": "",
}
#: Field kinds whose hostile value gets past the form's own checks most easily, each tried
#: alone in an otherwise valid form: a date far away, a number too large.
ONE_AT_A_TIME = {"date": "9999-12-31", "number": "99999999999999999999999999999"}

#: What every field of a form gets at once, by kind (two rounds).
ALL_AT_ONCE = {**ONE_AT_A_TIME, "text": "\x00"}
ALL_AT_ONCE_AGAIN = {"date": "0001-01-01", "number": "-1", "text": "foo"}

#: Routes the signed-in tests leave out, and why.
NOT_FUZZED_SIGNED_IN = {"logout": "ends the session the other requests need (fuzzed anonymously)"}


def names_read_by_the_code() -> set[str]:
    """Every parameter name the app reads from request.GET / request.POST itself."""
    patterns = [
        r"request\.(?:GET|POST)\.(?:get|getlist|pop)\(\s*[\"'](\w+)[\"']",
        r"request\.(?:GET|POST)\[\s*[\"'](\w+)[\"']\s*\]",
        r"[\"'](\w+)[\"']\s+(?:not\s+)?in\s+request\.(?:GET|POST)",
    ]
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for pattern in patterns:
                names.update(re.findall(pattern, source))
    return names


def survey(client, pages):
    """Read every page as the head: the GET parameter names of each route, and one POST form
    per route (its action, valid-looking values and each field's kind)."""
    code_names = names_read_by_the_code()
    get_names = {name: set(code_names) for name, _url in pages}
    post_forms: dict[str, dict] = {}
    refuses_get = set()
    for name, url in pages:
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code == 405:
            refuses_get.add(name)
        if "html" not in response.get("Content-Type", ""):
            continue
        page = read_page(url, response.content.decode())
        for href in page.links:
            target = route_of(href)
            if target in get_names:
                get_names[target].update(link_params(href))
        for form in page.forms:
            target = route_of(form["action"])
            if target not in get_names:
                continue
            if form["method"] == "get":
                get_names[target].update(form["kinds"])
                continue
            if target in post_forms:
                continue
            kinds = {k: v for k, v in form["kinds"].items() if k != "csrfmiddlewaretoken"}
            values = {k: v for k, v in form["values"].items() if k in kinds}
            for field, kind in kinds.items():
                if not values.get(field):
                    values[field] = FILL.get(kind, "fuzz")
            post_forms[target] = {"url": form["action"], "values": values, "kinds": kinds}
    return get_names, post_forms, refuses_get


def request_once(client, method, url, data, htmx=False):
    """One request in a savepoint that is rolled back: the world stays as it was."""
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        if method == "get":
            response = client.get(url, data, headers=headers)
        else:
            response = client.post(url, data, headers=headers)
        transaction.set_rollback(True)
    return response


def fuzz_get(client, name, url, names, examples, killers=KILLERS):
    names = sorted(names) or ["q"]
    for value in killers:  # in every parameter at once
        response = request_once(client, "get", url, dict.fromkeys(names, value))
        assert response.status_code < 500, (name, repr(value))
    if not examples:
        return

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(params=st.dictionaries(st.sampled_from(names), VALUES, max_size=4), htmx=st.booleans())
    def check(params, htmx):
        response = request_once(client, "get", url, params, htmx)
        assert response.status_code < 500, (name, params)

    check()


def fuzz_post(client, name, url, form, examples, *, one_at_a_time=True):
    """`form`: what the survey found ({"url", "values", "kinds"}), or None for a route whose
    form is not on any page in this state (its fields are then guessed as `next`)."""
    form = form or {"url": url, "values": {}, "kinds": {"next": "text"}}
    url, kinds = form["url"], form["kinds"]
    # Every field hostile at once, each with the values that break its kind.
    for killers in (ALL_AT_ONCE, ALL_AT_ONCE_AGAIN):
        data = {field: killers.get(kind, killers["text"]) for field, kind in kinds.items()}
        response = request_once(client, "post", url, data)
        assert response.status_code < 500, (name, data)
    # A far date or a huge number alone in a valid form: it reaches the service.
    for field, kind in kinds.items():
        if one_at_a_time and kind in ONE_AT_A_TIME:
            data = {**form["values"], field: ONE_AT_A_TIME[kind]}
            response = request_once(client, "post", url, data)
            assert response.status_code < 500, (name, field, ONE_AT_A_TIME[kind])
    if not examples:
        return
    fields = sorted(kinds) or ["next"]

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        changes=st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=2),
        dropped=st.sets(st.sampled_from(fields), max_size=1),
        htmx=st.booleans(),
    )
    def check(changes, dropped, htmx):
        data = {
            key: value for key, value in {**form["values"], **changes}.items() if key not in dropped
        }
        response = request_once(client, "post", url, data, htmx)
        assert response.status_code < 500, (name, data)

    check()


def test_no_page_answers_500_to_a_head_or_a_reviewer(client):
    world = build_world()
    pages = [(name, url) for name, url in every_page(world) if name not in NOT_FUZZED_SIGNED_IN]
    head_client = Client()
    head_client.force_login(world["head"])
    get_names, post_forms, refuses_get = survey(head_client, pages)
    # The survey found the forms: the program, its team, each plan record, the lifecycle, the
    # bell, the language menu (on every page), and the parameters of the lists.
    for route in (
        "chtprograms:program-create",
        "chtprograms:program-edit",
        "chtprograms:consideration-item-update",
        "personas:team",
        "personas:language",
        "plan:measurement-create",
        "plan:scaling-decision",
        "lifecycle:advance",
        "lifecycle:activity-update",
        "reminders:notifications-read-all",
        "reminders:notification-read",
    ):
        assert route in post_forms, route
    assert {"q", "type", "country", "health", "sort", "page"} <= get_names[
        "chtprograms:program-list"
    ]
    assert {"country", "type", "health", "start_from", "sort", "page"} <= get_names[
        "portfolio:dashboard"
    ]
    posted = [name for name, _url in pages if name in post_forms or name in refuses_get]
    assert len(posted) >= 40

    for role in ("head", "reviewer"):
        examples_get, examples_post = EXAMPLES[role]
        client.force_login(world[role])
        for name, url in pages:
            killers = KILLERS if role == "head" else KILLERS[:1]
            fuzz_get(client, name, url, get_names[name], examples_get, killers)
        for name, url in pages:
            if name in posted:
                fuzz_post(
                    client,
                    name,
                    url,
                    post_forms.get(name),
                    examples_post,
                    one_at_a_time=role == "head",
                )


def test_signing_in_and_out_never_answers_500(client):
    world = build_world()
    # The sign-in pages are django-allauth's (not walked by every_page): named here.
    pages = {"login": reverse("login"), "logout": reverse("logout")}
    login = {
        "values": {"login": "head", "password": "correct-horse-battery"},
        "kinds": {"login": "text", "password": "password"},
    }
    fuzz_post(client, "login", pages["login"], {"url": pages["login"], **login}, 4)
    fuzz_get(client, "login", pages["login"], {"next"}, 2)
    client.force_login(world["head"])
    fuzz_post(client, "logout", pages["logout"], None, 2)


def test_the_survey_reads_query_parameters_from_the_code():
    assert {"sort", "page", "next", "budget_by", "stage"} <= names_read_by_the_code()


def test_hostile_values_reach_the_views_as_sent(client):
    """The fuzzer's values travel intact (a NUL stays a NUL): the test client does not clean
    them, so the views see what an attacker would send."""
    world = build_world()
    client.force_login(world["head"])
    response = client.get("/programs/", {"q": "\x00"})
    assert urlsplit(response.wsgi_request.get_full_path()).query == "q=%00"
    assert response.wsgi_request.GET["q"] == "\x00"
