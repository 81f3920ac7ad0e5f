"""Write many new rows to PostgreSQL with COPY, ids allocated up front, for seed_demo.

COPY streams rows without building an INSERT statement per batch, which is where `bulk_create` spends most of its
time on large populations. Ids come from each table's own sequence before the rows are written, so that rows
pointing at each other (a card at its latest log, a log at its card) can be written in any order: Django's foreign
keys on PostgreSQL are checked at commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from psycopg import sql


def give_ids(objects: Sequence[models.Model]) -> None:
    """Set the primary key of every object (all of one model, none saved yet) from its table's sequence."""
    if not objects:
        return
    meta = type(objects[0])._meta
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk


def copy_rows(objects: Sequence[models.Model]) -> None:
    """COPY the objects (all of one model, each with its id) into their table, with the values `bulk_create` would
    write: a foreign key from its object when only that was set, `auto_now` times, JSON as JSON text."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = list(meta.concrete_fields)
    values = [_reader(field) for field in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([value(obj) for value in values])


def _reader(field: models.Field) -> Callable[[models.Model], Any]:
    """How one column's value is read from an object: plain values go to psycopg as they are."""
    attname = field.attname
    if field.is_relation:

        def related_id(obj):
            pk = getattr(obj, attname)
            if pk is None and field.is_cached(obj) and (parent := field.get_cached_value(obj)) is not None:
                pk = parent.pk  # assigned before the parent had its id, as bulk_create allows
            return pk

        return related_id
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def as_json(obj):
            value = getattr(obj, attname)
            return None if value is None else json.dumps(value, cls=encoder)

        return as_json
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    return lambda obj: getattr(obj, attname)
