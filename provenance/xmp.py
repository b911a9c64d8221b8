"""The IPTC DigitalSourceType "trainedAlgorithmicMedia" in a file's XMP, for the tools (photo
libraries, stock sites, social networks' upload checks) that read IPTC metadata but not C2PA.

Written at the container level, never by re-encoding: the pixels a provider sent stay exactly
as they were, and it costs microseconds. PNG gets an iTXt "XML:com.adobe.xmp" chunk after IHDR,
JPEG an APP1 XMP segment after SOI (and JFIF APP0), WebP an "XMP " chunk with the VP8X flag (a
simple VP8/VP8L file is given the VP8X header extended files need). When the file already
carries an XMP packet, our rdf:Description is added inside it, so the provider's XMP is kept.
Run before signing, so the C2PA hard binding covers it.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
_DESCRIPTION = (
    '<rdf:Description rdf:about="" '
    'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
    f"<Iptc4xmpExt:DigitalSourceType>{TRAINED_ALGORITHMIC_MEDIA}</Iptc4xmpExt:DigitalSourceType>"
    "</rdf:Description>"
).encode()
PACKET = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    + _DESCRIPTION
    + b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
_PNG_KEYWORD = b"XML:com.adobe.xmp"
_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_JPEG_MAX_SEGMENT = 65533  # a segment's length field counts itself: 65535 - 2


def with_digital_source_type(data: bytes, fmt: str) -> bytes:
    """`data` (a PNG, JPEG or WEBP, `fmt` as imagesafety names them) with the marking added."""
    writers = {"PNG": _png, "JPEG": _jpeg, "WEBP": _webp}
    return writers[fmt](data)


def _merged(packet: bytes) -> bytes:
    """An existing XMP packet with our description added, or as it was if it says it already."""
    if b"DigitalSourceType" in packet or b"</rdf:RDF>" not in packet:
        return packet
    return packet.replace(b"</rdf:RDF>", _DESCRIPTION + b"</rdf:RDF>", 1)


# --- PNG ------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_xmp(packet: bytes) -> bytes:
    # keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword
    return _png_chunk(b"iTXt", _PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + packet)


def _png(data: bytes) -> bytes:
    out, position, after_ihdr, found = [data[:8]], 8, 1, False
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        body = data[position + 8 : end - 4]
        if kind == b"iTXt" and body.startswith(_PNG_KEYWORD + b"\x00\x00"):  # uncompressed XMP
            out.append(_png_xmp(_merged(body[len(_PNG_KEYWORD) + 5 :])))
            found = True
        else:
            out.append(data[position:end])
        if kind == b"IHDR":
            after_ihdr = len(out)
        position = end
        if kind == b"IEND":
            break
    if not found:
        out.insert(after_ihdr, _png_xmp(PACKET))
    return b"".join(out) + data[position:]


# --- JPEG -----------------------------------------------------------------------------------


def _jpeg_segment(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _jpeg(data: bytes) -> bytes:
    out, position, insert_at, found = [data[:2]], 2, 1, False
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(_JPEG_XMP) and not found:
            merged = _JPEG_XMP + _merged(payload[len(_JPEG_XMP) :])
            if len(merged) <= _JPEG_MAX_SEGMENT:
                segment = _jpeg_segment(merged)
            found = True
        out.append(segment)
        if marker == 0xE0 and insert_at == len(out) - 1:  # keep JFIF's APP0 first
            insert_at = len(out)
        position += 2 + length
    if not found:
        out.insert(insert_at, _jpeg_segment(_JPEG_XMP + PACKET))
    return b"".join(out) + data[position:]


# --- WebP -----------------------------------------------------------------------------------

_VP8X_XMP = 0x04
_VP8X_ALPHA = 0x10


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def _webp(data: bytes) -> bytes:
    chunks: list[tuple[bytes, bytes]] = []
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 8 + length + (length % 2)
    if chunks[0][0] != b"VP8X":
        with Image.open(io.BytesIO(data), formats=["WEBP"]) as image:  # the header only
            (width, height), alpha = image.size, image.mode == "RGBA"
        flags = _VP8X_ALPHA if alpha else 0
        size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
        chunks.insert(0, (b"VP8X", bytes([flags, 0, 0, 0]) + size))
    header = chunks[0][1]
    chunks[0] = (b"VP8X", bytes([header[0] | _VP8X_XMP]) + header[1:])
    existing = [body for kind, body in chunks if kind == b"XMP "]
    packet = _merged(existing[0]) if existing else PACKET
    chunks = [(kind, body) for kind, body in chunks if kind != b"XMP "] + [(b"XMP ", packet)]
    body = b"WEBP" + b"".join(_riff_chunk(kind, payload) for kind, payload in chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
