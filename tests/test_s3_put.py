"""avatarapp.s3_put: the worker's direct S3 PUT. Its signature is the one botocore computes for
the same request (moto, the tests' S3 server, does not check signatures; MinIO and S3 do), and
what it writes to the S3 server is what boto3 reads back."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from urllib.parse import quote

import boto3
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.core.files.storage import default_storage

from avatarapp.s3_put import Endpoint, S3PutError, S3Putter, signed_headers
from generation import storage

needs_s3 = pytest.mark.skipif(
    not os.environ.get("S3_BUCKET"),
    reason="Needs the S3 server: make test starts moto and sets S3_BUCKET.",
)
# The AWS documentation's example credentials: not a secret.
EXAMPLE = Endpoint(
    "http://127.0.0.1:9000", "eu-west-3", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)


@pytest.mark.parametrize("key", ["images/ws/img/original.png", "folder/a b/é+(1)~x.webp"])
def test_the_signature_is_botocores(key: str) -> None:
    body = b"\x89PNG not really" * 100
    url = f"{EXAMPLE.url}/bucket/{quote(key, safe='/~')}"
    theirs = AWSRequest(method="PUT", url=url, data=body, headers={"Content-Type": "image/png"})
    credentials = Credentials(EXAMPLE.access_key, EXAMPLE.secret_key)
    S3SigV4Auth(credentials, "s3", EXAMPLE.region).add_auth(theirs)
    when = datetime.strptime(theirs.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    path = f"/bucket/{quote(key, safe='/~')}"
    ours = signed_headers(EXAMPLE, "PUT", path, {"Content-Type": "image/png"}, body, when)

    assert ours["authorization"] == theirs.headers["Authorization"]
    assert ours["x-amz-content-sha256"] == theirs.headers["X-Amz-Content-SHA256"]


def test_a_different_secret_or_body_gives_another_signature() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    sign = lambda endpoint, body: signed_headers(endpoint, "PUT", "/b/k", {}, body, now)  # noqa: E731
    base = sign(EXAMPLE, b"one")["authorization"]
    other_secret = Endpoint(EXAMPLE.url, EXAMPLE.region, EXAMPLE.access_key, "another")
    assert sign(other_secret, b"one")["authorization"] != base
    assert sign(EXAMPLE, b"two")["authorization"] != base


def _s3_endpoint() -> Endpoint:
    return Endpoint(
        os.environ["S3_ENDPOINT_URL"],
        "us-east-1",
        os.environ["S3_ACCESS_KEY_ID"],
        os.environ["S3_SECRET_ACCESS_KEY"],
    )


@needs_s3
def test_what_it_puts_boto3_reads_back() -> None:
    bucket = os.environ["S3_BUCKET"]
    key = "tests/s3-put/a b/é+(1).png"
    body = os.urandom(20_000)
    putter = S3Putter(_s3_endpoint())
    putter.put(bucket, key, body, "image/png")
    putter.put(bucket, key, body[::-1], "image/png")  # a second PUT replaces the object

    client = boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    stored = client.get_object(Bucket=bucket, Key=key)
    assert stored["Body"].read() == body[::-1]
    assert stored["ContentType"] == "image/png"


@needs_s3
def test_a_refusal_raises_a_storage_error_naming_the_status() -> None:
    with pytest.raises(S3PutError, match="answered 404") as caught:
        S3Putter(_s3_endpoint()).put("no-such-bucket-here", "k.png", b"x", "image/png")
    assert isinstance(caught.value, storage.STORAGE_ERRORS)
    assert os.environ["S3_SECRET_ACCESS_KEY"] not in str(caught.value)


def test_an_unreachable_server_raises_after_its_attempts() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = Endpoint(f"http://127.0.0.1:{port}", "us-east-1", "id", "secret")
    with pytest.raises(S3PutError, match="failed"):
        S3Putter(endpoint).put("bucket", "k.png", b"x", "image/png")


@needs_s3
def test_the_apps_storage_writes_through_it() -> None:
    putter = storage._direct_putter(default_storage)
    assert putter is not None  # make test's configuration is the plain one
    assert storage._put("tests/s3-put/direct.webp", b"RIFF....WEBP") == "tests/s3-put/direct.webp"
    assert b"".join(storage.open_chunks("tests/s3-put/direct.webp")) == b"RIFF....WEBP"
