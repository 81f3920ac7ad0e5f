"""Queries of the study loop built with the ORM once and run as plain SQL afterwards.

On the study page and the answer, building a queryset and compiling it to SQL costs more than the database takes to
run it (about 1 ms against 0.2 ms for the card read of a learner), and reading dates costs more than reading numbers.
A `PreparedQuery` is compiled on its first use on each database and then only executed; `EpochMicroseconds` reads a
date and time as an exact whole number of microseconds since 1970, which both databases compute and the driver reads
without building a datetime.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, NotSupportedError, connections
from django.db.models import BigIntegerField, Func, Lookup, Model, QuerySet
from django.db.models.fetch_modes import FETCH_ONE
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECONDS_PER_DAY = 86_400_000_000


def microseconds_since_epoch(moment: dt.datetime) -> int:
    """A moment as whole microseconds since 1970 (UTC), exactly as `EpochMicroseconds` reads it from the database."""
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


def moment_of(microseconds: int) -> dt.datetime:
    """The moment (UTC) of a count of microseconds since 1970."""
    return EPOCH + dt.timedelta(microseconds=microseconds)


class EpochMicroseconds(Func):
    """A date-and-time column as whole microseconds since 1970, exact on PostgreSQL (for the years 1834 to 2106) and
    SQLite (NULL stays NULL)."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"EpochMicroseconds is written for PostgreSQL and SQLite, not {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        # date_part gives the seconds as a double: the stored microseconds divided by a million, rounded once; times a
        # million and rounded to the nearest whole number, that is the stored count exactly for every moment from
        # 1834 to 2106 (both roundings together stay under half a microsecond there; after 2106 it may be one
        # microsecond out). It costs half what EXTRACT's exact numeric does: a card read converts four per card.
        template = "(date_part('epoch', %(expressions)s) * 1000000)::bigint"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: the whole seconds from strftime, given the seconds
        # alone (it rounds a fraction up), then the six digits. The percent sign is doubled twice: once for this
        # template, once for the query's parameters.
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s, 21, 6) AS INTEGER))"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


# The whole numbers a 64-bit column holds. A value beyond them (an id of 30 digits in an address) matches no row of an
# id or a count, as the ORM answers it; sent to the database, it would be an error.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class MatchesNothing(Exception):
    """A value no row can equal: the query is not run."""


# Stand-ins passed to the builder in place of the real values, then found among the compiled query's parameters.
_STAND_IN_BASE = -918_273_645


class PreparedQuery:
    """A queryset whose SQL is compiled once per database and then run with new values.

    `build` makes the queryset from keyword values; it is called once per database with stand-ins (numbers, text
    for the names in `text`, a list of one number for the names in `lists`), and each value must reach the SQL as a
    query parameter (an id or a slug in a filter, a list of ids through `OneOf`), never as literal text. `rows` runs
    the SQL and returns the rows as the database driver gives them (PostgreSQL's in its binary format, which the
    driver reads faster than digits): use it for numbers and text only (SQLite gives dates as text and booleans as 0
    and 1). `objects` returns model instances through `Manager.raw`, with Django's own conversions of the model's
    fields; extra selected columns come as the driver gives them. `instances` returns what the queryset itself
    would, `select_related` objects included: the rows go through the compiler kept from the first compilation,
    which converts each column as the ORM does, and through Django's own populators.

    Values are compared for equality (an id, a slug, or a list through `OneOf`): a whole number beyond what a 64-bit
    column holds gives no rows without running the query.
    """

    def __init__(
        self, build: Callable[..., QuerySet], *names: str, text: tuple[str, ...] = (), lists: tuple[str, ...] = ()
    ) -> None:
        self.build = build
        self.names = names
        self.text = text
        self.lists = lists
        self._compiled: dict[str, tuple[str, list[Any], list[tuple[int, str]], type[Model]]] = {}
        self._compilers: dict[str, SQLCompiler] = {}
        self._lock = threading.Lock()

    def compiled(self, using: str = "default") -> tuple[str, list[Any], list[tuple[int, str]], type[Model]]:
        """(SQL, parameters, [(position, name) of each value], model) for one database, compiled at the first call."""
        found = self._compiled.get(using)
        if found is None:
            with self._lock:
                found = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = found
        return found

    def _compile(self, using: str) -> tuple[str, list[Any], list[tuple[int, str]], type[Model]]:
        stand_ins: dict[str, Any] = {
            name: f"stand-in-{-_STAND_IN_BASE + index}" if name in self.text else _STAND_IN_BASE - index
            for index, name in enumerate(self.names)
        }
        # A list reaches the SQL through `OneOf`, as one parameter encoded for the database.
        vendor = connections[using].vendor
        passed = {name: [v] if name in self.lists else v for name, v in stand_ins.items()}
        sent = {name: OneOf.encoded(v, vendor) if name in self.lists else v for name, v in passed.items()}
        queryset = self.build(**passed)
        compiler = queryset.query.get_compiler(using=using)
        # Compiling fills in what reading the rows back needs (the columns, the related models' places in them).
        sql, params = compiler.as_sql()
        # Kept only for a queryset of model instances (not of values), the one kind `instances` can give.
        if issubclass(queryset._iterable_class, ModelIterable):
            self._compilers[using] = compiler
        params = list(params)
        slots = [(position, name) for position, p in enumerate(params) for name, v in sent.items() if p == v]
        missing = set(self.names) - {name for _, name in slots}
        if missing or any(str(v) in sql for v in stand_ins.values()):
            raise ValueError(f"These values do not reach the SQL as parameters: {sorted(missing) or self.names}.")
        return sql, params, slots, queryset.model

    def _parameters(self, using: str, values: dict[str, Any]) -> tuple[str, list[Any], type[Model]]:
        if set(values) != set(self.names):
            raise TypeError(f"Give exactly these values: {', '.join(self.names)}.")
        if any(isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX for value in values.values()):
            raise MatchesNothing
        sql, params, slots, model = self.compiled(using)
        params = list(params)
        vendor = connections[using].vendor if self.lists else ""
        for position, name in slots:
            params[position] = OneOf.encoded(values[name], vendor) if name in self.lists else values[name]
        return sql, params, model

    def rows(self, *, using: str = "default", **values: Any) -> list[tuple]:
        try:
            sql, params, _ = self._parameters(using, values)
        except MatchesNothing:
            return []
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                read_in_binary(cursor)
            cursor.execute(sql, params)
            return cursor.fetchall()

    def objects(self, *, using: str = "default", **values: Any) -> list[Model]:
        try:
            sql, params, model = self._parameters(using, values)
        except MatchesNothing:
            return []
        return list(model._default_manager.db_manager(using).raw(sql, params))

    def instances(self, *, using: str = "default", **values: Any) -> list[Model]:
        """The queryset's model instances (as iterating it gives them, the related objects of `select_related`
        filled in and annotations set), built from the SQL compiled once: building and compiling a queryset costs
        more than the database takes to find one row by its key."""
        try:
            sql, params, _ = self._parameters(using, values)
        except MatchesNothing:
            return []
        compiler = self._compilers.get(using)
        if compiler is None:
            raise TypeError("instances() needs a queryset of model instances, not values.")
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using, FETCH_ONE)
        model = klass_info["model"]
        found = []
        for row in compiler.results_iter([rows]):
            instance = model.from_db(using, attnames, row[start:end], fetch_mode=FETCH_ONE)
            for populator in populators:
                populator.populate(row, instance)
            for name, position in compiler.annotation_col_map.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def read_in_binary(cursor) -> None:
    """Have PostgreSQL send the cursor's next rows in its binary format. Numbers, booleans and text arrive as the
    same Python values as in text, read without parsing digits: a card read of 200 rows takes a third less CPU, a
    cohort's 500 answer tallies a quarter less. (`rows` gives numbers and text only; see `PreparedQuery`.)"""
    from psycopg.pq import Format

    cursor.cursor.format = Format.BINARY


