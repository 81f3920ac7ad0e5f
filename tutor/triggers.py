"""Tallies kept by the database itself: triggers written once in PL/pgSQL for PostgreSQL and once as SQLite's
statement lists, installed and removed by a migration on whichever of the two databases it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pgtrigger
from django.db import connection, transaction
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Triggers:
    """One tally's triggers on both databases: PostgreSQL's as one script, SQLite's as one statement each."""

    what: str
    postgresql_install: str
    postgresql_remove: str
    sqlite_install: list[str]
    sqlite_remove: list[str]

    def install(self, schema_editor) -> None:
        """Create the triggers (a migration's forward step)."""
        for statement in self.statements(schema_editor.connection.vendor, install=True):
            schema_editor.execute(statement)

    def remove(self, schema_editor) -> None:
        """Drop the triggers (a migration's backward step)."""
        for statement in self.statements(schema_editor.connection.vendor, install=False):
            schema_editor.execute(statement)

    def statements(self, vendor: str, *, install: bool) -> list[str]:
        if vendor == "postgresql":
            return [self.postgresql_install if install else self.postgresql_remove]
        if vendor == "sqlite":
            return self.sqlite_install if install else self.sqlite_remove
        raise NotImplementedError(f"{self.what} have triggers for PostgreSQL and SQLite, not {vendor}.")


def replace_tally_rows(*, table: str, stale: QuerySet, fresh: Callable[[], list[Model]]) -> int:
    """Replace a tally's `stale` rows with `fresh` ones counted from the data, in one transaction; returns the rows
    written. On PostgreSQL the table is locked against writes first, so a write made meanwhile waits and is then
    counted once, on top of the recount."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        stale.delete()
        rows = fresh()
        stale.model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@contextmanager
def triggers_ignored(*triggers: str) -> Iterator[None]:
    """Within the block, the named row triggers (`app.Model:name`) let rows through: `pgtrigger.ignore`, which
    prefixes each statement with a setting of its own, so that the statement sent is two. PostgreSQL runs two
    statements in one call only over the simple protocol: here the connection sends its parameters in the text
    (client-side binding) rather than bound on the server, as it does everywhere else so that its statements can be
    prepared (see settings)."""
    if connection.vendor != "postgresql":
        with pgtrigger.ignore(*triggers):
            yield
        return
    from django.db.backends.postgresql.base import Cursor  # client-side binding; psycopg is there on PostgreSQL

    connection.ensure_connection()
    driver = connection.connection
    previous = driver.cursor_factory
    driver.cursor_factory = Cursor
    try:
        with pgtrigger.ignore(*triggers):
            yield
    finally:
        driver.cursor_factory = previous
