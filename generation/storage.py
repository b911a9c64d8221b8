"""Generated images in storage: the original and a WebP thumbnail, private, under names made from
the image's id, so a task that runs twice rewrites the same two objects instead of adding more.

Provider output is untrusted like any upload: it passes the same checks
and a full decode in a child process before it is stored, and is then kept byte for byte, so its
Content Credentials (C2PA) survive.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from avatarapp.imagesafety import SafeImage
from avatarapp.s3_put import Endpoint, S3Putter
from generation import image_processes
from generation.crashpoints import crash_point  # test-only hook, inert unless configured
from provenance.reading import Summary

THUMBNAIL_SIDE = 384
READ_CHUNK = 64 * 1024  # what open_chunks hands out at a time: an image is never read whole
# What a storage that is down or refusing raises (the local folder: OSError; S3: botocore's).
STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)


@dataclass(frozen=True)
class StoredImage:
    original_name: str
    thumbnail_name: str
    original: SafeImage
    credentials: Summary  # what the original's Content Credentials say (provenance.reading)

    def row_fields(self) -> dict[str, Any]:
        """What an Image row records of its stored files."""
        return {
            "original": self.original_name,
            "thumbnail": self.thumbnail_name,
            "sha256": self.original.sha256,
            "width": self.original.width,
            "height": self.original.height,
            "format": self.original.format.lower(),
            "credentials": self.credentials,
        }


def _folder(workspace_id: object, image_id: object) -> str:
    return f"images/{workspace_id}/{image_id}"


def _put(name: str, data: bytes) -> str:
    if _s3_put(name, data):
        return name
    # The storage is configured never to overwrite (it would invent a new name instead), so clear
    # the name first: a re-run replaces the object rather than leaving a second one.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent writer got there first; keep one object only
        default_storage.delete(saved)
    return name


def store_generated(workspace_id: object, image_id: object, data: bytes) -> StoredImage:
    """Check and store a provider's image and its thumbnail; raises UnsafeImageError if it is not
    one."""
    original, thumb, credentials = image_processes.prepare(data, THUMBNAIL_SIDE)
    folder = _folder(workspace_id, image_id)
    original_name = _put(f"{folder}/original.{original.extension}", original.data)
    crash_point("during_upload")
    return StoredImage(
        original_name=original_name,
        thumbnail_name=_put(f"{folder}/thumbnail.{thumb.extension}", thumb.data),
        original=original,
        credentials=credentials,
    )


def stored_names(workspace_id: object, image_id: object) -> list[str]:
    """Every object stored for an image (original, thumbnail, and any left by an upload that
    was cut short), so removing an image's files misses none."""
    folder = _folder(workspace_id, image_id)
    target = _s3_target(folder + "/")
    if target is None:
        try:
            _folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return []
        return [f"{folder}/{name}" for name in files]
    client, bucket, prefix = target
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return [f"{folder}/{entry['Key'][len(prefix) :]}" for entry in listed]


def remove(name: str) -> None:
    """Delete one object; deleting one that is already gone is not an error."""
    target = _s3_target(name)
    if target is None:
        default_storage.delete(name)
        return
    client, bucket, key = target
    client.delete_object(Bucket=bucket, Key=key)


def open_chunks(name: str, chunk_size: int = READ_CHUNK) -> Generator[bytes, None, None]:
    """A stored object's bytes, `chunk_size` at a time, never the whole object in memory (the
    S3 storage's own open() would download it into memory first). Raises FileNotFoundError at
    once, before any byte is handed out, when the object is missing."""
    target = _s3_target(name)
    if target is None:
        file = default_storage.open(name, "rb")
        return _closing(iter(partial(file.read, chunk_size), b""), file.close)
    client, bucket, key = target
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise FileNotFoundError(f"Not in storage: {name}") from error
        raise
    return _closing(body.iter_chunks(chunk_size), body.close)


