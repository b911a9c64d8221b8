"""Querysets the worker runs for every image, compiled to SQL once per process.

Django turns a queryset into SQL on every evaluation. For the few reads the worker makes for
each image that costs more CPU than running them: the image with its job and two subqueries took
2.8 ms to compile and 0.35 ms to execute and read, the creator's key 2 ms against 0.3 (make bench
measures the worker's CPU per image; these were a sixth of it). Their shape never changes, only
the values they filter on, so a `PreparedQuery` compiles its queryset once per database with a
marker value for each parameter, remembers where the markers landed in the SQL's parameters,
and from then on only swaps in the caller's values, executes, and builds instances with the
compiler Django made the first time (the same converters, select_related and annotations as
the queryset's own iteration).

`PreparedUpdate` does the same for an UPDATE (generation.image_states moves an image's row
with one, several times per image). Parameters are values of one model field each, declared so
that a value is adapted for the database as Django adapts it; anything else in the queryset
(constants, None, F() expressions) is part of its fixed shape.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django.db import connections, models, transaction
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=models.Model)


def _marker(field: models.Field[Any, Any], connection: Any = None) -> Any:
    """A random value of `field`'s type, unlikely to equal a constant of the query (and
    _Parameters.compile checks that none did)."""
    token = uuid.uuid4()
    if isinstance(field, models.UUIDField):
        return token
    if isinstance(field, models.IntegerField | models.AutoField):
        # Within the column's range: Django drops a comparison with a value outside it.
        low, high = (
            connection.ops.integer_field_range(field.get_internal_type())
            if connection is not None
            else (None, None)
        )
        low, high = max(low or 0, 1000), min(high or 10**9, 10**9)
        return low + token.int % (high - low)
    if isinstance(field, models.DateTimeField):
        return datetime(1901, 1, 1, tzinfo=UTC) + timedelta(microseconds=token.int % 10**15)
    if isinstance(field, models.DateField):
        return date(1000, 1, 1) + timedelta(days=token.int % 300_000)
    if isinstance(field, models.DecimalField):  # fits any precision a money column has
        return Decimal(token.int % 999_999 + 1).scaleb(-6)
    if isinstance(field, models.JSONField):
        return {"prepared-query-marker": token.hex}
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return f"prepared-query-marker-{token.hex}"
    raise TypeError(f"no marker for a {type(field).__name__}; add one here")


# The fields _marker has a value for.
MARKED_FIELDS = (
    models.UUIDField,
    models.IntegerField,
    models.AutoField,
    models.DateTimeField,
    models.DateField,
    models.DecimalField,
    models.JSONField,
    models.CharField,
    models.TextField,
    models.FileField,
)


def has_marker(field: models.Field[Any, Any]) -> bool:
    """Whether values of `field` can be parameters (the others are part of a query's shape)."""
    return isinstance(getattr(field, "target_field", field), MARKED_FIELDS)


def _adapted(field: models.Field[Any, Any], value: Any, connection: Any) -> Any:
    """`value` as Django hands it to the database driver for `field` (a JSON value comes wrapped
    on PostgreSQL; its `obj` is the value)."""
    return field.get_db_prep_save(value, connection)


def _same(param: Any, adapted_marker: Any) -> bool:
    if hasattr(adapted_marker, "obj"):  # psycopg's Json/Jsonb wrapper
        return getattr(param, "obj", None) == adapted_marker.obj
    return bool(param == adapted_marker)


class _Parameters:
    """The declared parameters of a prepared statement: markers to compile it with, and where
    each one's value goes in the compiled statement's parameters."""

    def __init__(self, fields: dict[str, models.Field[Any, Any]]) -> None:
        self.fields = {name: getattr(f, "target_field", f) for name, f in fields.items()}

    def markers(self, connection: Any) -> dict[str, Any]:
        return {name: _marker(field, connection) for name, field in self.fields.items()}

    def compile(
        self, compile_with: Callable[[dict[str, Any]], tuple[str, Any]], connection: Any
    ) -> tuple[str, tuple[Any, ...], dict[str, list[int]]]:
        """`compile_with(markers)` gives (sql, params). Compiled with two sets of markers: a
        parameter's positions are where each set put its marker, and they must agree (a marker
        equal to a constant of the query by chance, or a value Django folds into the SQL, would
        show as a difference)."""
        first, second = self.markers(connection), self.markers(connection)
        sql, params = compile_with(first)
        sql_again, params_again = compile_with(second)
        slots = self._find(params, first, connection)
        if sql_again != sql or self._find(params_again, second, connection) != slots:
            raise ValueError("the query's SQL depends on its parameters' values")
        return sql, tuple(params), slots

    def _find(self, params: Any, markers: dict[str, Any], connection: Any) -> dict[str, list[int]]:
        slots = {}
        for name, marker in markers.items():
            adapted = _adapted(self.fields[name], marker, connection)
            slots[name] = [i for i, value in enumerate(params) if _same(value, adapted)]
            if not slots[name]:
                raise ValueError(f"the query does not use its parameter {name!r}")
        return slots

    def fill(
        self,
        params: tuple[Any, ...],
        slots: dict[str, list[int]],
        values: dict[str, Any],
        connection: Any,
    ) -> list[Any]:
        if values.keys() != self.fields.keys():
            raise TypeError(f"expected the values {sorted(self.fields)}, got {sorted(values)}")
        filled = list(params)
        for name, value in values.items():
            adapted = _adapted(self.fields[name], value, connection)
            for position in slots[name]:
                filled[position] = adapted
        return filled


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, list[int]]  # parameter name -> positions in params
    compiler: Any  # the SQLCompiler that made sql: its select, klass_info, annotations
    converters: dict[int, Any]
    init_list: list[str]
    fields_slice: slice
    related_populators: list[Any]


