"""Create (or refresh) the demo login with its personas, a finished batch and a team workspace
for `make run` (generation/demo.py). Development only."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from generation import demo


class Command(BaseCommand):
    help = "Create the demo user, personas and a batch (DEBUG only) and print the login."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo makes a known login; it runs only with DEBUG=True.")
        # The password is made once per machine and kept in the ignored var/ folder, so none is
        # committed and the printed login stays the same from run to run.
        password_file = Path(settings.VAR_DIR) / "demo-password.txt"
        if not password_file.exists():
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(secrets.token_urlsafe(12))
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        seeded = demo.seed(password)
        if seeded.personas:
            self.stdout.write(f"Demo personas made: {seeded.personas}.")
        if seeded.portraits:
            self.stdout.write(f"Demo batch drawn: {seeded.portraits} portraits.")
        self.stdout.write(f"Demo login: {demo.EMAIL} / {password}")
