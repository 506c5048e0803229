"""Dates within 1990–2100 and texts within a length, on every model and form, with the message
beside the field."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from chtprograms.forms import DataSharingAgreementForm, ProgramCreateForm, ProgramForm
from chtprograms.models import Program
from core.validators import (
    DATE_MAX,
    DATE_MIN,
    LONG_TEXT,
    date_in_range,
    validate_date_in_range,
)
from instances.forms import InstanceForm
from lifecycle.forms import ActivityPlanForm, EthicsApprovalForm, StagePlanForm
from plan.budget.forms import ExpenditureForm
from plan.chw_support.forms import CHWSupportForm
from plan.devices.forms import DeviceForm
from plan.indicators.forms import IndicatorForm, MeasurementForm
from plan.risks.forms import LessonForm, ScalingDecisionForm
from plan.training.forms import TrainingEventForm
from portfolio.forms import PortfolioFilterForm
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

DOMAIN_APPS = ("chtprograms", "personas", "lifecycle", "plan")
#: Text columns written by the app itself (an SMTP error, a render failure), not by people.
SYSTEM_TEXT = {
    "reports.CloseoutReport.error_message",
    "reports.CloseoutReportDelivery.error",
    "reminders.DigestDispatch.error",
}
OUT_OF_RANGE = "Enter a date between 1 Jan 1990 and 31 Dec 2100."


def model_fields(kind, *, apps_=DOMAIN_APPS):
    for config in apps.get_app_configs():
        if config.label not in apps_:
            continue
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, kind) and not isinstance(field, models.DateTimeField):
                    yield f"{model._meta.label}.{field.name}", field


# --- the validator ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        DATE_MIN,
        DATE_MAX,
        datetime.date(2027, 3, 1),
        datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC),
    ],
)
def test_dates_in_range_pass(day):
    validate_date_in_range(day)
    validate_date_in_range(None)


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(1989, 12, 31),
        datetime.date(2101, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.date(1, 1, 1),
    ],
)
def test_dates_out_of_range_are_refused_with_the_range_in_the_message(day):
    with pytest.raises(ValidationError) as refused:
        validate_date_in_range(day)
    assert refused.value.messages == [OUT_OF_RANGE]
    assert refused.value.error_list[0].code == "date_out_of_range"


def test_a_date_saved_before_the_bound_is_moved_to_the_edge_of_the_range():
    assert date_in_range(datetime.date(9999, 12, 31)) == DATE_MAX
    assert date_in_range(datetime.date(1, 1, 1)) == DATE_MIN
    assert date_in_range(datetime.date(2027, 3, 1)) == datetime.date(2027, 3, 1)
    assert date_in_range(None) is None


# --- every model ------------------------------------------------------------------------------


def test_every_date_of_the_domain_is_bounded():
    fields = dict(model_fields(models.DateField))
    assert len(fields) >= 20
    unbounded = [
        name for name, field in fields.items() if validate_date_in_range not in field.validators
    ]
    assert unbounded == []


def test_every_model_date_out_of_range_is_refused_by_full_clean():
    for name, field in model_fields(models.DateField):
        with pytest.raises(ValidationError) as refused:
            field.clean(datetime.date(9999, 12, 31), None)
        assert OUT_OF_RANGE in refused.value.messages, name


def test_every_text_people_write_has_a_maximum_that_the_model_and_the_form_enforce():
    fields = dict(model_fields(models.TextField, apps_=(*DOMAIN_APPS, "reports", "reminders")))
    people_write = {name: field for name, field in fields.items() if name not in SYSTEM_TEXT}
    assert len(people_write) >= 18
    for name, field in people_write.items():
        limit = field.max_length
        assert limit and limit <= LONG_TEXT, name
        assert any(
            isinstance(v, MaxLengthValidator) and v.limit_value == limit for v in field.validators
        ), name
        assert field.formfield().max_length == limit, name
        field.clean("x" * limit, None)  # at the limit: accepted
        with pytest.raises(ValidationError) as refused:
            field.clean("x" * (limit + 1), None)
        assert f"at most {limit} characters" in refused.value.messages[0], name


# --- every form with a date -------------------------------------------------------------------


@pytest.fixture
def program(db):
    return ProgramFactory(head=UserFactory(username="head"))


FORMS_WITH_DATES = [
    (ProgramForm, {}, "planned_end"),
    (ProgramCreateForm, {"creator": "user", "find_person": "find_person"}, "planned_start"),
    (DataSharingAgreementForm, {}, "expires_on"),
    (EthicsApprovalForm, {}, "approved_on"),
    (ActivityPlanForm, {"team": ()}, "due_on"),
    (StagePlanForm, {}, "design_end"),
    (PortfolioFilterForm, {"countries": [], "organizations": []}, "start_to"),
    (ExpenditureForm, {"program": "program"}, "date"),
    (CHWSupportForm, {}, "next_refresher"),
    (InstanceForm, {}, "tls_expires_on"),
    (IndicatorForm, {}, "target_date"),
    (MeasurementForm, {}, "period_end"),
    (LessonForm, {}, "recorded_on"),
    (ScalingDecisionForm, {"team_users": "users"}, "decided_on"),
    (TrainingEventForm, {}, "starts_on"),
    (DeviceForm, {}, "handed_over_on"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "kwargs", "field"), FORMS_WITH_DATES)
@pytest.mark.parametrize("value", ["9999-12-31", "1989-12-31", "2101-01-01"])
def test_every_form_refuses_a_date_out_of_range_beside_the_field(
    program, form_class, kwargs, field, value
):
    stand_ins = {
        "program": program,
        "users": get_user_model().objects.none(),
        "user": program.memberships.first().user,
        "find_person": lambda email: None,
    }
    kwargs = {key: stand_ins[arg] if isinstance(arg, str) else arg for key, arg in kwargs.items()}
    form = form_class(data={field: value}, **kwargs)
    assert not form.is_valid()
    assert OUT_OF_RANGE in form.errors[field]
    html = str(form[field])
    assert 'min="1990-01-01"' in html and 'max="2100-12-31"' in html


def project_form_classes():
    """Every form class defined in a `forms` module of the project's apps."""
    for app in (
        "chtprograms",
        "personas",
        "lifecycle",
        "plan",
        "reminders",
        "reports",
        "portfolio",
    ):
        package = importlib.import_module(app)
        names = {f"{app}.forms"} | {
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}.")
            if info.name.endswith(".forms")
        }
        for name in sorted(names):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == name
                ):
                    yield value


