"""Rebuild the portfolio's summary from the records: the days each program spent in the stages
it has left (`lifecycle.StageStay`, from the histories) and each indicator's status (from its
figures and latest measurement). The services keep them current with each write; run this
after writing records by other means (a bulk import, a restored backup) or to check them. It
also puts back the data version's triggers and moves it on (`core.data_version`), so every
cached page is worked out anew."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.data_version import data_version_bump, install_triggers
from lifecycle.services import stage_stays_rebuild
from plan.indicators.services import indicator_statuses_rebuild


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        with transaction.atomic():
            stays = stage_stays_rebuild()
            statuses = indicator_statuses_rebuild()
            tables = install_triggers()
            data_version_bump()
        self.stdout.write(
            f"{stays} stage stays written; {statuses} indicator statuses changed; "
            f"the data version's trigger on {tables} tables."
        )
