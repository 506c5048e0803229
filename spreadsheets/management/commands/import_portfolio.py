"""`python manage.py import_portfolio portfolio.xlsx --as head@example.org [--dry-run]`: the
portfolio import of the /portfolio/import/ page, for operators. It prints the same preview as
the page (per sheet: each row's fate, its changes or errors, and the counts); with --dry-run it
writes nothing; without it, it writes only when every row of every sheet is valid, as the
person given with --as (who must be allowed to create programs), and fails with the errors
otherwise."""

import contextlib
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from personas.selectors import person_by_email
from spreadsheets import portfolio_import as portfolio
from spreadsheets.files import FileRefused, read_sheets
from spreadsheets.sheets import CHANGE, CREATE, SAME


class Command(BaseCommand):
    help = "Import programs, their teams and budget lines from a portfolio workbook (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The workbook: the template of /portfolio/import/.")
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="The e-mail address of the person importing (allowed to create programs).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the preview and write nothing."
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._import(**options)

    def _import(self, *, path, email, dry_run, **options):
        user = person_by_email(email=email)
        if user is None:
            raise CommandError(_("No one has the address “%(email)s”.") % {"email": email})
        if not user.has_perm(portfolio.PERMISSION):
            raise CommandError(
                _("%(email)s may not create programs, so may not import them.") % {"email": email}
            )
        try:
            with Path(path).open("rb") as file:
                workbook = read_sheets(
                    File(file, name=Path(path).name),
                    sheets={
                        sheet.key: (sheet.title(), sheet.english_title())
                        for sheet in portfolio.SHEETS
                    },
                )
        except OSError as error:
            raise CommandError(str(error)) from error
        except FileRefused as refused:
            raise CommandError(refused.message) from refused
        if dry_run:
            planned = portfolio.plan_portfolio(user=user, workbook=workbook)
        else:
            with _author(user):
                planned = portfolio.portfolio_import_apply(user=user, workbook=workbook)
        self.stdout.write("\n".join(preview_lines(planned)))
        if not planned.valid:
            raise CommandError(_("Nothing was saved: correct the rows above and run it again."))
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(
                _("Saved: %(create)s row(s) added, %(change)s changed, %(same)s left as they were.")
                % planned.counts
            )


def preview_lines(planned) -> list[str]:
    """The preview as text: per sheet, its counts and each row's fate."""
    lines = []
    for plan in planned.plans:
        lines.append(
            _(
                "%(sheet)s: %(create)s to add, %(change)s to change, %(same)s left as they are, "
                "%(error)s with errors."
            )
            % {"sheet": plan.sheet.title(), **plan.counts}
        )
        lines.extend(f"  {error}" for error in plan.file_errors)
        for row in plan.rows:
            if row.action == CREATE:
                fate = _("added")
            elif row.action == CHANGE:
                fate = _("changed: %(columns)s") % {"columns": ", ".join(row.changes)}
            elif row.action == SAME:
                fate = _("left as it is")
            else:
                fate = _("not imported — %(errors)s") % {"errors": "; ".join(row.errors)}
            lines.append(_("  row %(row)s: %(fate)s") % {"row": row.number, "fate": fate})
            lines.extend(f"    {note}" for note in row.notes)
    return lines


@contextlib.contextmanager
def _author(user):
    """The trail takes the author of a change from the request; a command has none, so the
    person given with --as stands in for it."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user, path=None)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous
