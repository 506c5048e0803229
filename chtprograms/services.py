"""Writes for the program record. Views, commands and tests call these, never `.save()`."""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lifecycle.services import lifecycle_create
from personas.models import PersonaRole
from personas.services import membership_add

from .considerations import DEFAULT_CHECKLISTS, Area
from .hosting import estimate_hosting
from .models import (
    BudgetCategory,
    BudgetLine,
    CHWSupport,
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    ExchangeRate,
    Expenditure,
    HealthNote,
    HostingEstimate,
    HostingInstance,
    Indicator,
    Lesson,
    Measurement,
    Organization,
    Program,
    ProgramPartner,
    Risk,
    ScalingDecision,
)
from .money import from_usd
from .stages import Stage

PROGRAM_EDITABLE_FIELDS = (
    "name",
    "slug",
    "program_type",
    "country",
    "regions",
    "lead_organization",
    "planned_start",
    "planned_end",
    "currency",
    "goals",
    "summary",
)


def _considerations_create(*, program: Program) -> None:
    considerations = Consideration.objects.bulk_create(
        Consideration(program=program, area=area) for area in Area.values
    )
    ConsiderationItem.objects.bulk_create(
        ConsiderationItem(consideration=consideration, label=str(label), position=position)
        for consideration in considerations
        for position, label in enumerate(DEFAULT_CHECKLISTS[consideration.area])
    )


def _partners_set(*, program: Program, partners: Iterable[tuple[Organization, str]]) -> None:
    wanted = {organization.pk: (organization, role) for organization, role in partners}
    ProgramPartner.objects.filter(program=program).exclude(organization_id__in=wanted).delete()
    existing = {link.organization_id: link for link in program.partner_links.all()}
    for organization_id, (organization, role) in wanted.items():
        link = existing.get(organization_id)
        if link is None:
            link = ProgramPartner(program=program, organization=organization, role=role)
            link.full_clean()
            link.save()
        elif link.role != role:
            link.role = role
            link.full_clean()
            link.save(update_fields=["role"])


@transaction.atomic
def program_create(
    *,
    head,
    partners: Iterable[tuple[Organization, str]] = (),
    **fields,
) -> Program:
    """Create a program with its six considerations, its checklists and its first program head.

    `fields` are the program's own fields (see PROGRAM_EDITABLE_FIELDS)."""
    program = Program(**{name: fields[name] for name in fields if name in PROGRAM_EDITABLE_FIELDS})
    program.full_clean()
    program.save()
    _partners_set(program=program, partners=partners)
    _considerations_create(program=program)
    membership_add(program=program, user=head, role=PersonaRole.PROGRAM_HEAD)
    lifecycle_create(program=program)
    return program


@transaction.atomic
def program_update(
    *, program: Program, partners: Iterable[tuple[Organization, str]] | None = None, **fields
) -> Program:
    changed = [name for name in fields if name in PROGRAM_EDITABLE_FIELDS]
    for name in changed:
        setattr(program, name, fields[name])
    program.full_clean()
    program.save(update_fields=[*changed, "updated_at"])
    if partners is not None:
        _partners_set(program=program, partners=partners)
    return program


@transaction.atomic
def program_health_record(*, program: Program, by, status: str, note: str) -> HealthNote:
    health_note = HealthNote(program=program, status=status, note=note, recorded_by=by)
    health_note.full_clean()
    health_note.save()
    program.health = status
    program.save(update_fields=["health", "updated_at"])
    return health_note


def program_archive(*, program: Program) -> Program:
    if program.archived_at is None:
        program.archived_at = timezone.now()
        program.save(update_fields=["archived_at", "updated_at"])
    return program


def program_unarchive(*, program: Program) -> Program:
    if program.archived_at is not None:
        program.archived_at = None
        program.save(update_fields=["archived_at", "updated_at"])
    return program


def consideration_update(
    *, consideration: Consideration, status: str, risk: str, owner, notes: str
) -> Consideration:
    consideration.status = status
    consideration.risk = risk
    consideration.owner = owner
    consideration.notes = notes
    consideration.full_clean()
    consideration.save(update_fields=["status", "risk", "owner", "notes", "updated_at"])
    return consideration


def consideration_item_add(*, consideration: Consideration, label: str) -> ConsiderationItem:
    last = consideration.items.order_by("-position").values_list("position", flat=True).first()
    item = ConsiderationItem(consideration=consideration, label=label, position=(last or 0) + 1)
    item.full_clean()
    item.save()
    return item


def consideration_item_update(
    *, item: ConsiderationItem, done: bool, note: str, label: str | None = None
) -> ConsiderationItem:
    item.done = done
    item.note = note
    if label is not None:
        item.label = label
    item.full_clean()
    item.save(update_fields=["done", "note", "label"])
    return item


def consideration_item_delete(*, item: ConsiderationItem) -> None:
    item.delete()


