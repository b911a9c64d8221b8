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

Only for querysets that yield model instances and whose parameters are compared as plain values
of one model field each (declared, so a value is adapted for the database as Django would).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=models.Model)


def _marker(field: models.Field[Any, Any]) -> Any:
    """A value of `field`'s type that no real row holds and no constant in a query equals."""
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.IntegerField | models.AutoField):
        return -(uuid.uuid4().int % 10**12) - 10**12
    raise TypeError(f"no marker for a {type(field).__name__}; add one here")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, list[int]]  # parameter name -> positions in params
    compiler: Any  # the SQLCompiler that made sql: its select, converters, klass_info
    init_list: list[str]
    fields_slice: slice
    related_populators: list[Any]


class PreparedQuery(Generic[M]):
    """`build(**values)` returns the queryset; `params` names each value's model field. Run it
    with `.all(**values)` or `.first(**values)` (put any ordering and slicing in `build`)."""

    def __init__(
        self, build: Callable[..., models.QuerySet[M]], **params: models.Field[Any, Any]
    ) -> None:
        self._build = build
        self._fields = {name: getattr(f, "target_field", f) for name, f in params.items()}
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        markers = {name: _marker(field) for name, field in self._fields.items()}
        compiler = self._build(**markers).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {}
        for name, marker in markers.items():
            adapted = self._fields[name].get_db_prep_value(marker, connection)
            slots[name] = [i for i, value in enumerate(params) if value == adapted]
            if not slots[name]:
                raise ValueError(f"the query does not use its parameter {name!r}")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            init_list=[column[0].target.attname for column in select[start:end]],
            fields_slice=slice(start, end),
            related_populators=get_related_populators(klass_info, select, alias),
        )

    def _prepared(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        return compiled

    def all(self, *, using: str = "default", **values: Any) -> list[M]:
        if values.keys() != self._fields.keys():
            raise TypeError(f"expected the values {sorted(self._fields)}, got {sorted(values)}")
        compiled = self._prepared(using)
        connection = connections[using]
        params = list(compiled.params)
        for name, value in values.items():
            adapted = self._fields[name].get_db_prep_value(value, connection)
            for position in compiled.slots[name]:
                params[position] = adapted
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        model = compiler.klass_info["model"]
        found = []
        for row in compiler.results_iter([rows]):
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
