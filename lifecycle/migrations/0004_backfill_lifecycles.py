"""Programs created before the lifecycle existed start at initiation, with a stage plan and the
activities of their type (new programs get theirs from `lifecycle_create`)."""

import datetime

from django.db import migrations
from django.utils import timezone

STAGES = [
    "initiation",
    "planning",
    "design",
    "building",
    "hosting",
    "implementation",
    "support",
    "closeout",
]
WEIGHTS = [1, 2, 2, 3, 1, 2, 8, 1]  # as lifecycle.services.STAGE_WEIGHTS when written


def _plan(start, end):
    total_days = max((end - start).days + 1, 1)
    total_weight = sum(WEIGHTS)
    cumulative = 0
    stage_start = start
    for stage, weight in zip(STAGES, WEIGHTS, strict=True):
        cumulative += weight
        boundary = start + datetime.timedelta(days=round(total_days * cumulative / total_weight))
        stage_end = max(boundary - datetime.timedelta(days=1), stage_start)
        if stage == STAGES[-1]:
            stage_end = max(end, stage_start)
        yield stage, stage_start, stage_end
        stage_start = stage_end + datetime.timedelta(days=1)


def backfill(apps, schema_editor):
    Program = apps.get_model("chtprograms", "Program")
    Lifecycle = apps.get_model("lifecycle", "Lifecycle")
    StagePlan = apps.get_model("lifecycle", "StagePlan")
    StageActivity = apps.get_model("lifecycle", "StageActivity")
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    Membership = apps.get_model("personas", "Membership")
    templates = list(ActivityTemplate.objects.filter(active=True).order_by("position", "id"))
    today = timezone.localdate()
    for program in Program.objects.filter(lifecycle__isnull=True).order_by("pk"):
        lifecycle = Lifecycle.objects.create(program=program, stage="initiation")
        due = {}
        for stage, start, end in _plan(program.planned_start, program.planned_end):
            StagePlan.objects.create(
                lifecycle=lifecycle, stage=stage, planned_start=start, planned_end=end
            )
            due[stage] = end
        holders = {}
        for membership in Membership.objects.filter(program=program, since__lte=today).order_by(
            "role", "pk"
        ):
            if membership.until is None or membership.until > today:
                holders.setdefault(membership.role, membership.user_id)
        StageActivity.objects.bulk_create(
            StageActivity(
                program=program,
                template=template,
                stage=template.stage,
                title=template.title,
                description=template.description,
                required=template.required,
                role=template.role,
                assignee_id=holders.get(template.role),
                due_on=due[template.stage],
                position=position,
            )
            for position, template in enumerate(
                (t for t in templates if program.program_type in t.program_types), start=1
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0003_seed_activity_templates"),
        ("personas", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
