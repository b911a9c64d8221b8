"""A provider key in memory, as the vault hands it out. Plain Python: the provider adapters take
one, and they are imported before Django's apps are loaded (the logging filter reads the provider
registry)."""

from __future__ import annotations


class Secret:
    """A provider key in memory. Its repr and str never show the value, so a key that ends up in a
    log line, an exception or a traceback's locals shows as a mask."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__
