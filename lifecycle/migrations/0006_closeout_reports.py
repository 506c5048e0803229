# Closeout reports: the PDF versions of a program and their e-mail deliveries.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import reports.models


class Migration(migrations.Migration):
    dependencies = [
        ("chtprograms", "0002_plan_and_evidence"),
        ("lifecycle", "0005_reminders"),  # after the reminders (committed first)
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CloseoutReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('rendering', 'Rendering'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=12, verbose_name='status')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                ('claim_token', models.CharField(blank=True, editable=False, help_text='The id of the task that claimed the rendering (its retries may resume it).', max_length=64, verbose_name='rendered by task')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='rendering started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('file', models.FileField(blank=True, max_length=300, upload_to=reports.models.closeout_report_upload_to, verbose_name='PDF file')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 checksum')),
                ('page_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='pages')),
                ('size_bytes', models.PositiveIntegerField(blank=True, null=True, verbose_name='size (bytes)')),
                ('error_message', models.TextField(blank=True, verbose_name='why it failed')),
                ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mailed at')),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closeout_reports', to='chtprograms.program', verbose_name='program')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'closeout report',
                'verbose_name_plural': 'closeout reports',
                'ordering': ['-version'],
            },
        ),
        migrations.CreateModel(
            name='CloseoutReportDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                ('claimed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='claimed at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('error', models.TextField(blank=True, verbose_name='last error')),
                ('recipient', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='lifecycle.closeoutreport')),
            ],
            options={
                'verbose_name': 'closeout report e-mail',
                'verbose_name_plural': 'closeout report e-mails',
                'ordering': ['report', 'email'],
            },
        ),
        migrations.AddConstraint(
            model_name="closeoutreport",
            constraint=models.UniqueConstraint(
                fields=("program", "version"), name="closeout_report_one_per_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="closeoutreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "rendering"])),
                fields=("program",),
                name="closeout_report_one_pending",
            ),
        ),
        migrations.AddConstraint(
            model_name="closeoutreportdelivery",
            constraint=models.UniqueConstraint(
                fields=("report", "email"), name="closeout_report_one_email_per_address"
            ),
        ),
    ]
