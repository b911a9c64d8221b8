"""django-storages' S3Storage, with presigned URLs for browsers on a public endpoint.

In docker-compose the app reaches MinIO as http://minio:9000, a name only the containers know; a
browser needs the host the proxy publishes. SigV4 signs the Host header, so a URL for the public
host cannot be made by editing a URL signed for the internal one: it is presigned by a second
storage configured for the public endpoint. That one only ever makes URLs (presigning is local
computation, it opens no connection); every read, write and delete still goes to `endpoint_url`.
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage


class PublicEndpointS3Storage(S3Storage):
    def __init__(self, *, public_endpoint_url: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.presigner: S3Storage | None = (
            S3Storage(**{**options, "endpoint_url": public_endpoint_url})
            if public_endpoint_url
            else None
        )

    def url(
        self,
        name: str,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        if self.presigner is None:
            return str(super().url(name, parameters, expire, http_method))
        return str(self.presigner.url(name, parameters, expire, http_method))