def test_every_form_class_with_a_date_field_is_checked_above():
    """A new form with a date joins FORMS_WITH_DATES (it gets the bound from StyledFormMixin or
    `core.forms.bound_dates`)."""
    checked = {form_class for form_class, _kwargs, _field in FORMS_WITH_DATES}
    with_dates = {
        form_class
        for form_class in project_form_classes()
        if any(isinstance(f, forms.DateField) for f in form_class.base_fields.values())
    }
    assert len(with_dates) >= 10
    assert with_dates - checked == set()


# --- on the pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_program_ending_in_9999_gets_a_message_beside_the_date_not_a_500(client):
    staff = UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    response = client.post(
        reverse("chtprograms:program-create"),
        {
            "name": "Far future",
            "slug": "far-future",
            "program_type": "accompanied",
            "country": "KE",
            "lead_organization": OrganizationFactory().pk,
            "planned_start": "2027-01-01",
            "planned_end": "9999-12-31",
            "currency": "KES",
            "head": staff.pk,
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["planned_end"] == [OUT_OF_RANGE]
    assert 'id="id_planned_end_error"' in response.content.decode()
    assert not Program.objects.filter(slug="far-future").exists()


@pytest.mark.django_db
def test_a_text_over_its_limit_gets_a_message_and_keeps_what_was_typed(client, program):
    head = program.memberships.get().user
    client.force_login(head)
    goals = "Reach every household. " * 300  # about 6,900 characters
    data = {
        "name": program.name,
        "slug": program.slug,
        "program_type": program.program_type,
        "country": program.country.code,
        "regions": program.regions,
        "lead_organization": program.lead_organization_id,
        "planned_start": "2027-01-01",
        "planned_end": "2028-12-31",
        "currency": program.currency,
        "goals": goals,
        "summary": "",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("chtprograms:program-edit", args=[program.slug]), data)
    page = response.content.decode()
    assert response.context["form"].errors["goals"] == [
        f"Ensure this value has at most {LONG_TEXT} characters (it has {len(goals.strip())})."
    ]
    assert f'maxlength="{LONG_TEXT}"' in page
    assert "Reach every household. Reach every household." in page  # the text stays in the box
    program.refresh_from_db()
    assert program.goals == "Give CHVs a CHT app."


#: Looser than the model on purpose: the form cleans the value to fit (an IMEI typed with its
#: spaces or dashes, which `DeviceForm.clean_imei` drops before the model checks 15 digits).
LOOSER_BY_DESIGN = {"DeviceForm.imei"}


def test_every_text_field_of_every_form_has_a_maximum_no_larger_than_its_model_s():
    unbounded, looser = [], []
    for form_class in project_form_classes():
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if not field.max_length:
                unbounded.append(f"{form_class.__name__}.{name}")
            if model is not None and name in {f.name for f in model._meta.concrete_fields}:
                model_limit = model._meta.get_field(name).max_length
                label = f"{form_class.__name__}.{name}"
                if model_limit and field.max_length > model_limit and label not in LOOSER_BY_DESIGN:
                    looser.append(label)
    assert unbounded == [] and looser == []


def test_the_lifecycle_forms_allow_what_the_history_keeps():
    from lifecycle.forms import ActivityProgressForm, DecisionForm
    from lifecycle.models import StageActivity, StageTransition

    note = StageTransition._meta.get_field("note").max_length
    assert DecisionForm.base_fields["note"].max_length == note
    evidence = StageActivity._meta.get_field("evidence_note").max_length
    assert ActivityProgressForm.base_fields["evidence_note"].max_length == evidence
