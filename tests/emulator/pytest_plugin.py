"""pytest fixtures for the provider emulator.

Register with `pytest_plugins = ["tests.emulator.pytest_plugin"]` in the root conftest.

- `provider_emulator` (session): one emulator on free ports in background threads, with zero
  latency by default (AVATARAPP_EMULATOR_LATENCY_SCALE overrides). It has the base URLs
  (`openai_base_url`, `bfl_base_url`, `bfl_eu_base_url`, `bfl_us_base_url`, `gemini_base_url`,
  `openrouter_base_url`, `admin_url`) and the control methods (`configure`, `add_fault`,
  `set_credits`, `requests`, `count`, `submit_count`, `reset`...).
- `emulator` (function): the same object, reset before the test (requests, faults, credits,
  tasks and configuration back to the session's starting values).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.emulator.config import EmulatorConfig
from tests.emulator.server import Emulator


@pytest.fixture(scope="session")
def provider_emulator() -> Iterator[Emulator]:
    scale = float(os.environ.get("AVATARAPP_EMULATOR_LATENCY_SCALE", "0"))
    emulator = Emulator("127.0.0.1", 0, EmulatorConfig(latency_scale=scale)).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def emulator(provider_emulator: Emulator) -> Emulator:
    provider_emulator.reset()
    return provider_emulator
