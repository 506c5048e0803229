"""Activity templates in French: the seeded templates' titles and descriptions, and the
activities already copied from them (only where the English title is still the template's)."""

import django.core.validators
from django.db import migrations, models


# English title → (French title, French description or "")
FRENCH = {
    "Introductory meeting with the implementing partner": (
        "Réunion d'introduction avec le partenaire de mise en œuvre",
        "",
    ),
    "Problem statement written": ("Énoncé du problème rédigé", ""),
    "Program type chosen": (
        "Type de programme choisi",
        "Accompagné, dirigé par une organisation technique, de recherche ou communautaire.",
    ),
    "CHT capabilities presented to the partner": ("Capacités du CHT présentées au partenaire", ""),
    "Scope, goal and use cases defined": ("Périmètre, objectif et cas d'usage définis", ""),
    "Partner agreement or MoU signed": ("Accord de partenariat ou protocole d'accord signé", ""),
    "Data-controller roles agreed": (
        "Rôles de responsable du traitement convenus",
        "Qui est responsable des données, qui les traite.",
    ),
    "Research question and study design drafted": (
        "Question de recherche et protocole d'étude rédigés",
        "",
    ),
    "Detailed workplan": ("Plan de travail détaillé", ""),
    "Schedule agreed": ("Calendrier convenu", ""),
    "Budget forecast": ("Prévisions budgétaires", ""),
    "Baseline data collection": ("Collecte des données de référence", ""),
    "User estimation": (
        "Estimation du nombre d'utilisateurs",
        "Combien d'ASC, de superviseurs et d'autres utilisateurs.",
    ),
    "Resource planning": ("Planification des ressources", ""),
    "Hosting cost estimate": ("Estimation du coût d'hébergement", ""),
    "Skills inventory": (
        "Inventaire des compétences",
        "Qui a les compétences pour construire et pérenniser le programme ; les lacunes.",
    ),
    "Research protocol, consent forms and ethics application submitted": (
        "Protocole de recherche, formulaires de consentement et demande d'avis éthique soumis",
        "",
    ),
    "Design plan shared and reviewed": ("Plan de conception partagé et revu", ""),
    "Design field trip": ("Mission de terrain de conception", ""),
    "User personas defined": (
        "Personas des utilisateurs définis",
        "p. ex. ASC, superviseur d'ASC, infirmier, gestionnaire de données, responsable régional.",
    ),
    "Workflows prepared": ("Flux de travail préparés", ""),
    "Program hierarchy defined": ("Hiérarchie du programme définie", ""),
    "User roles defined and personas mapped to the hierarchy": (
        "Rôles des utilisateurs définis et personas rattachés à la hiérarchie",
        "",
    ),
    "Human-centred design sessions with participants": (
        "Séances de conception centrée sur l'humain avec les participants",
        "",
    ),
    "Forms built": ("Formulaires construits", ""),
    "Tasks configured": ("Tâches configurées", ""),
    "Targets configured": ("Objectifs configurés", ""),
    "Debugging": ("Débogage", ""),
    "Workflows tested": ("Flux de travail testés", ""),
    "Privacy policy uploaded for each language": (
        "Politique de confidentialité téléversée pour chaque langue",
        "",
    ),
    "Training app and training instance set up": (
        "Application et instance de formation mises en place",
        "",
    ),
    "Hosting option chosen": (
        "Option d'hébergement choisie",
        "Cloud ou sur site ; Docker ou Kubernetes.",
    ),
    "Hosting requirements met": ("Exigences d'hébergement satisfaites", ""),
    "Data migration": ("Migration des données", ""),
    "Configuration and optimization": ("Configuration et optimisation", ""),
    "Alerting set up": ("Alertes mises en place", ""),
    "Clean restart after a power failure verified": (
        "Redémarrage propre après une coupure de courant vérifié",
        "",
    ),
    "3-2-1 backups and a tested restore": ("Sauvegardes 3-2-1 et restauration testée", ""),
    "Disaster recovery and scale plan": (
        "Plan de reprise après sinistre et de montée en charge",
        "",
    ),
    "Upgrade schedule, TLS and domain renewals planned": (
        "Calendrier des mises à jour, renouvellements TLS et du nom de domaine planifiés",
        "",
    ),
    "Disk encryption and password handling (token login)": (
        "Chiffrement des disques et gestion des mots de passe (connexion par jeton)",
        "",
    ),
    "Privacy of patient data reviewed": ("Confidentialité des données des patients examinée", ""),
    "Training plan": (
        "Plan de formation",
        "Environ 1 formateur pour 10 participants, 30 au plus par session ; le ministère invité à la conduire.",
    ),
    "Logistics plan": (
        "Plan logistique",
        "Téléphones chargés, cartes SIM enregistrées, crédit de communication chargé.",
    ),
    "Expenditure forecast and tracking": ("Prévision et suivi des dépenses", ""),
    "Technical support training": ("Formation du support technique", ""),
    "Application installed; user, SIM and IMEI inventory with handover forms": (
        "Application installée ; inventaire des utilisateurs, SIM et IMEI avec fiches de remise",
        "",
    ),
    "End-user training with pre- and post-tests": (
        "Formation des utilisateurs finaux avec pré-tests et post-tests",
        "",
    ),
    "Go-live: production accounts created, training app removed": (
        "Mise en service : comptes de production créés, application de formation retirée",
        "",
    ),
    "Support structure explained and privacy briefing given": (
        "Structure de support expliquée et séance d'information sur la confidentialité donnée",
        "",
    ),
    "Updates managed": ("Mises à jour gérées", ""),
    "Dashboards built": ("Tableaux de bord construits", ""),
    "Monitoring and evaluation": ("Suivi et évaluation", ""),
    "Impact measurement": ("Mesure de l'impact", ""),
    "User-experience feedback collected": (
        "Retours sur l'expérience des utilisateurs recueillis",
        "",
    ),
    "Device maintenance": (
        "Maintenance des appareils",
        "Mises à jour, batteries externes, housses, remplacements.",
    ),
    "Study data analysed and findings shared": (
        "Données de l'étude analysées et résultats partagés",
        "",
    ),
    "Budget tracking closed": ("Suivi budgétaire clôturé", ""),
    "Scaling discussion": (
        "Discussion sur le passage à l'échelle",
        "Étendre, transférer ou arrêter.",
    ),
    "Report on impact and challenges": ("Rapport sur l'impact et les difficultés", ""),
    "User feedback gathered before the next cycle": (
        "Retours des utilisateurs recueillis avant le prochain cycle",
        "",
    ),
}


