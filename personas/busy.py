"""Whether a persona is in use by work that a higher layer runs (generation's images in progress).

Personas sit below generation and never import it. Generation says how to tell at start-up
(`GenerationConfig.ready` calls `register`); deleting or moving a persona asks `persona_is_busy`
and is refused while any registered check says yes, so no running job loses its persona mid-way.
"""

from __future__ import annotations

from collections.abc import Callable

from personas.models import Persona

BusyCheck = Callable[[Persona], bool]

_checks: list[BusyCheck] = []


def register(check: BusyCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def persona_is_busy(persona: Persona) -> bool:
    return any(check(persona) for check in _checks)
