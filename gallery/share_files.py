"""Every image a share link hands out leaves through `shared_image_response`: shown on the page
or downloaded, watermarked or not. One place, so what leaves through a link is decided once:
a download is the exported copy every download is (gallery.credentials: the AI marking and our
Content Credentials); with the link's watermark on, the watermarked copy carries the XMP
marking only, because a manifest would vouch for pixels the watermark has since changed.

The bytes are streamed by the web server, never redirected to a presigned S3 URL as the
workspace's own pages are: that URL names the storage key, which holds the workspace's and the
image's ids, and a share link must reveal neither.
"""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from avatarapp.imagesafety import CONTENT_TYPES as IMAGE_TYPES
from gallery import credentials
from gallery.download_names import EXTENSIONS
from gallery.models import ShareLink
from generation import storage
from generation.models import Image
from painter.watermark import watermarked
from provenance.xmp import with_digital_source_type

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
        if variant == "original":
            fmt = {kind: fmt for fmt, kind in IMAGE_TYPES.items()}[content_type]
            data = with_digital_source_type(data, fmt)
        response: HttpResponseBase = HttpResponse(data, content_type=content_type)
    elif variant == "original":
        data = credentials.exported(image, b"".join(storage.open_chunks(name)))
        response = HttpResponse(data, content_type=CONTENT_TYPES.get(extension, "image/png"))
    else:
        content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
        response = StreamingHttpResponse(storage.open_chunks(name), content_type=content_type)
    disposition = content_disposition_header(True, download_as) if download_as else None
    if disposition:
        response["Content-Disposition"] = disposition
    return response
