"""Every image a share link hands out leaves through `shared_image_response`: shown on the page
or downloaded, watermarked or not. One place, so what leaves through a link (the AI label's
watermark today; Content Credentials on downloads, gallery.credentials, later) is decided once.

The bytes are streamed by the web server, never redirected to a presigned S3 URL as the
workspace's own pages are: that URL names the storage key, which holds the workspace's and the
image's ids, and a share link must reveal neither.
"""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from gallery.download_names import EXTENSIONS
from gallery.models import ShareLink
from generation import storage
from generation.models import Image
from painter.watermark import watermarked

CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "webp": "image/webp",
}


def shared_image_response(
    link: ShareLink, image: Image, position: int, variant: str
) -> HttpResponseBase:
    """The thumbnail (shown on the page) or the original (downloaded as an attachment named
    after the persona and the position, never the image's id)."""
    name = image.thumbnail.name if variant == "thumbnail" else image.original.name
    extension = name.rsplit(".", 1)[-1].lower()
    download_as = ""
    if variant == "original":
        extension = EXTENSIONS.get(extension, extension)
        download_as = f"{slugify(image.persona_name)[:40] or 'portrait'}-{position}.{extension}"
    if link.watermark:
        data, content_type = watermarked(b"".join(storage.open_chunks(name)))
        response: HttpResponseBase = HttpResponse(data, content_type=content_type)
    else:
        content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
        response = StreamingHttpResponse(storage.open_chunks(name), content_type=content_type)
    disposition = content_disposition_header(True, download_as) if download_as else None
    if disposition:
        response["Content-Disposition"] = disposition
    return response
