"""The portfolio: a dashboard over every program the user may see, its program table and the
CSV export. Read-only; thin: parse the filters, call the selectors, render."""

import csv
import datetime
from decimal import ROUND_HALF_UP, Decimal

import rules
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries import countries

from chtprograms.models import Health, ProgramType
from chtprograms.selectors import program_countries, program_organizations
from core import data_version
from core.pagination import BoundedPaginator
from personas.selectors import sees_every_program
from plan.indicators.selectors import IndicatorStatus
from portfolio import charts

from . import selectors
from .forms import PortfolioFilterForm

PAGE_SIZE = 25
CENT = Decimal("0.01")


def _filter_form(request) -> PortfolioFilterForm:
    form = PortfolioFilterForm(
        request.GET,
        countries=program_countries(user=request.user),
        organizations=program_organizations(user=request.user),
    )
    form.is_valid()
    return form


def _sort(request) -> str:
    sort = request.GET.get("sort", "name")
    return sort if sort in selectors.SORT_CHOICES else "name"


def _link(filters: selectors.PortfolioFilters, sort: str = "", **changes) -> str:
    """The program list (on the dashboard) with these filters, changed by `changes`."""
    query = "&".join(part for part in (filters.query(**changes), sort and f"sort={sort}") if part)
    return f"{reverse('portfolio:dashboard')}{'?' if query else ''}{query}#programs"


def _budget_by(request) -> str:
    return "type" if request.GET.get("budget_by") == "type" else "country"


def _charts(
    dashboard: selectors.Dashboard, filters: selectors.PortfolioFilters, budget_by: str
) -> dict:
    type_labels = dict(ProgramType.choices)

    def whole(amount):
        return amount.quantize(Decimal(1), ROUND_HALF_UP)

    if budget_by == "country":
        budget_rows = [
            (code, name, whole(dashboard.budget.by_country[code].forecast),
             whole(dashboard.budget.by_country[code].spent))
            for code, name, _count in dashboard.by_country
            if code in dashboard.budget.by_country
        ]  # fmt: skip
    else:
        budget_rows = [
            (value, str(label), whole(budget.forecast), whole(budget.spent))
            for value, label in type_labels.items()
            if (budget := dashboard.budget.by_type.get(value))
        ]
    indicator_rows = [
        (
            value,
            str(label),
            dashboard.indicators.get(value, {}).get(IndicatorStatus.ON_TRACK, 0),
            sum(dashboard.indicators.get(value, {}).values()),
        )
        for value, label in type_labels.items()
        if dashboard.indicators.get(value)
    ]
    return {
        "stage_type": charts.stage_type_chart(
            stages=[(stage, label) for stage, label, _count in dashboard.by_stage],
            types=ProgramType.choices,
            counts=dashboard.stage_type,
            link=lambda stage, kind: _link(
                filters, stage=stage, **({"program_type": kind} if kind else {})
            ),
        ),
        "country": charts.country_chart(
            rows=dashboard.by_country, link=lambda code: _link(filters, country=code)
        )
        if dashboard.by_country
        else "",
        "durations": charts.stage_duration_chart(
            rows=dashboard.durations, link=lambda stage: _link(filters, stage=stage)
        ),
        "budget": charts.budget_usd_chart(
            rows=budget_rows,
            title=_("Budget by country: forecast and spent (USD)")
            if budget_by == "country"
            else _("Budget by type: forecast and spent (USD)"),
            link=lambda key: _link(
                filters,
                sort="-spent",
                **{"country" if budget_by == "country" else "program_type": key},
            ),
        )
        if budget_rows
        else "",
        "indicators": charts.indicator_share_chart(
            rows=indicator_rows, link=lambda value: _link(filters, program_type=value)
        )
        if indicator_rows
        else "",
    }


def _scope(user) -> str:
    """Whose programs a cached page shows: everyone's, or this user's own (their memberships,
    which the data version counts)."""
    return "all" if sees_every_program(user) else f"user:{user.pk}"


@login_required
@require_GET
def dashboard(request):
    """The figures, charts and table: worked out once per data version and reader (a
    committed change moves the version on, so it shows at the next page load)."""
    # the site's own rule (cached roles), without asking Django's per-user permissions
    can_create = rules.has_perm("chtprograms.add_program", request.user)
    status, content = data_version.cached_page(
        request,
        "dashboard",
        _scope(request.user),
        can_create,
        compute=lambda today: _dashboard_content(request, today, can_create=can_create),
    )
    return render(request, "portfolio/dashboard.html", {"content": content}, status=status)


