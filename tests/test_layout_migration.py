"""The move to one folder per feature keeps every row: a database filled under the old layout
(plan and evidence in chtprograms, digests, notifications and closeout reports in lifecycle)
migrates to the new one and each row is found through the new apps' models."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

OLD_LAYOUT = [
    ("chtprograms", "0003_expiry_dates"),
    ("lifecycle", "0006_closeout_reports"),
    ("personas", "0003_profile"),
]
MOVED = {
    "chtprograms": {
        "plan": [
            "ExchangeRate",
            "BudgetLine",
            "Expenditure",
            "Indicator",
            "Measurement",
            "CHWSupport",
            "Risk",
            "Lesson",
            "ScalingDecision",
            "HostingEstimate",
        ]
    },
    "lifecycle": {
        "reminders": ["DigestDispatch", "Notification"],
        "reports": ["CloseoutReport", "CloseoutReportDelivery"],
    },
}


def _value(field, made: dict):
    """A valid value for a required field of a historical model."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return made[field.related_model._meta.label]
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
    if isinstance(field, models.DateField):
        return datetime.date(2026, 1, 5)
    if isinstance(field, models.DecimalField):
        return Decimal("2")
    if isinstance(field, models.IntegerField):
        return 2
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.FileField):
        return ""
    if field.name.endswith("currency"):
        return "KES"
    if isinstance(field, models.CharField | models.TextField):
        return f"{field.name} kept"[: field.max_length]
    raise AssertionError(f"no value for {field}")


def _fill(model, made: dict, **given):
    values = dict(given)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in values or field.has_default() or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, models.ForeignKey | models.OneToOneField):
            values[field.name] = made[field.related_model._meta.label]
        else:
            values[field.name] = _value(field, made)
    obj = model.objects.create(**values)
    made[model._meta.label] = obj
    return obj


def test_a_database_filled_under_the_old_layout_keeps_every_row():
    executor = MigrationExecutor(connection)
    # The new apps' migrations unapplied too ("zero"), as in a database that never had them.
    executor.migrate([*OLD_LAYOUT, ("plan", None), ("reminders", None), ("reports", None)])
    executor.loader.build_graph()
    old = executor.loader.project_state(OLD_LAYOUT).apps

    made: dict = {}
    user = old.get_model("auth", "User").objects.create(username="kept", email="kept@example.org")
    made[user._meta.label] = user
    organization = _fill(old.get_model("chtprograms", "Organization"), made)
    _fill(old.get_model("chtprograms", "Program"), made, lead_organization=organization)
    for app, targets in MOVED.items():
        for names in targets.values():
            for name in names:
                _fill(old.get_model(app, name), made)
    # The production instance's renewal dates: in chtprograms, then plan, now a CHT instance.
    _fill(
        old.get_model("chtprograms", "HostingInstance"),
        made,
        domain="chis.example.org",
        tls_expires_on=datetime.date(2027, 6, 30),
    )
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    budget_type = ContentType.objects.create(app_label="chtprograms", model="budgetline")
    Permission.objects.create(codename="audit_budgetline", name="Audit", content_type=budget_type)
    expected = {
        (app, name): made[f"{app}.{name}"].pk
        for app, targets in MOVED.items()
        for names in targets.values()
        for name in names
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps

    for (old_app, name), pk in expected.items():
        new_app = next(a for a, names in MOVED[old_app].items() if name in names)
        model = new.get_model(new_app, name)
        assert list(model.objects.values_list("pk", flat=True)) == [pk], (new_app, name)
    expenditure = new.get_model("plan", "Expenditure").objects.get()
    assert expenditure.line_id == made["chtprograms.BudgetLine"].pk
    delivery = new.get_model("reports", "CloseoutReportDelivery").objects.get()
    assert delivery.report_id == made["lifecycle.CloseoutReport"].pk
    instance = new.get_model("instances", "Instance").objects.get()
    assert (instance.base_url, instance.kind, instance.program_id) == (
        "https://chis.example.org",
        "production",
        made["chtprograms.Program"].pk,
    )
    assert instance.tls_expires_on == datetime.date(2027, 6, 30)
    # The content type follows its model, so permissions given on it stay given.
    moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=budget_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("plan", "budgetline")
    assert new.get_model("auth", "Permission").objects.filter(content_type=moved_type).exists()
