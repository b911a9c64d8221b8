"""One S3 PUT, signed with AWS Signature Version 4 and sent over a kept-alive connection.

The worker writes two objects for every image. Through boto3 each PUT cost ~2.3 ms of CPU here
(endpoint rules, parameter validation, event hooks, urllib3, header parsing): a tenth of the
worker's own CPU per image in make bench, and under a hundred threads all of it holds the
interpreter lock the provider calls wait on. This is the same request written directly, ~0.6 ms.

It covers the configuration the app is deployed with (settings.STORAGES: an endpoint URL, static
keys, path-style addressing, no ACL, no extra object parameters); generation.storage sends any
other configuration through boto3 as before. The signature follows the SigV4 specification for
S3 (a signed payload hash); tests/test_s3_put.py checks it against botocore's signer, since the
S3 server the tests run (moto) does not check signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

SERVICE = "s3"
TIMEOUT_SECONDS = 60.0  # boto3's default connect and read timeouts
ATTEMPTS = 3  # a PUT is idempotent: a dropped connection or a 5xx is tried again
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class S3PutError(OSError):
    """The server refused the PUT or could not be reached (an OSError, like a storage error)."""


@dataclass(frozen=True)
class Endpoint:
    url: str  # scheme://host[:port][/base path]
    region: str
    access_key: str
    secret_key: str


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_headers(
    endpoint: Endpoint, method: str, path: str, headers: dict[str, str], body: bytes, now: datetime
) -> dict[str, str]:
    """`headers` plus host, x-amz-date, x-amz-content-sha256 and the Authorization that signs
    them all, for a request to `path` (already URI-encoded) with no query string."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{endpoint.region}/{SERVICE}/aws4_request"
    payload_hash = hashlib.sha256(body).hexdigest()
    signed = {k.lower(): " ".join(v.split()) for k, v in headers.items()}
    signed.update(
        {
            "host": urlsplit(endpoint.url).netloc,
            "x-amz-date": amz_date,
            "x-amz-content-sha256": payload_hash,
        }
    )
    names = sorted(signed)
    canonical_request = "\n".join(
        [
            method,
            path,
            "",  # no query string
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    request_hash = hashlib.sha256(canonical_request.encode()).hexdigest()
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, request_hash])
    key = ("AWS4" + endpoint.secret_key).encode()
    for part in (amz_date[:8], endpoint.region, SERVICE, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={endpoint.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return signed


class S3Putter:
    """PUTs objects to one endpoint; one connection per thread, reused while the server keeps it
    open (moto closes each one; MinIO and S3 keep them)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        parts = urlsplit(endpoint.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=TIMEOUT_SECONDS)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        path = quote(f"{self._base}/{bucket}/{key}", safe="/~")
        for attempt in range(1, ATTEMPTS + 1):
            headers = signed_headers(
                self.endpoint, "PUT", path, {"content-type": content_type}, body, datetime.now(UTC)
            )
            try:
                status, detail = self._send(path, headers, body)
            except (OSError, http.client.HTTPException) as error:
                self._drop_connection()
                if attempt == ATTEMPTS:
                    raise S3PutError(f"S3 PUT of {key} failed: {error}") from error
                continue
            if status < 300:
                return
            if status not in RETRY_STATUSES or attempt == ATTEMPTS:
                raise S3PutError(f"S3 PUT of {key} answered {status}: {detail}")
            time.sleep(0.1 * attempt)
        raise AssertionError("unreachable")

    def _send(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        connection = self._connection()
        headers = {**headers, "content-length": str(len(body))}
        connection.request("PUT", path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        if response.will_close:
            self._drop_connection()
        # S3's error document names the error (<Code>); the body never holds a credential.
        return response.status, content[:300].decode(errors="replace")