def default_planned_dates(
    today: datetime.date | None = None,
) -> tuple[datetime.date, datetime.date]:
    """Suggested planned start and end for a new program's form: next month, for two years."""
    today = today or timezone.localdate()
    start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return start, start.replace(year=start.year + 2)


# --- plan and evidence: budget, indicators, CHW support, risks, lessons, hosting --------------

BUDGET_LINE_FIELDS = ("category", "stage", "name", "forecast_amount", "note")
EXPENDITURE_FIELDS = ("line", "date", "amount", "description", "reference")
INDICATOR_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "frequency",
)
MEASUREMENT_FIELDS = ("period_end", "value", "source", "note")
CHW_SUPPORT_FIELDS = (
    "chw_count",
    "last_refresher",
    "next_refresher",
    "supervisor_count",
    "compensation_model",
    "compensation_amount",
    "compensation_currency",
    "compensation_frequency",
    "payer",
    "supply_status",
    "last_restock",
    "notes",
)
RISK_FIELDS = ("description", "likelihood", "impact", "mitigation", "owner", "status")
LESSON_FIELDS = ("stage", "what_happened", "what_we_learned", "recorded_on")
SCALING_DECISION_FIELDS = ("decision", "rationale", "decided_by", "decided_on")
DATA_SHARING_AGREEMENT_FIELDS = ("reference", "data_controller", "signed_on", "expires_on")
HOSTING_INSTANCE_FIELDS = ("domain", "domain_renews_on", "tls_expires_on", "tls_auto_renews")


def _checked(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    return fields


def _create(instance):
    instance.full_clean()
    instance.save()
    return instance


def _update(instance, allowed: tuple[str, ...], fields: dict):
    changed = list(_checked(fields, allowed))
    for name in changed:
        setattr(instance, name, fields[name])
    instance.full_clean()
    auto = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*changed, *auto])
    return instance


def exchange_rate_set(
    *, currency: str, effective_date: datetime.date, units_per_usd
) -> ExchangeRate:
    """Record how many units of `currency` buy one US dollar from `effective_date` on."""
    currency = currency.upper()
    rate = ExchangeRate.objects.filter(currency=currency, effective_date=effective_date).first()
    if rate is None:
        rate = ExchangeRate(
            currency=currency, effective_date=effective_date, units_per_usd=units_per_usd
        )
        return _create(rate)
    return _update(rate, ("units_per_usd",), {"units_per_usd": units_per_usd})


def budget_line_create(*, program: Program, **fields) -> BudgetLine:
    return _create(BudgetLine(program=program, **_checked(fields, BUDGET_LINE_FIELDS)))


def budget_line_update(*, line: BudgetLine, **fields) -> BudgetLine:
    return _update(line, BUDGET_LINE_FIELDS, fields)


def budget_line_delete(*, line: BudgetLine) -> None:
    """Delete a line that has no expenditures (money spent is never silently dropped)."""
    count = line.expenditures.count()
    if count:
        raise ValidationError(
            _(
                "This line has %(count)s expenditure(s). Delete them or move them to another "
                "line first."
            )
            % {"count": count},
            code="line_has_expenditures",
        )
    line.delete()


def _same_program(line: BudgetLine, program_id: int) -> None:
    if line.program_id != program_id:
        raise ValidationError({"line": _("Choose a budget line of this program.")})


def expenditure_create(*, program: Program, **fields) -> Expenditure:
    fields = _checked(fields, EXPENDITURE_FIELDS)
    _same_program(fields["line"], program.pk)
    return _create(Expenditure(**fields))


def expenditure_update(*, expenditure: Expenditure, **fields) -> Expenditure:
    if "line" in fields:
        _same_program(fields["line"], expenditure.line.program_id)
    return _update(expenditure, EXPENDITURE_FIELDS, fields)


def expenditure_delete(*, expenditure: Expenditure) -> None:
    expenditure.delete()


def indicator_create(*, program: Program, **fields) -> Indicator:
    return _create(Indicator(program=program, **_checked(fields, INDICATOR_FIELDS)))


def indicator_update(*, indicator: Indicator, **fields) -> Indicator:
    baseline_date = fields.get("baseline_date", indicator.baseline_date)
    if baseline_date and indicator.measurements.filter(period_end__lt=baseline_date).exists():
        raise ValidationError(
            {"baseline_date": _("Some measurements are before this date: move them first.")}
        )
    return _update(indicator, INDICATOR_FIELDS, fields)


def indicator_delete(*, indicator: Indicator) -> None:
    indicator.delete()


def measurement_create(*, indicator: Indicator, **fields) -> Measurement:
    return _create(Measurement(indicator=indicator, **_checked(fields, MEASUREMENT_FIELDS)))


def measurement_update(*, measurement: Measurement, **fields) -> Measurement:
    return _update(measurement, MEASUREMENT_FIELDS, fields)


def measurement_delete(*, measurement: Measurement) -> None:
    measurement.delete()


