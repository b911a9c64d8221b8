"""Create (or refresh) the demo login and its team workspace for `make run`. Development only."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import create_team_workspace, ensure_personal_workspace
from personas.models import Persona

DEMO_EMAIL = "demo@avatarapp.local"
DEMO_TEAM = "Demo team"
# Something to generate with the built-in renderer straight away, no key needed.
DEMO_PERSONA = {
    "name": "Maya Costa",
    "age_range": "35-44",
    "gender": "woman",
    "location": "Lisbon, Portugal",
    "occupation": "Product manager",
    "industry": "fintech",
    "personality": "warm, analytical, curious",
    "goals": "Ship a budgeting app her parents can use.",
    "skin_tone": "medium brown",
    "hair_colour": "black",
    "hair_style": "curly bob",
    "eye_colour": "brown",
    "build": "slim",
    "wardrobe": "mustard cardigan over a white tee",
    "accessories": "round glasses, small gold hoops",
}


class Command(BaseCommand):
    help = "Create the demo user and workspace (DEBUG only) and print the login."

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
        with transaction.atomic():
            user_model = get_user_model()
            user = user_model.objects.filter(email=DEMO_EMAIL).first()
            if user is None:
                user = user_model.objects.create_user(username="demo", email=DEMO_EMAIL)
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=DEMO_EMAIL, defaults={"primary": True, "verified": True}
            )
            personal = ensure_personal_workspace(user).workspace
            team = Workspace.objects.filter(name=DEMO_TEAM, memberships__user=user).first()
            if team is None:
                team = create_team_workspace(user, DEMO_TEAM)
                Membership.objects.filter(workspace=team, user=user).update(role=Role.OWNER)
            # In both: the personal workspace is where a login lands first.
            for workspace in (personal, team):
                if not Persona.objects.filter(workspace=workspace).exists():
                    Persona.objects.create(workspace=workspace, created_by=user, **DEMO_PERSONA)
        self.stdout.write(f"Demo login: {DEMO_EMAIL} / {password}")
