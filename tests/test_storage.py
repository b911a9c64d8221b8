"""Files go through Django's storage API to a real S3 protocol server, private and presigned."""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlparse

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from tests.make_run_support import free_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("S3_BUCKET"),
    reason="Needs the S3 server: make test starts moto and sets S3_BUCKET.",
)


def _signed_for_its_own_host(url: str) -> bool:
    """Whether `url` carries the SigV4 signature an S3 server computes for a GET of it (query-string
    authentication; the host the URL names is signed). moto does not check signatures, so the
    test does what MinIO would do: a URL signed for another host fails here."""
    parts = urlparse(url)
    fields = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = fields.pop("X-Amz-Signature")
    assert fields["X-Amz-SignedHeaders"] == "host"
    encode = lambda text: quote(text, safe="-_.~")  # noqa: E731
    canonical_query = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(fields.items()))
    canonical_request = "\n".join(
        ["GET", parts.path, canonical_query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    scope = fields["X-Amz-Credential"].split("/", 1)[1]  # date/region/s3/aws4_request
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            fields["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{os.environ['S3_SECRET_ACCESS_KEY']}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


def test_default_storage_is_s3_when_configured(s3_bucket: str) -> None:
    assert isinstance(default_storage, S3Storage)
    name = default_storage.save("checks/hello.txt", ContentFile(b"hello"))
    try:
        with default_storage.open(name) as handle:
            assert handle.read() == b"hello"
        # No overwrite: a second save under the same name gets a new name.
        second = default_storage.save("checks/hello.txt", ContentFile(b"again"))
        assert second != name
        default_storage.delete(second)
    finally:
        default_storage.delete(name)
    assert not default_storage.exists(name)


def test_urls_are_short_lived_presigned_and_objects_private(s3_bucket: str) -> None:
    name = default_storage.save("checks/private.txt", ContentFile(b"secret portrait"))
    try:
        url = default_storage.url(name)
        assert urlparse(url).netloc == urlparse(os.environ["S3_ENDPOINT_URL"]).netloc
        assert _signed_for_its_own_host(url)
        query = parse_qs(urlparse(url).query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert int(query["X-Amz-Expires"][0]) <= 300
        assert "X-Amz-Signature" in query
        assert httpx.get(url).content == b"secret portrait"
        acl = default_storage.connection.meta.client.get_object_acl(Bucket=s3_bucket, Key=name)  # type: ignore[attr-defined]
        assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])
    finally:
        default_storage.delete(name)


def _sign_for(settings: Any, public_endpoint_url: str) -> None:
    storages = copy.deepcopy(settings.STORAGES)
    storages["default"]["OPTIONS"]["public_endpoint_url"] = public_endpoint_url
    settings.STORAGES = storages  # Django's test signal makes default_storage anew


def test_urls_name_the_public_endpoint_and_are_signed_for_it(settings: Any) -> None:
    """Behind compose the server reaches S3 as http://minio:9000, which no browser
    can. Here the server's endpoint is http://127.0.0.1:PORT and the public one http://localhost:PORT,
    two spellings of the same test server, so a browser's GET can be tried for real."""
    port = urlparse(os.environ["S3_ENDPOINT_URL"]).port
    _sign_for(settings, f"http://localhost:{port}")
    name = default_storage.save("checks/public.txt", ContentFile(b"portrait for a browser"))
    try:
        url = default_storage.url(name)
        assert urlparse(url).netloc == f"localhost:{port}"
        assert _signed_for_its_own_host(url)
        assert not _signed_for_its_own_host(url.replace("localhost", "127.0.0.1", 1))
        assert httpx.get(url).content == b"portrait for a browser"
    finally:
        default_storage.delete(name)


def test_the_server_never_uses_the_public_endpoint(settings: Any) -> None:
    _sign_for(settings, f"http://localhost:{free_port()}")  # nothing listens there
    name = default_storage.save("checks/internal.txt", ContentFile(b"stored inside"))
    assert default_storage.exists(name)
    with default_storage.open(name) as handle:
        assert handle.read() == b"stored inside"
    default_storage.delete(name)
    assert not default_storage.exists(name)
