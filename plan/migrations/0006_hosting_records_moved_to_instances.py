"""The hosting page's production-instance record is gone: its rows became CHT instances
(instances 0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0005_indicators_follow_cht_impact"),
        ("instances", "0003_instances_from_hosting_records"),
    ]

    operations = [
        migrations.DeleteModel(name="HostingInstance"),
    ]
