""" "Program type chosen" is no longer a default activity: the type is a required field of the
program, chosen before the program exists, so the activity could only ever be ticked as a chore.

The template is made inactive (kept, like every template, for the activities made from it), and
the activities made from it that are still to do stop counting at the gate."""

from django.db import migrations

TITLE = "Program type chosen"


def forwards(apps, schema_editor):
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    StageActivity = apps.get_model("lifecycle", "StageActivity")
    templates = ActivityTemplate.objects.filter(stage="initiation", title=TITLE)
    StageActivity.objects.filter(template__in=templates, status__in=["todo", "in_progress"]).update(
        required=False
    )
    templates.update(active=False, required=False)


def backwards(apps, schema_editor):
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    ActivityTemplate.objects.filter(stage="initiation", title=TITLE).update(
        active=True, required=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0009_french_activity_titles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
