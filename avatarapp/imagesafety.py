"""Untrusted images in, clean images out.

Every image that enters the system, an upload or a provider's output, goes through
`sanitize_image(data)` before it is stored or shown. It returns a `SafeImage` or raises
`UnsafeImageError` whose `user_message` is a sentence a person can act on. The order matters:

1. byte cap before anything is parsed;
2. magic-byte sniff, then Pillow opens the file with only the PNG / JPEG / WEBP decoders
   (a renamed TIFF, PSD, FITS or SVG never reaches a decoder);
3. pixel cap from the header, before any pixel is decoded (decompression bombs die here);
4. a full decode (`load()`), so truncated or corrupt files fail now rather than later;
5. EXIF orientation applied, then every piece of metadata dropped (EXIF with GPS, ICC, XMP, text
   chunks) by re-encoding the pixels alone;
6. the caller stores the bytes under a server-made name with `content_type`, never the user's.

A provider's output (`check_with_thumbnail`) passes steps 1 to 4 and is then kept byte for byte,
so its Content Credentials (C2PA) survive: only uploads are re-encoded (QUALITY.md section 10).

Plain Python with no Django import, so workers and the benchmark can reuse it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Literal

from PIL import Image, ImageFile, ImageOps

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: more than any current model outputs or accepts as a reference

# A process-wide safety net for any other Pillow caller: Pillow warns above this and refuses above
# twice this. Our own cap below is checked first and is the one users meet.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

OutputFormat = Literal["PNG", "JPEG", "WEBP"]
CONTENT_TYPES: dict[str, str] = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSIONS: dict[str, str] = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# libwebp's effort (0-6). Thumbnails are most of what we encode as WebP: method 2 takes about 40%
# of method 4's time for files about 4% larger at the same quality (make bench: CPU per image).
WEBP_METHOD = 2

ACCEPTED = "PNG, JPEG or WEBP"

# Signatures of formats people commonly rename, so the refusal can say what the file really is.
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"SIMPLE  =", "a FITS astronomy image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"),
    (b"<?xml", "an XML or SVG file"),
    (b"<svg", "an SVG file"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"PK\x03\x04", "a ZIP archive"),
)


class UnsafeImageError(ValueError):
    """The image was refused. `user_message` says why and what to do instead."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class SafeImage:
    data: bytes
    format: OutputFormat
    width: int
    height: int
    sha256: str
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def read_capped(stream: IO[bytes], max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most `max_bytes` (+1 to detect overflow) from an upload, never the whole of a huge
    file."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeImageError(
            f"This file is larger than {_megabytes(max_bytes)}. Upload a smaller PNG, JPEG or "
            "WEBP image."
        )
    return data


def sniff(data: bytes) -> OutputFormat:
    """The format the first bytes announce, or a refusal naming what the file looks like."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    what = next((name for magic, name in _OTHER_SIGNATURES if data.startswith(magic)), None)
    looks = f" This file looks like {what}." if what else ""
    raise UnsafeImageError(
        f"Only {ACCEPTED} images are accepted.{looks} Export it as PNG or JPEG and try again."
    )


def _open_checked(data: bytes, fmt: OutputFormat, max_pixels: int) -> Image.Image:
    """Open (header only) with the one decoder the magic bytes named, and check the pixel count
    before any pixel data is decoded."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns (a RuntimeWarning) before it refuses; both refuse here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsafeImageError(
            f"This image has far too many pixels; the limit is {max_pixels // 1_000_000} "
            "megapixels. Scale it down and try again."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise UnsafeImageError(
            f"This file could not be read as a {fmt} image ({type(error).__name__}). "
            f"It may be damaged; export it again as {ACCEPTED}."
        ) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise UnsafeImageError("This image has no pixels.")
    if width * height > max_pixels:
        raise UnsafeImageError(
            f"This image is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {max_pixels // 1_000_000} megapixels. Scale it down and try again."
        )
    return image


def _decode(image: Image.Image, fmt: str, max_side: int | None) -> Image.Image:
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Someone flipped Pillow's global; a truncated file would then load half grey.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    if max_side is not None and fmt == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when we will shrink anyway: far less memory.
        image.draft("RGB", (max_side, max_side))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            # In place: the default returns a full copy even when nothing needs turning.
            ImageOps.exif_transpose(image, in_place=True)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        detail = "truncated" if "truncated" in str(error) else "damaged"
        raise UnsafeImageError(
            f"This {fmt} file is {detail} and could not be decoded completely. "
            f"Export it again as {ACCEPTED} and upload the new file."
        ) from None
    except Image.DecompressionBombWarning:
        raise UnsafeImageError("This image has too many pixels.") from None
    return image