class OneOf(Lookup):
    """`column` is one of many ids (or texts, such as slugs), sent as one parameter: `= ANY(%s)` with an array on
    PostgreSQL, rather than `IN (%s, %s, …)` with one parameter per id, which the driver must split and send one by
    one (for a 500-learner cohort, several milliseconds per query); on SQLite, `IN` over the values sent as one JSON
    array. One parameter whatever the number of values, so a `PreparedQuery` can take the list as a value. Use it in
    `filter()` as an expression: `filter(OneOf(F("learner_id"), ids))`."""

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs) -> None:
        values = list(rhs)
        self.texts = any(isinstance(value, str) for value in values)
        super().__init__(lhs, [str(value) for value in values] if self.texts else [int(value) for value in values])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        parameter = self.encoded(self.rhs, connection.vendor)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{'text' if self.texts else 'bigint'}[])", [*lhs_params, parameter]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, parameter]

    @staticmethod
    def encoded(values, vendor: str) -> str:
        """The values as the one parameter the database takes: an array literal on PostgreSQL (written here: the
        driver adapts a list of 500 ids element by element), JSON text elsewhere. Texts are quoted in both."""
        values = list(values)
        if any(isinstance(value, str) for value in values):
            if vendor != "postgresql":
                return json.dumps([str(value) for value in values])
            quoted = ('"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
            return "{" + ",".join(quoted) + "}"
        ids = ",".join(str(int(value)) for value in values)
        return f"{{{ids}}}" if vendor == "postgresql" else f"[{ids}]"


class PreparedInsert:
    """One row of a model written by an INSERT whose SQL is written once per database, the model's own conversion of
    each field kept: what `save(force_insert=True)` sends, without building and compiling a query for every answer
    (half of what such a save costs). Like `bulk_create`, it sends no `pre_save` or `post_save` signal: use it only for
    a model no receiver listens to (`tests/study/test_prepared.py` checks the ones used here)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
        self._sql: dict[str, str] = {}

    def sql(self, using: str = "default") -> str:
        found = self._sql.get(using)
        if found is None:
            connection = connections[using]
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            places = ", ".join(["%s"] * len(self.fields))
            found = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({places})"
            if connection.features.can_return_columns_from_insert:
                found += f" RETURNING {quote(self.model._meta.pk.column)}"
            self._sql[using] = found
        return found

    def insert(self, instance: Model, *, using: str = "default") -> Model:
        """Write the new instance and give it its id, as saving it would."""
        connection = connections[using]
        params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(using), params)
            instance.pk = (
                cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
            )
        instance._state.adding, instance._state.db = False, using
        return instance


class PreparedUpdate:
    """Some fields of one row written by an UPDATE whose SQL is written once per database: what
    `save(update_fields=…)` sends, with the same conversion of each field, without building a query each time. It
    sends no signal (see `PreparedInsert`) and, as that save does, refuses to pass silently over a missing row."""

    def __init__(self, model: type[Model], field_names: list[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in field_names]
        self._sql: dict[str, str] = {}

    def sql(self, using: str = "default") -> str:
        found = self._sql.get(using)
        if found is None:
            quote = connections[using].ops.quote_name
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in self.fields)
            table, key = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
            found = self._sql[using] = f"UPDATE {table} SET {assignments} WHERE {key} = %s"
        return found

    def update(self, instance: Model, *, using: str = "default") -> None:
        connection = connections[using]
        params = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(using), [*params, instance.pk])
            if cursor.rowcount != 1:
                raise DatabaseError(f"{self.model.__name__} {instance.pk} was not there to update.")
