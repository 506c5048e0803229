"""The production instance's domain and certificate dates move from the hosting page's record
(`plan.HostingInstance`) to the program's CHT instances: each record becomes (or completes) the
program's production instance at https://<domain>; the record's table goes in the next plan
migration."""

from django.db import migrations, models

import core.validators


def _base_url(domain: str) -> str:
    domain = (domain or "").strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    return f"https://{domain.rstrip('/')}"


def move(apps, schema_editor):
    HostingInstance = apps.get_model("plan", "HostingInstance")
    Instance = apps.get_model("instances", "Instance")
    records = list(HostingInstance.objects.order_by("pk"))
    by_url = {i.base_url: i for i in Instance.objects.filter(
        base_url__in=[_base_url(r.domain) for r in records]
    )}  # fmt: skip
    for record in records:
        url = _base_url(record.domain)
        instance = by_url.get(url)
        if instance is None:
            instance = by_url[url] = Instance.objects.create(
                program_id=record.program_id,
                kind="production",
                base_url=url,
                domain_renews_on=record.domain_renews_on,
                tls_expires_on=record.tls_expires_on,
                tls_auto_renews=record.tls_auto_renews,
            )
            continue
        if instance.program_id != record.program_id:
            # The same server recorded by two programs: the second one is served by it.
            instance.shared_with.add(record.program_id)
            continue
        instance.domain_renews_on = instance.domain_renews_on or record.domain_renews_on
        instance.tls_expires_on = instance.tls_expires_on or record.tls_expires_on
        instance.tls_auto_renews = instance.tls_auto_renews or record.tls_auto_renews
        instance.save(update_fields=["domain_renews_on", "tls_expires_on", "tls_auto_renews"])


class Migration(migrations.Migration):
    dependencies = [
        ("instances", "0002_seed_cht_releases"),
        ("plan", "0005_indicators_follow_cht_impact"),
    ]

    operations = [
        migrations.AlterField(
            model_name="instance",
            name="domain_renews_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_date_in_range],
                verbose_name="domain renewal date",
            ),
        ),
        migrations.AlterField(
            model_name="instance",
            name="tls_expires_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_date_in_range],
                verbose_name="TLS certificate expires on",
            ),
        ),
        migrations.RunPython(move, migrations.RunPython.noop),
    ]