def _normalise_mode(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    target = "RGBA" if has_alpha else "RGB"
    return image if image.mode == target else image.convert(target)


def _output_format(
    source: OutputFormat, image: Image.Image, wanted: OutputFormat | None
) -> OutputFormat:
    if wanted is not None:
        return wanted
    if image.mode == "RGBA" and source == "JPEG":
        return "PNG"
    return source


def encode(image: Image.Image, fmt: OutputFormat) -> bytes:
    """Encode pixels only: `info` is emptied first because Pillow's PNG writer would otherwise copy
    an ICC profile from it, and no exif/icc/xmp/pnginfo argument is ever passed."""
    image.info.clear()
    if fmt == "JPEG" and image.mode == "RGBA":
        # JPEG has no alpha; flatten onto white rather than let transparent pixels turn black.
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    out = io.BytesIO()
    if fmt == "PNG":
        # Level 1 with zlib's run-length strategy after PNG's row filters: smaller files than
        # level 3 and far less time on photo-like images (make bench, "finalise alone",
        # photo-like 1024x1024 PNG: 184 -> 139 ms p50 for the whole store).
        image.save(out, format="PNG", compress_level=1, compress_type=zlib.Z_RLE)
    elif fmt == "JPEG":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue()


def _decoded(
    data: bytes, max_bytes: int, max_pixels: int, max_side: int | None
) -> tuple[OutputFormat, Image.Image]:
    """Steps 1 to 5 up to the pixels: the checks, the full decode, orientation, one mode."""
    if not data:
        raise UnsafeImageError("This file is empty. Choose a PNG, JPEG or WEBP image.")
    if len(data) > max_bytes:
        raise UnsafeImageError(
            f"This file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}. "
            "Upload a smaller image."
        )
    source = sniff(data)
    image = _open_checked(data, source, max_pixels)
    try:
        return source, _normalise_mode(_decode(image, source, max_side))
    except BaseException:
        image.close()
        raise


def _shrunk(image: Image.Image, max_side: int | None) -> Image.Image:
    if max_side is not None and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def _described(data: bytes, fmt: OutputFormat, size: tuple[int, int]) -> SafeImage:
    width, height = size
    return SafeImage(
        data=data,
        format=fmt,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=CONTENT_TYPES[fmt],
    )


def _safe(image: Image.Image, fmt: OutputFormat) -> SafeImage:
    return _described(encode(image, fmt), fmt, image.size)


def sanitize_image(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int | None = None,
    output: OutputFormat | None = None,
) -> SafeImage:
    """Check and re-encode untrusted image bytes. `max_side` shrinks (never enlarges) the longest
    side; `output` forces a format (default: keep the source format, PNG when alpha meets JPEG)."""
    source, image = _decoded(data, max_bytes, max_pixels, max_side)
    with image:
        image = _shrunk(image, max_side)
        return _safe(image, _output_format(source, image, output))


def sanitize_with_thumbnail(
    data: bytes, thumbnail_side: int, *, max_side: int | None = None
) -> tuple[SafeImage, SafeImage]:
    """`sanitize_image` and `thumbnail` from one decode: the thumbnail is made from the checked
    pixels rather than by decoding the re-encoded original again (a second full decode was about
    a fifth of a generated image's processing time; make bench)."""
    source, image = _decoded(data, MAX_BYTES, MAX_PIXELS, max_side)
    with image:
        image = _shrunk(image, max_side)
        original = _safe(image, _output_format(source, image, None))
        # The original is encoded already, so the pixels can shrink in place.
        return original, _safe(_shrunk(image, thumbnail_side), "WEBP")


def check_with_thumbnail(data: bytes, thumbnail_side: int) -> tuple[SafeImage, SafeImage]:
    """A provider's image after the same checks and full decode as `sanitize_image`, kept byte
    for byte (no re-encode: its Content Credentials survive, and a megapixel PNG encode was the
    largest part of the worker's CPU per image, make bench), and a WebP thumbnail of its pixels.
    The size is the one a viewer sees, after any EXIF orientation."""
    source, image = _decoded(data, MAX_BYTES, MAX_PIXELS, None)
    with image:
        original = _described(data, source, image.size)
        return original, _safe(_shrunk(image, thumbnail_side), "WEBP")


def thumbnail(safe: SafeImage, side: int) -> SafeImage:
    """A small WEBP (small, keeps transparency, every browser shows it) of a clean image."""
    return sanitize_image(safe.data, max_side=side, output="WEBP")
