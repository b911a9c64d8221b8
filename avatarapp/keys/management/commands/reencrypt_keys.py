"""Move every stored provider key to the newest keyring version.

Rotation: add the new version to KEY_ENCRYPTION_KEYS (e.g. "2:<new>,1:<old>"), deploy, run this
command, and remove version 1 only when it reports "failed 0". Rows are locked a batch at a time
(SELECT ... FOR UPDATE), so jobs keep running and a row is never rewritten by two runs at once;
a second run finds everything "already current". The plain keys never leave crypto.reencrypt.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from avatarapp.keys import crypto
from avatarapp.keys.models import ProviderKey


class Command(BaseCommand):
    help = "Re-encrypt every provider key under the newest KEY_ENCRYPTION_KEYS version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        current = crypto.keyring().current
        done = current_already = failed = 0
        after = None
        while True:
            with transaction.atomic():
                rows = ProviderKey.objects.order_by("pk").select_for_update()
                if after is not None:
                    rows = rows.filter(pk__gt=after)
                batch = list(
                    rows.only("pk", "workspace_id", "ciphertext", "key_version")[:batch_size]
                )
                for key in batch:
                    try:
                        sealed = crypto.reencrypt(
                            bytes(key.ciphertext),
                            row_id=key.pk,
                            workspace_id=key.workspace_id,
                            version=key.key_version,
                        )
                    except crypto.KeyUnavailableError as error:
                        failed += 1
                        self.stderr.write(f"key {key.pk}: {error}")
                        continue
                    if sealed is None:
                        current_already += 1
                        continue
                    key.ciphertext, key.key_version = sealed.ciphertext, sealed.version
                    key.save(update_fields=["ciphertext", "key_version"])
                    done += 1
            if len(batch) < batch_size:
                break
            after = batch[-1].pk
        summary = (
            f"re-encrypted {done}, already current {current_already}, failed {failed} "
            f"(keyring version {current})"
        )
        if failed:
            raise CommandError(
                f"{summary}. Keep the old keyring versions until every row is re-encrypted."
            )
        self.stdout.write(self.style.SUCCESS(summary))
