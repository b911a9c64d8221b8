"""The vault is the only door to a plain key: it refuses revoked keys, records use, and decides who
may use which key in a job."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from avatarapp.keys import services, vault
from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from catalog import Provider
from generation.provider_keys.verdicts import note_refusal
from generation.providers.base import KeyStatus
from tests.conftest import World
from tests.keys.factories import google_key, openai_key, outsider_membership, store_key

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("avatarapp", "generation", "personas")


def _decrypt_calls() -> dict[str, int]:
    """Every call of something named `decrypt` in the application code, by file."""
    found: dict[str, int] = {}
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "decrypt":
                    rel = str(path.relative_to(ROOT))
                    found[rel] = found.get(rel, 0) + 1
    return found


def test_only_the_vault_decrypts() -> None:
    # crypto.py holds the AES-GCM call itself; vault.open_key is the one caller of crypto.decrypt.
    assert _decrypt_calls() == {"avatarapp/keys/crypto.py": 1, "avatarapp/keys/vault.py": 1}


def test_a_secret_never_shows_in_repr(world: World) -> None:
    plain = openai_key()
    key = store_key(world.membership("owner"), plain)
    secret = vault.open_key(key, purpose=vault.Purpose.CHECK)
    assert plain not in repr(secret)
    assert plain not in str(secret)
    assert plain not in repr(key)
    assert plain not in str(key)
    assert secret.reveal() == plain


def test_a_revoked_key_refuses_to_decrypt_with_a_clear_message(world: World) -> None:
    key = store_key(world.membership("owner"), label="Old team key")
    services.key_revoke(key=key, actor=world.admin)
    with pytest.raises(vault.KeyRevokedError) as caught:
        vault.open_key(key, purpose=vault.Purpose.JOB)
    today = timezone.now().strftime("%Y-%m-%d")
    assert str(caught.value) == (
        f"The key “Old team key” was revoked on {today}; choose another key."
    )
    with pytest.raises(vault.KeyRevokedError):
        vault.secret_for_job(key.pk, world.membership("editor"))


def test_usable_keys_are_workspace_keys_and_your_own_personal_keys(world: World) -> None:
    team = store_key(world.membership("admin"), label="Team")
    bobs = store_key(world.membership("editor"), label="Bob's", personal=True)
    alices = store_key(world.membership("owner"), label="Alice's", personal=True)
    store_key(world.membership("admin"), label="Revoked", status=Status.REVOKED)
    google = store_key(
        world.membership("admin"), google_key(), provider=Provider.GOOGLE, label="Gemini"
    )
    store_key(outsider_membership(world), label="Elsewhere")

    def usable(role: str, provider: str | None = Provider.OPENAI) -> set[str]:
        return {k.label for k in vault.usable_keys(world.membership(role), provider)}

    assert usable("editor") == {team.label, bobs.label}
    assert usable("owner") == {team.label, alices.label}
    assert usable("admin") == {team.label}
    assert usable("viewer") == set()  # viewers run no jobs
    assert usable("admin", None) == {team.label, google.label}


def test_secret_for_job_rechecks_who_may_use_the_key(world: World) -> None:
    bobs = store_key(world.membership("editor"), label="Bob's", personal=True)
    with pytest.raises(vault.KeyNotUsableError, match="no longer available to you"):
        vault.secret_for_job(bobs.pk, world.membership("owner"))
    with pytest.raises(vault.KeyNotUsableError):
        vault.secret_for_job(bobs.pk, world.membership("viewer"))
    foreign = store_key(outsider_membership(world), label="Charlie's")
    with pytest.raises(vault.KeyNotUsableError):
        vault.secret_for_job(foreign.pk, world.membership("editor"))
    key, secret = vault.secret_for_job(bobs.pk, world.membership("editor"))
    assert key.pk == bobs.pk
    assert secret.reveal().startswith("sk-")


def test_a_workers_one_statement_open_answers_as_secret_for_job_does(world: World) -> None:
    """secret_for_member (the worker's usual case) opens exactly the keys secret_for_job would,
    and gives up (None) where secret_for_job would refuse, so the refusal keeps its words."""
    bobs = store_key(world.membership("editor"), label="Bob's", personal=True)
    team = store_key(world.membership("admin"), label="Team")
    revoked = store_key(world.membership("admin"), label="Revoked", status=Status.REVOKED)
    foreign = store_key(outsider_membership(world), label="Charlie's")

    def opened(key: ProviderKey, role: str) -> bool:
        found = vault.secret_for_member(
            key.pk, workspace_id=world.team.pk, user_id=world.user(role).pk, detail="Image 1"
        )
        return found is not None and found[1].reveal().startswith("sk-")

    assert opened(bobs, "editor")
    assert opened(team, "editor")
    assert opened(team, "owner")
    assert not opened(bobs, "owner")  # another member's personal key
    assert not opened(team, "viewer")  # viewers run no jobs
    assert not opened(revoked, "editor")
    assert not opened(foreign, "editor")
    world.membership("editor").delete()  # the creator left the workspace
    assert not opened(team, "editor")
    event = KeyEvent.objects.get(key=team, action=KeyEvent.Action.USED)
    assert (event.actor, event.detail) == (world.editor, "Image 1")


def test_a_job_records_the_use_at_most_once_per_interval(world: World) -> None:
    key = store_key(world.membership("admin"))
    editor = world.membership("editor")
    for _ in range(3):
        vault.secret_for_job(key.pk, editor, detail="Job 7, image 2")
    key.refresh_from_db()
    assert key.last_used_at is not None
    used = KeyEvent.objects.filter(key=key, action=KeyEvent.Action.USED)
    assert used.count() == 1
    event = used.get()
    assert event.actor == world.editor
    assert event.detail == "Job 7, image 2"

    ProviderKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now() - vault.USE_RECORD_INTERVAL - timedelta(seconds=1)
    )
    vault.secret_for_job(key.pk, editor)
    assert used.count() == 2


def test_a_check_does_not_count_as_use(world: World) -> None:
    key = store_key(world.membership("admin"))
    vault.open_key(key, purpose=vault.Purpose.CHECK)
    key.refresh_from_db()
    assert key.last_used_at is None
    assert not KeyEvent.objects.filter(action=KeyEvent.Action.USED).exists()


def test_a_refusal_seen_by_a_job_updates_the_status(world: World) -> None:
    key = store_key(world.membership("admin"))
    note_refusal(key, KeyStatus.RESTRICTED, "Your organization must be verified to use the model.")
    key.refresh_from_db()
    assert key.status == Status.RESTRICTED
    assert key.check_message == "Your organization must be verified to use the model."
    event = KeyEvent.objects.get(key=key, action=KeyEvent.Action.CHECKED)
    assert event.detail.startswith("A job was refused: Valid, restricted.")


def test_forget_personal_keys_erases_only_that_members_keys(world: World) -> None:
    mine = store_key(world.membership("editor"), label="Mine", personal=True)
    team = store_key(world.membership("admin"), label="Team")
    assert services.key_forget_personal(membership=world.membership("editor")) == 1
    assert not ProviderKey.objects.filter(pk=mine.pk).exists()
    assert ProviderKey.objects.filter(pk=team.pk).exists()
    event = KeyEvent.objects.get(action=KeyEvent.Action.DELETED)
    assert event.key is None
    assert event.label == "Mine"
    assert event.key_owner == world.editor