class _PerDatabase(Generic[M]):
    """Something compiled once per database alias, on first use."""

    def __init__(self) -> None:
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> Any:
        raise NotImplementedError

    def _prepared(self, alias: str) -> Any:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        return compiled


class PreparedQuery(_PerDatabase[M]):
    """`build(**values)` returns the queryset; `params` names each value's model field. Run it
    with `.all(**values)` or `.first(**values)` (put any ordering and slicing in `build`)."""

    def __init__(
        self, build: Callable[..., models.QuerySet[M]], **params: models.Field[Any, Any]
    ) -> None:
        super().__init__()
        self._build = build
        self._params = _Parameters(params)

    def _compile(self, alias: str) -> _Compiled:
        compilers = []

        def compile_with(markers: dict[str, Any]) -> tuple[str, Any]:
            compilers.append(self._build(**markers).query.get_compiler(using=alias))
            return compilers[-1].as_sql()

        sql, params, slots = self._params.compile(compile_with, connections[alias])
        compiler = compilers[0]
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([column[0] for column in select]),
            init_list=[column[0].target.attname for column in select[start:end]],
            fields_slice=slice(start, end),
            related_populators=get_related_populators(klass_info, select, alias),
        )

    def all(self, *, using: str = "default", **values: Any) -> list[M]:
        compiled: _Compiled = self._prepared(using)
        connection = connections[using]
        params = self._params.fill(compiled.params, compiled.slots, values, connection)
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        if compiled.converters:
            rows = list(compiler.apply_converters(rows, compiled.converters))
        model = compiler.klass_info["model"]
        found = []
        for row in rows:
            instance = model.from_db(using, compiled.init_list, row[compiled.fields_slice])
            for populator in compiled.related_populators:
                populator.populate(row, instance)
            for attribute, position in compiler.annotation_col_map.items():
                setattr(instance, attribute, row[position])
            found.append(instance)
        return found

    def first(self, *, using: str = "default", **values: Any) -> M | None:
        found = self.all(using=using, **values)
        return found[0] if found else None


@dataclass(frozen=True)
class _CompiledUpdate:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, list[int]]


class PreparedUpdate(_PerDatabase[M]):
    """`build(**values)` returns the queryset to update and the values to set (as
    `QuerySet.update` takes them); `.run(**values)` returns the number of rows updated. Only
    for an UPDATE of the queryset's own table filtered on its own columns."""

    def __init__(
        self,
        build: Callable[..., tuple[models.QuerySet[M], dict[str, Any]]],
        **params: models.Field[Any, Any],
    ) -> None:
        super().__init__()
        self._build = build
        self._params = _Parameters(params)

    def _compile(self, alias: str) -> _CompiledUpdate:
        def compile_with(markers: dict[str, Any]) -> tuple[str, Any]:
            queryset, changes = self._build(**markers)
            query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
            query.add_update_values(changes)
            query.get_initial_alias()
            if query.related_updates or query.count_active_tables() > 1:
                raise ValueError("a prepared UPDATE must touch and filter on its own table only")
            return query.get_compiler(using=alias).as_sql()

        return _CompiledUpdate(*self._params.compile(compile_with, connections[alias]))

    def run(self, *, using: str = "default", **values: Any) -> int:
        compiled: _CompiledUpdate = self._prepared(using)
        connection = connections[using]
        params = self._params.fill(compiled.params, compiled.slots, values, connection)
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return int(cursor.rowcount)
