"""SSRF guard for user-supplied provider URLs. Import from here.

    checked = validate_base_url(form_url, allow_private=settings.ALLOW_PRIVATE_PROVIDER_HOSTS)
    client = OpenAI(api_key=key, base_url=checked.url, http_client=pinned_sdk_client(checked))
    response = pinned_client(checked).get("models")  # our own calls, with httpx

- validate_base_url: http(s) only, no userinfo or fragment; every address the host resolves to
  (or denotes, in any numeric spelling) must be public. Raises UnsafeURLError with a user sentence.
- pinned_client (httpx) / pinned_sdk_client (httpx2, what the openai SDK 3.x is typed for):
  connect only to the checked addresses (no DNS rebinding), keep the original Host header and
  TLS host name, refuse other hosts, never follow redirects.
- is_allowed_download_host: https result downloads from allowlisted domains only.

Split by area: addresses (which IPs are internal), url (URL checks), transport
(pinned httpx connections, and the checks both clients share), sdk_transport (httpx2).
"""

from avatarapp.ssrf.addresses import METADATA_ADDRESSES, classify, parse_numeric_host
from avatarapp.ssrf.sdk_transport import (
    SDKPinnedBackend,
    SDKPinnedClient,
    SDKPinnedTransport,
    pinned_sdk_client,
)
from avatarapp.ssrf.transport import (
    PinnedBackend,
    PinnedClient,
    PinnedTransport,
    pinned_client,
)
from avatarapp.ssrf.url import (
    CheckedURL,
    Resolver,
    UnsafeURLError,
    is_allowed_download_host,
    system_resolver,
    validate_base_url,
)

__all__ = [
    "METADATA_ADDRESSES",
    "CheckedURL",
    "PinnedBackend",
    "PinnedClient",
    "PinnedTransport",
    "Resolver",
    "SDKPinnedBackend",
    "SDKPinnedClient",
    "SDKPinnedTransport",
    "UnsafeURLError",
    "classify",
    "is_allowed_download_host",
    "parse_numeric_host",
    "pinned_client",
    "pinned_sdk_client",
    "system_resolver",
    "validate_base_url",
]
