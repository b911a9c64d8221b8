"""Loopback emulator of the image providers' wire protocols (OpenAI Images, Black Forest Labs,
Google Gemini) for tests, demos and the benchmark. See README.md."""

from tests.emulator.config import EmulatorConfig
from tests.emulator.faults import FAULTS, FaultRule
from tests.emulator.schemas import Issue, assert_valid_request, validate_recorded, validate_request
from tests.emulator.server import Emulator

__all__ = [
    "FAULTS",
    "Emulator",
    "EmulatorConfig",
    "FaultRule",
    "Issue",
    "assert_valid_request",
    "validate_recorded",
    "validate_request",
]
