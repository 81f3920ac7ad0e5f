"""Tallies kept by the database itself: triggers written once in PL/pgSQL for PostgreSQL and once as SQLite's
statement lists, installed and removed by a migration on whichever of the two databases it runs."""

from __future__ import annotations

from dataclasses import dataclass


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