def fill(apps, schema_editor):
    ActivityTemplate = apps.get_model("lifecycle", "ActivityTemplate")
    StageActivity = apps.get_model("lifecycle", "StageActivity")
    for template in ActivityTemplate.objects.filter(title__in=list(FRENCH), title_fr=""):
        title, description = FRENCH[template.title]
        template.title_fr = title
        if template.description and description:
            template.description_fr = description
        template.save(update_fields=["title_fr", "description_fr"])
    for template in ActivityTemplate.objects.exclude(title_fr=""):
        StageActivity.objects.filter(template=template, title=template.title, title_fr="").update(
            title_fr=template.title_fr
        )
        if template.description_fr:
            StageActivity.objects.filter(
                template=template, description=template.description, description_fr=""
            ).update(description_fr=template.description_fr)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0008_bounded_text_and_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="activitytemplate",
            name="description_fr",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description in French",
            ),
        ),
        migrations.AddField(
            model_name="activitytemplate",
            name="title_fr",
            field=models.CharField(
                blank=True,
                help_text="Shown to people who read the app in French; empty: the English title.",
                max_length=300,
                verbose_name="title in French",
            ),
        ),
        migrations.AddField(
            model_name="stageactivity",
            name="description_fr",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="description in French",
            ),
        ),
        migrations.AddField(
            model_name="stageactivity",
            name="title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title in French"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
