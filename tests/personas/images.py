"""Test images made on the spot: good ones, hostile ones, and readers for their metadata."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)}
SECRET_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home address</x:xmpmeta>'


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def noisy(width: int, height: int, seed: int = 1, mode: str = "RGB") -> Image.Image:
    """Random pixels, so each image is distinct and JPEG cannot squash it to nothing."""
    rng = random.Random(seed)
    bands = len(mode)
    return Image.frombytes(mode, (width, height), rng.randbytes(width * height * bands))


def png(width: int = 64, height: int = 64, seed: int = 1, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    noisy(width, height, seed, mode).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 64, seed: int = 1) -> bytes:
    out = io.BytesIO()
    noisy(width, height, seed).save(out, "JPEG", quality=90)
    return out.getvalue()


def jpeg_with_gps(width: int = 80, height: int = 40) -> bytes:
    """A phone photo: GPS position, camera make, orientation 6 (turn 90°), ICC, XMP, comment."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    noisy(width, height).save(
        out, "JPEG", exif=exif, icc_profile=_icc(), xmp=SECRET_XMP, comment=b"taken at home"
    )
    return out.getvalue()


def png_with_metadata() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_itxt("Comment", "my street", zip=True)
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    noisy(32, 32).save(out, "PNG", pnginfo=info, icc_profile=_icc(), exif=exif)
    return out.getvalue()


def webp_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    noisy(32, 32).save(out, "WEBP", exif=exif, icc_profile=_icc(), xmp=SECRET_XMP)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (10 gigapixels by default)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + _png_chunk(b"IEND", b"")
    )


def tiff() -> bytes:
    out = io.BytesIO()
    noisy(16, 16).save(out, "TIFF")
    return out.getvalue()


def psd() -> bytes:
    """A minimal Photoshop header: signature, version 1, 3 channels, 16x16, 8 bit, RGB."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 16, 16, 8, 3)
    return header + struct.pack(">III", 0, 0, 0) + b"\x00\x00" + b"\x80" * (16 * 16 * 3)


def fits() -> bytes:
    """A minimal FITS file: 80-character header cards padded to 2880 bytes, then 8-bit data."""
    values = [("SIMPLE", "T"), ("BITPIX", "8"), ("NAXIS", "2"), ("NAXIS1", "16"), ("NAXIS2", "16")]
    cards = [f"{key:<8}= {value:>20}" for key, value in values] + ["END"]
    header = "".join(card.ljust(80) for card in cards).ljust(2880).encode("ascii")
    return header + bytes(16 * 16).ljust(2880, b"\x00")


def truncated_jpeg() -> bytes:
    data = jpeg(256, 256, seed=7)
    return data[: len(data) // 2]


# --- Readers: what a stored file carries, read from the bytes themselves, not through Pillow. -----


def png_chunks(data: bytes) -> list[str]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append(data[pos + 4 : pos + 8].decode("latin-1"))
        pos += 12 + length
    return chunks


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers before the image data (0xE0-0xEF are APPn, 0xFE is a comment)."""
    assert data.startswith(b"\xff\xd8")
    markers, pos = [], 2
    while pos < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def webp_chunks(data: bytes) -> list[str]:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4].decode("latin-1")
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunks.append(kind)
        pos += 8 + length + (length & 1)
    return chunks


def metadata_free(data: bytes) -> bool:
    """True when the file holds pixels and nothing else: no EXIF, ICC, XMP, text or comments."""
    if data.startswith(b"\x89PNG"):
        return set(png_chunks(data)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
    if data.startswith(b"\xff\xd8"):
        allowed_app = {0xE0}  # APP0 is the JFIF header: version and pixel density only
        markers = jpeg_markers(data)
        return not any((0xE1 <= m <= 0xEF) or m == 0xFE for m in markers if m not in allowed_app)
    if data[:4] == b"RIFF":
        return set(webp_chunks(data)) <= {"VP8 ", "VP8L", "VP8X", "ALPH"}
    raise AssertionError("not an image we make")
