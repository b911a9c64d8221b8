"""Files go through Django's storage API to a real S3 protocol server, private and presigned."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

pytestmark = pytest.mark.skipif(
    not os.environ.get("S3_BUCKET"),
    reason="Needs the S3 server: make test starts moto and sets S3_BUCKET.",
)


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
        query = parse_qs(urlparse(url).query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert int(query["X-Amz-Expires"][0]) <= 300
        assert "X-Amz-Signature" in query
        assert httpx.get(url).content == b"secret portrait"
        acl = default_storage.connection.meta.client.get_object_acl(Bucket=s3_bucket, Key=name)  # type: ignore[attr-defined]
        assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])
    finally:
        default_storage.delete(name)