def _dashboard_content(request, today: datetime.date, *, can_create: bool) -> tuple[int, str]:
    """(status, the page's content) from the records."""
    form = _filter_form(request)
    filters = form.filters()
    sort = _sort(request)
    budget_by = _budget_by(request)
    data = selectors.portfolio_dashboard(user=request.user, filters=filters, today=today)
    table = selectors.portfolio_table(user=request.user, filters=filters, sort=sort, today=today)
    page = BoundedPaginator(table, PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query()
    content = render_to_string(
        "portfolio/partials/_dashboard.html",
        {
            "form": form,
            "filters": filters,
            "data": data,
            "charts": _charts(data, filters, budget_by),
            "budget_by": budget_by,
            "page": page,
            "rows": list(selectors.table_rows(page.object_list, today=today)),
            "sort": sort,
            # for pagination (keeps the sort) and for the sortable headers (sets it)
            "query": "&".join(part for part in (query, f"sort={sort}") if part),
            "sort_query": query,
            "export_query": "&".join(part for part in (query, f"sort={sort}") if part),
            "can_create": can_create,
            **_tile_context(filters, data),
        },
        request=request,
    )
    return (400 if form.errors else 200), content  # a SafeString, kept so in the cache


GAP_LABELS = {
    "skilled": gettext_lazy("Skilled: no refresher training in the last 12 months"),
    "supervised": gettext_lazy("Supervised: no supervisor, or too many CHWs per supervisor"),
    "salaried": gettext_lazy("Salaried: CHWs unpaid"),
    "supplied": gettext_lazy("Supplied: stock-outs reported"),
}


def _tile_context(filters: selectors.PortfolioFilters, data: selectors.Dashboard) -> dict:
    """The tiles' links, and their rows as (value, label, count, link)."""
    return {
        "links": {
            "all": _link(filters),
            "active": _link(filters, only="active"),
            "overdue": _link(filters, only="overdue"),
            "late": _link(filters, only="late"),
            "chw": _link(filters, only="chw"),
            "unpaid": _link(filters, only="unpaid"),
            "spent": _link(filters, sort="-spent"),
            "golive_waived": _link(filters, only="golive_waived"),
            "instances_down": _link(filters, only="instances_down"),
            "instances_flagged": _link(filters, only="instances_flagged"),
            "instances_eol": _link(filters, only="instances_eol"),
        },
        "stage_rows": [
            (stage, label, count, _link(filters, stage=stage))
            for stage, label, count in data.by_stage
        ],
        "health_rows": [
            (value, label, data.by_health.get(value, 0), _link(filters, health=value))
            for value, label in Health.choices
        ],
        "gap_rows": [
            (gap, GAP_LABELS[gap], count, _link(filters, only=selectors.GAP_FILTERS[gap]))
            for gap, count in data.chw.gaps.items()
        ],
    }


# --- the export -------------------------------------------------------------------------------

#: A spreadsheet runs a cell that begins with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Text that a spreadsheet would run as a formula, made plain text with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose `write` returns what it is given, for streaming CSV rows."""

    def write(self, value):
        return value


def _export_rows(request, rows):
    """The header, then one line per row. Labels, country names and the address's start are
    looked up once, not per row (the export may hold thousands of programs)."""
    yield [
        _("Program"),
        _("Address"),
        _("Type"),
        _("Country"),
        _("Lead organization"),
        _("Stage"),
        _("Health"),
        _("Planned start"),
        _("Planned end"),
        _("Days in stage"),
        _("Overdue activities"),
        _("Past the stage's planned end"),
        _("Currency"),
        _("Forecast"),
        _("Spent"),
        _("Spent %"),
        _("Training events"),
        _("Trained participants"),
        _("Last training"),
        _("Devices"),
        _("Working devices"),
        _("Devices lost or broken"),
        _("CHT instance"),
        _("CHT instance down"),
        _("CHT instance flagged"),
        _("CHT version past end of life"),
    ]
    slug = "--slug--"
    address = request.build_absolute_uri(reverse("chtprograms:program-detail", args=[slug]))
    before, after = address.split(slug)
    types = {value: str(label) for value, label in ProgramType.choices}
    healths = {value: str(label) for value, label in Health.choices}
    names = dict(countries)
    yes, no = _("yes"), _("no")
    for row in rows:
        program = row.program
        code = program.country.code
        yield [
            program.name,
            f"{before}{program.slug}{after}",
            types.get(program.program_type, program.program_type),
            str(names.get(code, code)),
            program.lead_organization.name,
            row.stage_label,
            healths.get(program.health, program.health),
            program.planned_start.isoformat(),
            program.planned_end.isoformat(),
            "" if row.days_in_stage is None else row.days_in_stage,
            row.overdue_count,
            yes if row.past_planned_end else no,
            program.currency,
            row.forecast.quantize(CENT),
            row.spent.quantize(CENT),
            "" if row.percent_spent is None else row.percent_spent,
            program.fp_training_events,
            program.fp_training_participants,
            program.fp_last_training.isoformat() if program.fp_last_training else "",
            program.fp_devices,
            program.fp_devices_working,
            program.fp_devices_lost_or_broken,
            yes if program.instances_any else no,
            yes if program.instances_down else no,
            yes if program.instances_flagged else no,
            yes if program.instances_eol else no,
        ]


@login_required
@require_GET
def export_csv(request):
    """The filtered program list as CSV, streamed row by row (one query for all the rows)."""
    today = timezone.localdate()
    form = _filter_form(request)
    table = selectors.portfolio_table(
        user=request.user, filters=form.filters(), sort=_sort(request), today=today
    )
    writer = csv.writer(_Echo())
    rows = selectors.table_rows(table.iterator(chunk_size=500), today=today)
    response = StreamingHttpResponse(
        (
            writer.writerow([neutralize(cell) for cell in line])
            for line in _export_rows(request, rows)
        ),
        content_type="text/csv; charset=utf-8",
    )
    stamp = datetime.date.isoformat(today)
    response["Content-Disposition"] = f'attachment; filename="cht-portfolio-{stamp}.csv"'
    return response
