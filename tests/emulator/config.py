"""Knobs of the emulator. Everything here can be changed at run time (`Emulator.configure`,
`POST /_emulator/config`), and `Emulator.reset()` restores the values it was started with."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EmulatorConfig:
    # Latency: a model's default (catalog.py, from PROVIDERS.md) times latency_scale, unless
    # latency_seconds fixes it for every model. latency_overrides = {model: seconds} wins over both.
    latency_scale: float = 1.0
    latency_seconds: float | None = None
    latency_overrides: dict[str, float] = field(default_factory=dict)

    # The emulator's "today" for model retirement (None: the real UTC date).
    today: dt.date | None = None

    # What the free model lists name (OpenAI GET /v1/models, Gemini models.list), in that order;
    # None: every model the emulator knows that is available on `today`. A known model left out
    # of a list is withdrawn: image requests for it answer 404 as for a retired one. A name the
    # emulator does not know is listed, and answers 404 like any unknown model.
    openai_models: list[str] | None = None
    gemini_models: list[str] | None = None

    # BFL account simulation.
    bfl_default_credits: float = 1000.0
    bfl_max_active_tasks: int = 24
    bfl_max_active_tasks_by_model: dict[str, int] = field(
        default_factory=lambda: {"flux-kontext-max": 6}
    )
    bfl_delivery_ttl: float = 600.0  # signed result URLs are valid 10 minutes
    bfl_task_ttl: float = 3600.0  # after about an hour a task id answers "Task not found"
    # FLUX.1-era endpoints may report cost only in the Ready result [T]; False follows that note.
    bfl_flux1_cost_on_submit: bool = False
    # Newer BFL statuses "Reasoning"/"Generating" [T] instead of plain "Pending" while running.
    bfl_extended_statuses: bool = False

    # fal.ai keeps a result an hour after it completes, six minutes when it is 10 KB or larger.
    fal_result_ttl: float = 3600.0
    fal_large_result_ttl: float = 360.0
    fal_large_result_bytes: int = 10_240
    # Gateways (HiAPI, APIMart): how long result URLs live (HiAPI's example: 7 days; APIMart's:
    # 24 h), a base URL to put results on instead of the emulator's CDN alias (e.g. a private or
    # metadata address, for the adapters' SSRF guard), and APIMart's `url` as a plain string
    # (True), a list (False) or either at random (None), as its two doc pages differ.
    gateway_result_ttl: float = 86400.0
    gateway_result_base: str | None = None
    apimart_url_as_string: bool | None = None

    # Simulated per-key request limits (None: report generous limits, never enforce).
    openai_rpm: int | None = None
    gemini_rpm: int | None = None

    # Defaults for faults that take a value.
    default_retry_after: float = 2.0
    slow_seconds: float = 5.0

    # Keep at most this many requests in the log: bodies are kept whole (references included),
    # and a long benchmark sends thousands.
    record_limit: int = 10_000

    def copy(self) -> EmulatorConfig:
        return dataclasses.replace(
            self,
            latency_overrides=dict(self.latency_overrides),
            bfl_max_active_tasks_by_model=dict(self.bfl_max_active_tasks_by_model),
            openai_models=None if self.openai_models is None else list(self.openai_models),
            gemini_models=None if self.gemini_models is None else list(self.gemini_models),
        )

    def update(self, **changes: Any) -> None:
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown emulator setting(s): {', '.join(sorted(unknown))}")
        for name, value in changes.items():
            if name == "today" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            ids = isinstance(value, list) and all(isinstance(v, str) for v in value)
            if name.endswith("_models") and value is not None and not ids:
                raise ValueError(f"{name} must be a list of model ids, or null")
            setattr(self, name, value)

    def effective_today(self) -> dt.date:
        return self.today or dt.datetime.now(dt.UTC).date()

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["today"] = self.effective_today().isoformat()
        return data
