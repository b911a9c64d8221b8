"""What a file's Content Credentials say, in a few fields an image row can keep.

`summarise` never raises: a file with no manifest (most of them) or one the library cannot
parse is described as such, because a provider's odd metadata must not fail an image that passed
every safety check. On a plain 1 MP PNG the read takes about 1.5 ms (the reader only walks the
chunk list); with a manifest about 9 ms (it hashes the file to validate the binding).
"""

from __future__ import annotations

import io
import json
from typing import Any

import c2pa

Summary = dict[str, Any]

NONE: Summary = {"has_manifest": False}
ACTIONS_KEPT = 12  # a manifest may list many actions; the page shows a few


def summarise(data: bytes, content_type: str) -> Summary:
    """{"has_manifest": False}, or the active manifest's issuer (the signing certificate's
    organisation), claim generator, software agents, actions and the validation state
    ("Valid", "Trusted" or "Invalid")."""
    try:
        with c2pa.Reader(content_type, io.BytesIO(data)) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return dict(NONE)
    except (c2pa.C2paError, ValueError) as error:
        return {"has_manifest": True, "unreadable": type(error).__name__}
    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    actions = _actions(manifest)
    return {
        "has_manifest": True,
        "issuer": manifest.get("signature_info", {}).get("issuer", ""),
        "claim_generator": _generator(manifest),
        "software": sorted({agent for _, agent in actions if agent}),
        "actions": [name for name, _ in actions][:ACTIONS_KEPT],
        "validation_state": store.get("validation_state", ""),
    }


def _generator(manifest: dict[str, Any]) -> str:
    info = manifest.get("claim_generator_info") or [{}]
    first = info[0] if isinstance(info[0], dict) else {}
    name = first.get("name") or manifest.get("claim_generator", "")
    return " ".join(part for part in (str(name), str(first.get("version", ""))) if part)


def _actions(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(action, software agent name) for every action in the manifest's actions assertions."""
    found: list[tuple[str, str]] = []
    for assertion in manifest.get("assertions", []):
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in assertion.get("data", {}).get("actions", []):
            agent = action.get("softwareAgent") or ""
            name = agent.get("name", "") if isinstance(agent, dict) else str(agent)
            found.append((str(action.get("action", "")), name))
    return found
