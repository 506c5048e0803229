"""The go-live readiness criteria, on the hosting gate (the way into implementation).

What the CHT documentation's hosting, backup, monitoring, privacy-policy and training pages say
must be true before real health workers depend on the app. Each can be met, or waived with a
reason like any criterion. Imported once by `InstancesConfig.ready`; the facts they read are
registered as bulk facts too, so a scan over many programs loads each in one query."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle.gates import GateContext, register_bulk_fact, register_criterion
from lifecycle.stages import Stage

from ..models import Kind, release_support
from . import selectors
from .models import RESTORE_TEST_MAX_AGE, GoLiveReadiness


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _readiness(context: GateContext) -> GoLiveReadiness | None:
    return context.fact(
        "golive_readiness",
        lambda: selectors.readiness_by_program(program_ids=[context.program.pk]).get(
            context.program.pk
        ),
    )


def _instances(context: GateContext) -> list[selectors.InstanceFacts]:
    return context.fact(
        "golive_instances",
        lambda: selectors.instance_facts_by_program(program_ids=[context.program.pk]).get(
            context.program.pk, []
        ),
    )


def _production(context: GateContext) -> list[selectors.InstanceFacts]:
    return [item for item in _instances(context) if item.kind == Kind.PRODUCTION]


NOT_RECORDED = gettext_lazy("Go-live readiness not recorded yet")


# --- the checks -------------------------------------------------------------------------------


def instances_recorded(context: GateContext) -> tuple[bool, str]:
    instances = _instances(context)
    kinds = {item.kind for item in instances}
    missing = [
        str(label)
        for kind, label in (
            (Kind.TRAINING, Kind.TRAINING.label),
            (Kind.PRODUCTION, Kind.PRODUCTION.label),
        )
        if kind not in kinds
    ]
    if missing:
        return False, _("No instance of kind: %(kinds)s") % {"kinds": ", ".join(missing)}
    cutover = next((item.cutover_on for item in instances if item.cutover_on), None)
    if cutover is None:
        return False, _("No cut-over date on the training or production instance")
    return True, _("Cut-over on %(date)s") % {"date": _day(cutover)}


def training_app_removed(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None or readiness.training_app_removed_on is None:
        return False, _("No date recorded for removing the training app")
    return True, _("Removed on %(date)s") % {"date": _day(readiness.training_app_removed_on)}


def credentials_safe(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None or not readiness.credential_delivery:
        return False, _("Not recorded how credentials reach users")
    label = readiness.get_credential_delivery_display()
    if readiness.credential_delivery not in GoLiveReadiness.SAFE_CREDENTIALS:
        return False, _("%(way)s: use magic links or one-time passwords") % {"way": label}
    return True, label


def tls_and_domain_dates(context: GateContext) -> tuple[bool, str]:
    production = _production(context)
    if not production:
        return False, _("No production instance recorded")
    missing = []
    for item in production:
        if item.tls_expires_on is None and not item.tls_auto_renews:
            missing.append(_("%(host)s: TLS expiry") % {"host": item.host})
        if item.domain_renews_on is None:
            missing.append(_("%(host)s: domain renewal") % {"host": item.host})
    if missing:
        return False, _("Missing: %(items)s") % {"items": "; ".join(missing)}
    return True, _("Set for %(hosts)s") % {"hosts": ", ".join(item.host for item in production)}


def backups_tested(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None:
        return False, str(NOT_RECORDED)
    if not readiness.backups_3_2_1:
        return False, _("Backups do not follow 3-2-1 yet")
    if readiness.last_restore_tested_on is None:
        return False, _("No restore tested yet")
    if readiness.restore_test_outdated(timezone.localdate()):
        return False, _(
            "The last restore was tested on %(date)s, more than %(months)d months ago"
        ) % {
            "date": _day(readiness.last_restore_tested_on),
            "months": RESTORE_TEST_MAX_AGE.months,
        }
    return True, _("3-2-1, restore tested on %(date)s") % {
        "date": _day(readiness.last_restore_tested_on)
    }


def monitoring_set_up(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None:
        return False, str(NOT_RECORDED)
    missing = []
    if not readiness.monitoring_separate_server:
        missing.append(_("a separate server"))
    if not readiness.monitoring_alerts:
        missing.append(_("alerts"))
    if missing:
        return False, _("Missing: %(items)s") % {"items": ", ".join(missing)}
    return True, _("On a separate server, with alerts")


def privacy_policies(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None or not readiness.app_languages.strip():
        return False, _("The app's languages are not recorded")
    missing = readiness.missing_privacy_languages
    if missing:
        return False, _("No privacy policy in: %(languages)s") % {"languages": ", ".join(missing)}
    return True, _("Published in %(languages)s") % {"languages": readiness.app_languages}


def support_shared(context: GateContext) -> tuple[bool, str]:
    readiness = _readiness(context)
    if readiness is None or readiness.support_shared_on is None:
        return False, _("Not recorded when the support structure was shared")
    return True, _("Shared on %(date)s") % {"date": _day(readiness.support_shared_on)}


def version_supported(context: GateContext) -> tuple[bool, str]:
    polled = [item.version for item in _production(context) if item.version]
    readiness = _readiness(context)
    version = polled[0] if polled else (readiness.cht_version if readiness else "")
    if not version:
        return False, _("No CHT version known: poll the production instance or record it")
    releases = context.fact("cht_releases", selectors.release_table)
    support, release = release_support(version, releases, timezone.localdate())
    if support == "end_of_life":
        return False, _("%(version)s reached its end of life on %(date)s") % {
            "version": version,
            "date": _day(release.end_of_life),
        }
    if support == "unknown":
        return False, _("%(version)s is not in the CHT release table") % {"version": version}
    if support == "ending_soon":
        return True, _("%(version)s, supported until %(date)s (soon)") % {
            "version": version,
            "date": _day(release.end_of_life),
        }
    return True, _("%(version)s is supported") % {"version": version}


# --- registration -----------------------------------------------------------------------------


def readiness_url(program) -> str:
    return reverse("instances:golive", args=[program.slug])


def readiness_edit_url(program) -> str:
    return reverse("instances:golive-edit", args=[program.slug])


def instances_url(program) -> str:
    return reverse("instances:list", args=[program.slug])


#: (id suffix, label, check, where to fix it), in the order the gate and the page show them.
CRITERIA = (
    (
        "instances",
        gettext_lazy("Training and production instances recorded, with a cut-over date"),
        instances_recorded,
        instances_url,
    ),
    (
        "training_app_removed",
        gettext_lazy("Training app removed after training"),
        training_app_removed,
        readiness_edit_url,
    ),
    (
        "credentials",
        gettext_lazy("Credentials reach users by magic link or a one-time password"),
        credentials_safe,
        readiness_edit_url,
    ),
    (
        "tls_domain",
        gettext_lazy("TLS certificate expiry and domain renewal dates set"),
        tls_and_domain_dates,
        instances_url,
    ),
    (
        "backups",
        gettext_lazy("Backups follow 3-2-1, with a restore tested in the last 6 months"),
        backups_tested,
        readiness_edit_url,
    ),
    (
        "monitoring",
        gettext_lazy("Monitoring on a separate server, with alerts (CHT Watchdog)"),
        monitoring_set_up,
        readiness_edit_url,
    ),
    (
        "privacy_policy",
        gettext_lazy("A privacy policy published in every language the app uses"),
        privacy_policies,
        readiness_edit_url,
    ),
    (
        "support_structure",
        gettext_lazy("Support structure shared with users"),
        support_shared,
        readiness_edit_url,
    ),
    (
        "cht_version",
        gettext_lazy("The CHT version is supported"),
        version_supported,
        readiness_edit_url,
    ),
)

for _suffix, _label, _check, _url in CRITERIA:
    register_criterion(
        stage=Stage.HOSTING,
        id=f"{selectors.CRITERION_PREFIX}{_suffix}",
        label=_label,
        check=_check,
        fix_url=_url,
    )

register_bulk_fact(
    "golive_readiness",
    stages=[Stage.HOSTING],
    load=lambda program_ids: selectors.readiness_by_program(program_ids=program_ids),
)
register_bulk_fact(
    "golive_instances",
    stages=[Stage.HOSTING],
    load=lambda program_ids: selectors.instance_facts_by_program(program_ids=program_ids),
    default=[],
)


def _releases_for(program_ids: list[int]) -> dict[int, list]:
    table = selectors.release_table()
    return dict.fromkeys(program_ids, table)


register_bulk_fact("cht_releases", stages=[Stage.HOSTING], load=_releases_for, default=[])
