"""manage.py render_style_examples: make the built-in styles' example pictures again, after a
style or the built-in renderer changed (see personas.style_examples). Commit what it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from personas.style_examples import render_all, source_folder


class Command(BaseCommand):
    help = "Render one example picture per built-in style into static/img/styles/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, help="Write here instead of static/img/styles/."
        )

    def handle(self, *args: Any, out: Path | None = None, **options: Any) -> None:
        for path in render_all(out or source_folder()):
            self.stdout.write(f"{path.name}: {path.stat().st_size:,} bytes")
