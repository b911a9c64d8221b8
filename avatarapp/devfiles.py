"""Development-only files made on first use (the key-encryption keyring, the C2PA test chain),
in the ignored var/ folder, only when DEBUG is on."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def create_once(path: Path, content: dict[str, str]) -> bool:
    """Write `content` as JSON to a private (0600) file at `path` unless it exists; True when
    this call made it. Created with os.link from a private temporary file, so two processes
    starting at once agree on one file."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle, indent=2)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False  # another process won the race; use its file
    finally:
        temporary.unlink()
    return True
