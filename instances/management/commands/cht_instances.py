"""Operators' command for CHT instances.

python manage.py cht_instances add <program-slug> <base-url> [--kind production]
python manage.py cht_instances poll [--program SLUG]     # polls now, one line per instance
python manage.py cht_instances show <program-slug> --json
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chtprograms.models import Program
from instances import selectors, services
from instances.models import Instance, Kind


class Command(BaseCommand):
    help = "Add, poll and show the CHT instances of programs."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="Add an instance to a program.")
        add.add_argument("program")
        add.add_argument("base_url")
        add.add_argument("--kind", choices=Kind.values, default=Kind.PRODUCTION)
        add.add_argument("--label", default="")
        poll = commands.add_parser("poll", help="Poll instances now (one line per instance).")
        poll.add_argument("--program", help="Only this program's instances.")
        show = commands.add_parser("show", help="A program's instances and latest snapshots.")
        show.add_argument("program")
        show.add_argument("--json", action="store_true", help="As JSON.")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _program(self, slug: str) -> Program:
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program with the short name {slug!r}.")
        return program

    def _add(self, *, program, base_url, kind, label, **_options):
        program = self._program(program)
        try:
            instance = services.instance_create(
                program=program, base_url=base_url, kind=kind, label=label
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Added {instance.base_url} ({instance.kind}) to {program.slug}.")

    def _poll(self, *, program=None, **_options):
        instances = Instance.objects.select_related("program").order_by("program__slug", "pk")
        if program:
            instances = instances.filter(program=self._program(program))
        count = 0
        for instance in instances:
            snapshot = services.instance_poll(instance_id=instance.pk)
            count += 1
            flags = ",".join(code for code, _detail in snapshot.flags) or "-"
            line = (
                f"{instance.program.slug}\t{instance.base_url}\t{snapshot.status}\t"
                f"{snapshot.app_version or '-'}\t"
                f"{snapshot.latency_ms if snapshot.latency_ms is not None else '-'} ms\t"
                f"flags: {flags}"
            )
            if snapshot.error:
                line += f"\t{snapshot.error}"
            self.stdout.write(line)
        if not count:
            self.stdout.write("No instance to poll.")

    def _show(self, *, program, json=False, **_options):
        program = self._program(program)
        rows = []
        for view in selectors.instance_page(program=program):
            instance = view.instance
            rows.append(
                {
                    "base_url": instance.base_url,
                    "kind": instance.kind,
                    "label": instance.label,
                    "managed_by": instance.program.slug,
                    "support": view.support,
                    "end_of_life": view.release.end_of_life.isoformat()
                    if view.release and view.release.end_of_life
                    else None,
                    "uptime_7d": view.week.uptime,
                    "uptime_30d": view.month.uptime,
                    "engagement_7d": view.engagement_7d,
                    "engagement_30d": view.engagement_30d,
                    "flags": [
                        {
                            "code": flag.code,
                            "detail": flag.detail,
                            "raised_at": flag.raised_at.isoformat(),
                        }
                        for flag in view.flags
                    ],
                    "latest_snapshot": selectors.latest_snapshot_json(instance=instance),
                }
            )
        if json:
            self.stdout.write(_dumps({"program": program.slug, "instances": rows}))
            return
        for row in rows:
            snapshot = row["latest_snapshot"] or {}
            self.stdout.write(
                f"{row['base_url']}\t{row['kind']}\t{snapshot.get('status', 'not polled')}\t"
                f"{snapshot.get('app_version') or '-'}\t{row['support']}\t"
                f"flags: {','.join(f['code'] for f in row['flags']) or '-'}"
            )


def _dumps(data) -> str:
    return json.dumps(data, indent=2, default=str)
