"""The default activities of each stage (from the CHT documentation's "Running CHT programs"), as editable templates."""

from django.db import migrations

ALL = ["accompanied", "technical_org_led", "research", "community_led"]
RESEARCH = ["research"]
NOT_TECH_LED = ["accompanied", "research", "community_led"]

HEAD = "program_head"
ADMIN = "program_admin"
SERVICE = "service_designer"
UX = "ux_designer"
DEV = "software_developer"
SYSADMIN = "system_admin"
SUPPORT = "technical_support"
RESEARCHER = "researcher"

# (stage, title, description, program types, required, suggested role)
TEMPLATES = [
    # 1. Initiation
    ("initiation", "Introductory meeting with the implementing partner", "", ALL, True, HEAD),
    ("initiation", "Problem statement written", "", ALL, True, HEAD),
    ("initiation", "Program type chosen", "Accompanied, technical-organization-led, research or community-led.", ALL, True, HEAD),
    ("initiation", "CHT capabilities presented to the partner", "", NOT_TECH_LED, False, SERVICE),
    ("initiation", "Scope, goal and use cases defined", "", ALL, True, HEAD),
    ("initiation", "Partner agreement or MoU signed", "", ALL, True, ADMIN),
    ("initiation", "Data-controller roles agreed", "Who controls the data, who processes it.", ALL, True, ADMIN),
    ("initiation", "Research question and study design drafted", "", RESEARCH, True, RESEARCHER),
    # 2. Planning
    ("planning", "Detailed workplan", "", ALL, True, ADMIN),
    ("planning", "Schedule agreed", "", ALL, True, HEAD),
    ("planning", "Budget forecast", "", ALL, True, ADMIN),
    ("planning", "Baseline data collection", "", ALL, True, ADMIN),
    ("planning", "User estimation", "How many CHWs, supervisors and other users.", ALL, False, ADMIN),
    ("planning", "Resource planning", "", ALL, True, HEAD),
    ("planning", "Hosting cost estimate", "", ALL, False, SYSADMIN),
    ("planning", "Skills inventory", "Who has the skills to build and sustain the program; the gaps.", ALL, False, ADMIN),
    ("planning", "Research protocol, consent forms and ethics application submitted", "", RESEARCH, True, RESEARCHER),
    # 3. Design
    ("design", "Design plan shared and reviewed", "", ALL, True, SERVICE),
    ("design", "Design field trip", "", ALL, False, SERVICE),
    ("design", "User personas defined", "e.g. CHW, CHW supervisor, nurse, data manager, regional manager.", ALL, True, UX),
    ("design", "Workflows prepared", "", ALL, True, SERVICE),
    ("design", "Program hierarchy defined", "", ALL, True, SERVICE),
    ("design", "User roles defined and personas mapped to the hierarchy", "", ALL, True, UX),
    ("design", "Human-centred design sessions with participants", "", RESEARCH, True, RESEARCHER),
    # 4. Building
    ("building", "Forms built", "", ALL, True, DEV),
    ("building", "Tasks configured", "", ALL, True, DEV),
    ("building", "Targets configured", "", ALL, False, DEV),
    ("building", "Debugging", "", ALL, False, DEV),
    ("building", "Workflows tested", "", ALL, True, DEV),
    ("building", "Privacy policy uploaded for each language", "", ALL, True, DEV),
    ("building", "Training app and training instance set up", "", ALL, True, DEV),
    # 5. Hosting
    ("hosting", "Hosting option chosen", "Cloud or on-premises; Docker or Kubernetes.", ALL, True, SYSADMIN),
    ("hosting", "Hosting requirements met", "", ALL, True, SYSADMIN),
    ("hosting", "Data migration", "", ALL, False, SYSADMIN),
    ("hosting", "Configuration and optimization", "", ALL, True, SYSADMIN),
    ("hosting", "Alerting set up", "", ALL, True, SYSADMIN),
    ("hosting", "Clean restart after a power failure verified", "", ALL, False, SYSADMIN),
    ("hosting", "3-2-1 backups and a tested restore", "", ALL, True, SYSADMIN),
    ("hosting", "Disaster recovery and scale plan", "", ALL, False, SYSADMIN),
    ("hosting", "Upgrade schedule, TLS and domain renewals planned", "", ALL, True, SYSADMIN),
    ("hosting", "Disk encryption and password handling (token login)", "", ALL, True, SYSADMIN),
    ("hosting", "Privacy of patient data reviewed", "", ALL, True, SYSADMIN),
    # 6. Implementation
    ("implementation", "Training plan", "About 1 facilitator per 10 trainees, at most 30 per class; the ministry invited to lead.", ALL, True, SUPPORT),
    ("implementation", "Logistics plan", "Phones charged, SIMs registered, airtime loaded.", ALL, True, SUPPORT),
    ("implementation", "Expenditure forecast and tracking", "", ALL, True, ADMIN),
    ("implementation", "Technical support training", "", ALL, True, SUPPORT),
    ("implementation", "Application installed; user, SIM and IMEI inventory with handover forms", "", ALL, True, SUPPORT),
    ("implementation", "End-user training with pre- and post-tests", "", ALL, True, SUPPORT),
    ("implementation", "Go-live: production accounts created, training app removed", "", ALL, True, SUPPORT),
    ("implementation", "Support structure explained and privacy briefing given", "", ALL, True, SUPPORT),
    # 7. Support
    ("support", "Updates managed", "", ALL, True, SUPPORT),
    ("support", "Dashboards built", "", ALL, False, DEV),
    ("support", "Monitoring and evaluation", "", ALL, True, ADMIN),
    ("support", "Impact measurement", "", ALL, True, ADMIN),
    ("support", "User-experience feedback collected", "", ALL, False, UX),
    ("support", "Device maintenance", "Updates, power banks, covers, replacements.", ALL, False, SUPPORT),
    ("support", "Study data analysed and findings shared", "", RESEARCH, True, RESEARCHER),
    # 8. Closeout
    ("closeout", "Budget tracking closed", "", ALL, True, ADMIN),
    ("closeout", "Scaling discussion", "Scale up, hand over, or end.", ALL, True, HEAD),
    ("closeout", "Report on impact and challenges", "", ALL, True, HEAD),
    ("closeout", "User feedback gathered before the next cycle", "", ALL, False, UX),
]


def seed(apps, schema_editor):
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    if ActivityTemplate.objects.exists():
        return
    ActivityTemplate.objects.bulk_create(
        ActivityTemplate(
            stage=stage,
            title=title,
            description=description,
            program_types=list(types),
            required=required,
            role=role,
            position=(index + 1) * 10,
        )
        for index, (stage, title, description, types, required, role) in enumerate(TEMPLATES)
    )


def unseed(apps, schema_editor):
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    ActivityTemplate.objects.filter(title__in=[row[1] for row in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_history_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
