"""Load the emulator's fixtures for these tests, unless the root conftest already registered them
(pytest refuses `pytest_plugins` outside the root conftest)."""

from __future__ import annotations

import pytest

PLUGIN = "tests.emulator.pytest_plugin"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
