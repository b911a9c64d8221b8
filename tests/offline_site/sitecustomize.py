"""Run by every Python process that has this folder on PYTHONPATH (tests/offline_plugin.py puts
it first for the test session and the processes it starts): installs the offline guard,
tests/offline.py, before the process imports anything else. Run from its file, because a child
need not have the repository on its path (scripts/run.py runs from scripts/)."""

import os
import runpy

if os.environ.get("AVATARAPP_OFFLINE_RECORD"):
    _tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runpy.run_path(os.path.join(_tests, "offline.py"))["install"]()
