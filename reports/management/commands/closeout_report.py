"""`python manage.py closeout_report <slug> --output report.pdf`: the closeout report of a
program, rendered synchronously (for operators and for checks). It is the same PDF the worker
makes, but it is neither stored as a version nor e-mailed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chtprograms.models import Program
from reports import render as reports


class Command(BaseCommand):
    help = "Render a program's closeout report to a PDF file, synchronously."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The program's short name (as in its web address).")
        parser.add_argument(
            "--output",
            "-o",
            default=None,
            help="Where to write the PDF (default: closeout-report-<slug>.pdf).",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            help="Stop after this many seconds (default: CLOSEOUT_REPORT_TIME_LIMIT).",
        )

    def handle(self, *args, slug, output, time_limit, **options):
        program = (
            Program.objects.select_related("lead_organization", "lifecycle")
            .filter(slug=slug)
            .first()
        )
        if program is None:
            raise CommandError(_("No program with the short name “%(slug)s”.") % {"slug": slug})
        path = Path(output or f"closeout-report-{program.slug}.pdf")
        try:
            rendered = reports.render_report(program=program, time_limit_seconds=time_limit)
        except reports.RenderError as error:
            raise CommandError(str(error)) from error
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.pdf)
        self.stdout.write(
            _("%(path)s: %(pages)d pages, %(size)d bytes, SHA-256 %(sha)s, %(seconds).1f s")
            % {
                "path": path,
                "pages": rendered.page_count,
                "size": len(rendered.pdf),
                "sha": rendered.sha256,
                "seconds": rendered.seconds,
            }
        )