def chw_support_save(*, program: Program, **fields) -> CHWSupport:
    """Create or update the program's CHW support (4S) record."""
    fields = _checked(fields, CHW_SUPPORT_FIELDS)
    support = CHWSupport.objects.filter(program=program).first()
    if support is None:
        return _create(CHWSupport(program=program, **fields))
    return _update(support, CHW_SUPPORT_FIELDS, fields)


def risk_create(*, program: Program, **fields) -> Risk:
    return _create(Risk(program=program, **_checked(fields, RISK_FIELDS)))


def risk_update(*, risk: Risk, **fields) -> Risk:
    return _update(risk, RISK_FIELDS, fields)


def risk_delete(*, risk: Risk) -> None:
    risk.delete()


def lesson_create(*, program: Program, by, **fields) -> Lesson:
    return _create(Lesson(program=program, recorded_by=by, **_checked(fields, LESSON_FIELDS)))


def lesson_update(*, lesson: Lesson, **fields) -> Lesson:
    return _update(lesson, LESSON_FIELDS, fields)


def lesson_delete(*, lesson: Lesson) -> None:
    lesson.delete()


def scaling_decision_record(*, program: Program, **fields) -> ScalingDecision:
    """Record (or change) what happens after closeout: scale up, hand over or end."""
    fields = _checked(fields, SCALING_DECISION_FIELDS)
    decision = ScalingDecision.objects.filter(program=program).first()
    if decision is None:
        return _create(ScalingDecision(program=program, **fields))
    return _update(decision, SCALING_DECISION_FIELDS, fields)


def hosting_estimate_save(
    *,
    program: Program,
    by,
    users: int,
    population: int,
    workflows: int,
    years: int,
    overprovisioning: int,
) -> HostingEstimate:
    result = estimate_hosting(
        users=users,
        population=population,
        workflows=workflows,
        years=years,
        overprovisioning=overprovisioning,
    )
    return _create(
        HostingEstimate(
            program=program,
            created_by=by,
            users=users,
            population=population,
            workflows=workflows,
            years=years,
            overprovisioning=overprovisioning,
            documents=result.documents,
            disk_gb=result.disk_gb,
            cpus=result.cpus,
            ram_gb=result.ram_gb,
            monthly_usd=result.monthly_usd,
        )
    )


@transaction.atomic
def hosting_estimate_add_to_budget(
    *, estimate: HostingEstimate, on: datetime.date | None = None
) -> BudgetLine:
    """Add the estimate's whole cost (monthly × 12 × years) as a hosting budget line, converted
    to the program's currency at the rate in force on `on` (today by default), in whole units."""
    estimate = (
        HostingEstimate.objects.select_for_update().select_related("program").get(pk=estimate.pk)
    )
    if estimate.budget_line_id is not None:
        raise ValidationError(
            _("This estimate is already in the budget."), code="already_in_budget"
        )
    program = estimate.program
    on = on or timezone.localdate()
    amount = from_usd(estimate.total_usd, program.currency, on)
    if amount is not None:
        amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)  # budgets in whole units
    if amount is None:
        raise ValidationError(
            _(
                "There is no exchange rate for %(currency)s on %(date)s, so the estimate cannot "
                "be converted. Ask a site administrator to add one."
            )
            % {"currency": program.currency, "date": date_format(on)},
            code="no_rate",
        )
    line = budget_line_create(
        program=program,
        category=BudgetCategory.HOSTING,
        stage=Stage.HOSTING,
        name=_("Hosting: %(users)s users, %(population)s people, %(years)s year(s)")
        % {"users": estimate.users, "population": estimate.population, "years": estimate.years},
        forecast_amount=amount,
        note=_(
            "From the hosting estimate of %(date)s: USD %(monthly)s per month for %(years)s "
            "year(s) = USD %(total)s, converted at the rate of %(on)s."
        )
        % {
            "date": date_format(timezone.localtime(estimate.created_at).date()),
            "monthly": estimate.monthly_usd,
            "years": estimate.years,
            "total": estimate.total_usd,
            "on": date_format(on),
        },
    )
    estimate.budget_line = line
    estimate.save(update_fields=["budget_line"])
    return line


def data_sharing_agreement_record(*, program: Program, **fields) -> DataSharingAgreement:
    """Record (or correct) the program's data-sharing agreement."""
    fields = _checked(fields, DATA_SHARING_AGREEMENT_FIELDS)
    agreement = DataSharingAgreement.objects.filter(program=program).first()
    if agreement is None:
        return _create(DataSharingAgreement(program=program, **fields))
    return _update(agreement, DATA_SHARING_AGREEMENT_FIELDS, fields)


def hosting_instance_record(*, program: Program, **fields) -> HostingInstance:
    """Record (or correct) the program's production instance: domain and renewal dates."""
    fields = _checked(fields, HOSTING_INSTANCE_FIELDS)
    instance = HostingInstance.objects.filter(program=program).first()
    if instance is None:
        return _create(HostingInstance(program=program, **fields))
    return _update(instance, HOSTING_INSTANCE_FIELDS, fields)
