"""Grow a seeded PostgreSQL database to N times its programs, in SQL: every program is copied
with everything that belongs to it (its lifecycle, history, activities, plan, budget,
indicators, measurements, team…), so the copies have the same shape as `seed_demo`'s programs.
Far faster than seeding N times more programs through the services (`make bench` uses it for
the 10,000-program database).

    DATABASE_URL=postgres://… python bench/replicate.py --times 10

A model belongs to the programs when a required foreign key leads from it to a program (or to a
model that belongs to them). Copy k of a row has the primary key + k × OFFSET, and so do its
references to rows that are copied; names and short names of programs get a suffix (they are
unique), unique text a suffix too, unique UUIDs new values."""

import argparse
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402

from chtprograms.models import Program  # noqa: E402

OFFSET = 100_000_000


def program_owned_models() -> list[type[models.Model]]:
    owned = {Program}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in owned or model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if field.many_to_one or field.one_to_one:
                    if field.related_model in owned and not field.null:
                        owned.add(model)
                        changed = True
                        break
    return sorted(owned, key=lambda model: model._meta.db_table)


def column_expression(model, field, owned, copy: int) -> str:
    column = connection.ops.quote_name(field.column)
    shift = copy * OFFSET
    if field.primary_key and not field.is_relation:
        return f"{column} + {shift}"
    if field.is_relation and field.related_model in owned:
        return f"{column} + {shift}"
    if model is Program and field.name == "name":
        return f"{column} || ' ({copy + 1})'"
    if field.unique and not field.is_relation:
        if isinstance(field, models.UUIDField):
            return "gen_random_uuid()"
        if isinstance(field, models.CharField):
            suffix = f"-{copy + 1}"
            return f"left({column}, {field.max_length - len(suffix)}) || '{suffix}'"
    return column


def replicate(times: int) -> None:
    owned = program_owned_models()
    if Program.objects.filter(pk__gte=OFFSET).exists():
        sys.exit("This database holds copies already.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in owned:
            table = connection.ops.quote_name(model._meta.db_table)
            fields = model._meta.concrete_fields
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            for copy in range(1, times):
                select = ", ".join(column_expression(model, f, owned, copy) for f in fields)
                pk = connection.ops.quote_name(model._meta.pk.column)
                # Names from the models' metadata, no input.
                insert = f"INSERT INTO {table} ({columns}) SELECT {select} FROM {table} "  # noqa: S608
                cursor.execute(f"{insert} WHERE {pk} < {OFFSET}")
            print(f"{model._meta.label}: ×{times}", flush=True)
        for model in owned:
            table, pk = model._meta.db_table, model._meta.pk.column
            quoted = connection.ops.quote_name
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
                f"(SELECT max({quoted(pk)}) FROM {quoted(table)}))",
                [table, pk],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=10)
    replicate(parser.parse_args().times)