def _closing(chunks: Iterator[bytes], close: Callable[[], None]) -> Generator[bytes, None, None]:
    try:
        yield from chunks
    finally:
        close()


# --- Performance (make bench): one shared S3 client and one PUT per object ---------------------
# Through default_storage each object cost HEAD (exists) + HEAD (get_available_name) + an
# s3transfer upload, and django-storages builds a boto3 Session and resource per worker thread
# (~11 MB and ~0.3 s of CPU each: 100 threads held ~1.1 GB). A botocore client is thread-safe, so
# every thread shares one, and a PUT to the same key replaces the object: the same "a re-run
# rewrites the same two objects" without the existence checks. Other backends keep the path above.
# The PUT itself skips boto3 when the configuration is the plain one avatarapp.s3_put covers.

_s3_lock = threading.Lock()
_s3_clients: dict[tuple[object, ...], Any] = {}  # one client per S3 configuration
_s3_putters: dict[Endpoint, S3Putter] = {}
S3_POOL_CONNECTIONS = 128  # >= the worker's concurrency, so no thread waits for a connection


def _shared_s3_client(storage: Any) -> Any:
    identity = (
        storage.endpoint_url,
        storage.region_name,
        storage.access_key,
        storage.secret_key,
        storage.security_token,
        storage.session_profile,
        storage.use_ssl,
        storage.verify,
        id(storage.client_config),
    )
    with _s3_lock:
        if identity not in _s3_clients:
            config = storage.client_config.merge(Config(max_pool_connections=S3_POOL_CONNECTIONS))
            _s3_clients[identity] = storage._create_session().client(
                "s3",
                region_name=storage.region_name,
                use_ssl=storage.use_ssl,
                endpoint_url=storage.endpoint_url,
                config=config,
                verify=storage.verify,
            )
        return _s3_clients[identity]


def _s3_target(name: str) -> tuple[Any, str, str] | None:
    """(shared client, bucket, key) for `name` when the default storage is S3; None otherwise
    (gzip-encoded S3 objects would need the storage's own decoding, so they go through it)."""
    storage = default_storage
    if not isinstance(storage, S3Storage) or storage.gzip:
        return None
    key = storage._normalize_name(clean_name(name))
    if name.endswith("/") and not key.endswith("/"):
        key += "/"  # a folder's prefix; the name cleaning drops the slash
    return _shared_s3_client(storage), storage.bucket_name, key


def _direct_putter(storage: S3Storage) -> S3Putter | None:
    """The one avatarapp.s3_put client for `storage`, when its configuration is the plain one it
    covers (an endpoint URL and static keys, path-style, default TLS checks, no token); None
    sends the PUT through boto3."""
    plain = (
        storage.endpoint_url
        and storage.access_key
        and storage.secret_key
        and not storage.security_token
        and not storage.session_profile
        and storage.addressing_style == "path"
        and storage.verify is None
        and storage.use_ssl
    )
    if not plain:
        return None
    endpoint = Endpoint(
        storage.endpoint_url, storage.region_name, storage.access_key, storage.secret_key
    )
    with _s3_lock:
        if endpoint not in _s3_putters:
            _s3_putters[endpoint] = S3Putter(endpoint)
        return _s3_putters[endpoint]


def _s3_put(name: str, data: bytes) -> bool:
    """Write `data` under `name` with one PUT when the default storage is S3; False otherwise."""
    target = _s3_target(name)
    if target is None:
        return False
    client, bucket, key = target
    storage = cast(S3Storage, default_storage)  # _s3_target checked it
    params = storage.get_object_parameters(key)
    params.setdefault("ContentType", mimetypes.guess_type(name)[0] or storage.default_content_type)
    if storage.default_acl and "ACL" not in params:
        params["ACL"] = storage.default_acl
    putter = _direct_putter(storage)
    if putter is not None and params.keys() == {"ContentType"}:
        putter.put(bucket, key, data, params["ContentType"])
    else:
        client.put_object(Bucket=bucket, Key=key, Body=data, **params)
    return True
