"""The data version: a change counter, and the pages cached by it (the portfolio dashboard, the
program list, "My programs").

Every table of the apps in `settings.DATA_VERSION_APPS` (with their many-to-many tables)
carries a trigger that adds one to `DataVersion.number` in the writing transaction (on
PostgreSQL once, at its commit): a page, the API, an import, the admin, a bulk `update()` or raw
SQL alike. The counter becomes visible with the write's commit, never before, so a page
computed after reading number N holds at least every change counted in N: cached under a key
made of N (with the day, the reader's scope and the request), it is exact until the next write,
whose commit moves N on.

The triggers are (re)installed after every `migrate` (`install_triggers`, on `post_migrate`):
a new model's table gets one, and a table SQLite rebuilt in a migration gets its back.
`tests/core/test_data_version.py` checks that every watched table has one."""

import datetime
import hashlib
from collections.abc import Callable

from django.apps import apps as global_apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import get_language

TABLE = "core_dataversion"
FUNCTION = "data_version_bump"
SETTING = "data_version.moved"
#: How long a cached page is kept at most (a newer version replaces it long before, usually).
CACHE_SECONDS = 6 * 60 * 60


def watched_tables(apps=global_apps) -> list[str]:
    tables = set()
    for label in settings.DATA_VERSION_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return sorted(tables)


def _sqlite_trigger(table: str, event: str) -> str:
    return f"data_version_{table}_{event.lower()}"


def at_commit() -> bool:
    """PostgreSQL moves the counter at commit (the default) or at each write (the tests)."""
    return getattr(settings, "DATA_VERSION_AT_COMMIT", True)


def install_triggers(
    using: str = DEFAULT_DB_ALIAS, apps=global_apps, *, only_missing: bool = False
) -> int:
    """Put the counter's trigger on every watched table that exists (idempotent); how many
    tables carry it. `only_missing` leaves the tables that have it alone (after a migrate or a
    test database's flush, which keeps them)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return 0
    tables = [table for table in watched_tables(apps) if table in existing]
    carrying = len(tables)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The counter's row (a flush empties the table). Names from the models and constants,
        # never from input (hence the noqa: S608).
        row = f"INSERT INTO {TABLE} (id, number) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = 1)"  # noqa: E501, S608
        cursor.execute(row)
    if only_missing:
        tables = sorted(set(tables) - tables_with_trigger(using))
        if not tables:
            return carrying
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            bump = f"UPDATE {TABLE} SET number = number + 1 WHERE id = 1"  # noqa: S608
            if at_commit():
                # At commit (a deferred constraint trigger), once per transaction (a setting
                # local to it remembers): the counter's row is locked for the commit only, so
                # writers are not queued behind a long import, nor is a write that locked a
                # record first (`select_for_update`) left waiting for the counter while the
                # counter's holder waits for that record; and a bulk write moves it once.
                body = (
                    f"IF current_setting('{SETTING}', true) IS DISTINCT FROM 'on' THEN "
                    f"PERFORM set_config('{SETTING}', 'on', true); {bump}; END IF;"
                )
                kind, when = "CONSTRAINT TRIGGER", "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                events = "INSERT OR UPDATE OR DELETE"
            else:
                # The tests, whose transactions never commit: at each statement that writes.
                body = f"{bump};"
                kind, when = "TRIGGER", "FOR EACH STATEMENT"
                events = "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body} RETURN NULL; END $$"
            )
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {quote(table)}")
                cursor.execute(
                    f"CREATE {kind} {FUNCTION} AFTER {events} ON {quote(table)} {when} "
                    f"EXECUTE FUNCTION {FUNCTION}()"
                )
        elif connection.vendor == "sqlite":
            bump = f"UPDATE {TABLE} SET number = number + 1 WHERE id = 1"  # noqa: S608
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {quote(_sqlite_trigger(table, event))} "
                        f"AFTER {event} ON {quote(table)} BEGIN {bump}; END"
                    )
        else:
            return 0
    return carrying


def tables_with_trigger(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables that carry the counter's trigger (for every kind of write, on SQLite)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [FUNCTION],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        names = {(table, name) for table, name in cursor.fetchall()}
    return {
        table
        for table, _name in names
        if all((table, _sqlite_trigger(table, event)) in names
               for event in ("INSERT", "UPDATE", "DELETE"))
    }  # fmt: skip


def install_on_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    install_triggers(using=using, only_missing=True)


def data_version() -> int | None:
    """The counter as of now (1 query); None if its row is missing (nothing is cached then)."""
    from core.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()


def data_version_bump() -> None:
    """Move the counter on by hand: every cached page is then worked out anew."""
    from django.db.models import F

    from core.models import DataVersion

    DataVersion.objects.filter(pk=1).update(number=F("number") + 1)


def cached_page(request, name: str, *reader, compute: Callable[[datetime.date], object]) -> object:
    """A page's content, `compute(today)`, worked out once per data version and kept under the
    page's `name`, the day, the time zone, the language and the request's parameters, with
    `reader`: whatever else of the reader the content depends on (whose programs it shows, what
    it offers them), which the version does not count."""
    today = timezone.localdate()
    parts = (
        name,
        today,
        timezone.get_current_timezone_name(),
        get_language(),
        request.GET.urlencode(),
        *reader,
    )
    return cached(parts, lambda: compute(today))


def cached(parts: tuple, compute: Callable[[], object]) -> object:
    """`compute()`, kept under `parts` and the current version: computed once per version.

    `parts` must hold everything else the result depends on (the day, the reader's scope, the
    request's parameters, the language). The version is read before computing, so a write that
    commits meanwhile at worst leaves a newer result under the older key, which no later
    request asks for."""
    version = data_version()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr((version, *parts)).encode()).hexdigest()
    key = f"data_version:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
