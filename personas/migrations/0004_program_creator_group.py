from django.conf import settings
from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=settings.PROGRAM_CREATOR_GROUP)


class Migration(migrations.Migration):
    """The group whose members may start programs (besides site staff and program heads)."""

    dependencies = [("personas", "0003_profile"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
