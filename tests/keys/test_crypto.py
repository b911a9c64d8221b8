"""Keys at rest: AES-256-GCM bound to its row, a versioned keyring, rotation
with `reencrypt_keys`, and loud failures with messages that name what is wrong but no secret."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from avatarapp.keys import crypto
from avatarapp.keys.keyring import parse_keyring
from avatarapp.keys.models import ProviderKey
from avatarapp.keys.vault import Purpose, open_key
from catalog import Provider
from tests.conftest import World
from tests.keys.conftest import keyring_entry
from tests.keys.factories import openai_key, outsider_membership, store_key


def _open(key: ProviderKey) -> str:
    key.refresh_from_db()
    return open_key(key, purpose=Purpose.CHECK).reveal()


def test_a_key_round_trips_and_the_row_holds_no_plain_text(world: World) -> None:
    plain = openai_key()
    key = store_key(world.membership("owner"), plain)
    key.refresh_from_db()
    stored = bytes(key.ciphertext)
    assert plain.encode() not in stored
    assert len(stored) == crypto.NONCE_BYTES + len(plain) + 16  # nonce + ciphertext + GCM tag
    assert key.key_version == 1
    assert _open(key) == plain


def test_every_write_takes_a_fresh_nonce(world: World) -> None:
    ids = {"row_id": world.team.pk, "workspace_id": world.team.pk}
    first = crypto.encrypt("same secret", **ids)
    second = crypto.encrypt("same secret", **ids)
    assert first.ciphertext[:12] != second.ciphertext[:12]
    assert first.ciphertext != second.ciphertext


def test_a_ciphertext_copied_to_another_row_fails_to_decrypt(world: World) -> None:
    plain = openai_key()
    victim = store_key(world.membership("owner"), plain, label="Victim")
    thief = store_key(outsider_membership(world), label="Thief")
    # An attacker with database access copies the victim's sealed key into their own row.
    ProviderKey.objects.filter(pk=thief.pk).update(
        ciphertext=victim.ciphertext, key_version=victim.key_version
    )
    with pytest.raises(crypto.CiphertextMismatchError) as caught:
        _open(thief)
    message = str(caught.value)
    assert "does not belong to this key record" in message
    assert "Delete the key and add it again" in message
    assert plain not in message
    assert plain[-4:] not in message
    assert _open(victim) == plain  # the original is untouched


def test_the_associated_data_binds_workspace_and_version(world: World, key_settings: Any) -> None:
    key = store_key(world.membership("owner"))
    moved, home = ProviderKey.objects.filter(pk=key.pk), key.workspace_id
    moved.update(workspace_id=outsider_membership(world).workspace_id)
    with pytest.raises(crypto.CiphertextMismatchError):
        _open(key)
    moved.update(workspace_id=home)
    # Version 2 with the very same key material: only the version in the AAD differs.
    material = key_settings.KEY_ENCRYPTION_KEYS.split(":", 1)[1]
    key_settings.KEY_ENCRYPTION_KEYS = f"2:{material},1:{material}"
    moved.update(key_version=2)
    with pytest.raises(crypto.CiphertextMismatchError):
        _open(key)
    moved.update(key_version=1)
    assert _open(key).startswith("sk-")


def test_an_altered_ciphertext_fails_to_decrypt(world: World) -> None:
    key = store_key(world.membership("owner"))
    tampered = bytearray(key.ciphertext)
    tampered[-1] ^= 1
    ProviderKey.objects.filter(pk=key.pk).update(ciphertext=bytes(tampered))
    with pytest.raises(crypto.CiphertextMismatchError):
        _open(key)


def test_the_newest_version_encrypts_and_every_listed_version_decrypts(
    world: World, key_settings: Any
) -> None:
    old_ring = key_settings.KEY_ENCRYPTION_KEYS
    plain = openai_key()
    old = store_key(world.membership("owner"), plain, label="Old")
    key_settings.KEY_ENCRYPTION_KEYS = f"{keyring_entry(2)},{old_ring}"
    new = store_key(world.membership("owner"), label="New")
    assert (old.key_version, new.key_version) == (1, 2)
    assert _open(old) == plain


def test_a_missing_keyring_version_names_the_version(world: World, key_settings: Any) -> None:
    key = store_key(world.membership("owner"))
    key_settings.KEY_ENCRYPTION_KEYS = f"{keyring_entry(3)},{keyring_entry(2)}"
    with pytest.raises(crypto.MissingKeyVersionError) as caught:
        _open(key)
    message = str(caught.value)
    assert "keyring version 1, which is not in KEY_ENCRYPTION_KEYS (it lists 3, 2)" in message
    assert "manage.py reencrypt_keys" in message


def test_rotation_then_removing_the_old_version_leaves_zero_decrypt_errors(
    world: World, key_settings: Any
) -> None:
    old_ring = key_settings.KEY_ENCRYPTION_KEYS
    plains = {}
    for index, role in enumerate(["owner", "admin", "editor", "outsider"] * 2):
        plain = openai_key()
        membership = outsider_membership(world) if role == "outsider" else world.membership(role)
        key = store_key(membership, plain, label=f"k{index}", personal=role == "editor")
        plains[key.pk] = plain
    new_version = keyring_entry(2)
    key_settings.KEY_ENCRYPTION_KEYS = f"{new_version},{old_ring}"
    out = io.StringIO()
    call_command("reencrypt_keys", "--batch-size", "3", stdout=out)  # several batches
    assert "re-encrypted 8, already current 0, failed 0 (keyring version 2)" in out.getvalue()
    assert set(ProviderKey.objects.values_list("key_version", flat=True)) == {2}

    again = io.StringIO()
    call_command("reencrypt_keys", stdout=again)
    assert "re-encrypted 0, already current 8, failed 0" in again.getvalue()

    key_settings.KEY_ENCRYPTION_KEYS = new_version  # the old version is retired
    errors = 0
    for key in ProviderKey.objects.all():
        try:
            assert open_key(key, purpose=Purpose.CHECK).reveal() == plains[key.pk]
        except crypto.KeyUnavailableError:
            errors += 1
    assert errors == 0


def test_reencrypt_reports_rows_it_cannot_move_and_fails(world: World, key_settings: Any) -> None:
    good = store_key(world.membership("owner"), label="Good")
    bad = store_key(world.membership("owner"), label="Bad")
    ProviderKey.objects.filter(pk=bad.pk).update(ciphertext=bytes(good.ciphertext))
    key_settings.KEY_ENCRYPTION_KEYS = f"{keyring_entry(2)},{key_settings.KEY_ENCRYPTION_KEYS}"
    err = io.StringIO()
    with pytest.raises(CommandError, match="re-encrypted 1, already current 0, failed 1"):
        call_command("reencrypt_keys", stderr=err)
    assert f"key {bad.pk}: This key's stored secret does not belong" in err.getvalue()
    bad.refresh_from_db()
    assert bad.key_version == 1  # left as it was, still on the old version


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is empty"),
        ("abc", "entry 1 must look like 'VERSION:BASE64KEY'"),
        ("0:AAAA", "version number of 1 or more"),
        ("1:not base64!!", "version 1 is not valid base64"),
        ("1:AAAAAAAAAAAAAAAAAAAAAA==", "version 1 decodes to 16 bytes; AES-256 needs exactly 32"),
    ],
)
def test_malformed_keyrings_are_refused_loudly(raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        parse_keyring(raw)
    assert "KEY_ENCRYPTION_KEYS" in str(caught.value)


def test_a_duplicate_version_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="version 2 is listed twice"):
        parse_keyring(f"{keyring_entry(2)},{keyring_entry(2)}")


def test_keyring_errors_and_repr_never_show_key_material() -> None:
    entry = keyring_entry(1)
    material = entry.split(":", 1)[1]
    ring = parse_keyring(f"{entry},{keyring_entry(4)}")
    assert ring.current == 4
    assert material not in repr(ring)
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_keyring(f"{entry},{entry}")
    assert material not in str(caught.value)


def test_url_safe_base64_without_padding_is_accepted() -> None:
    key = bytes(range(32))
    text = base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert parse_keyring(f"7:{text}").keys == {7: key}


def test_fingerprints_recognise_equal_keys_only_under_the_same_secret(key_settings: Any) -> None:
    plain = openai_key()
    first = crypto.fingerprint(Provider.OPENAI, plain)
    assert first == crypto.fingerprint(Provider.OPENAI, plain)
    assert first != crypto.fingerprint(Provider.OPENAI, openai_key())
    assert first != crypto.fingerprint(Provider.OPENAI_COMPATIBLE, plain)
    assert plain not in first
    key_settings.KEY_FINGERPRINT_SECRET = "another-secret-" + "y" * 30
    assert first != crypto.fingerprint(Provider.OPENAI, plain)
