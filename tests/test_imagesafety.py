"""The image safety pipeline on good and hostile files.

Each hostile file is also run in a fresh child process, so its time and peak memory are measured
for that file alone. Memory is the child's high-water resident set (VmHWM: the kernel's count for
the process's own address space since exec, which `ru_maxrss` is not: it keeps the forking
parent's size). Pillow allocates pixel buffers outside Python's allocator, where tracemalloc
cannot see them.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from avatarapp import imagesafety
from avatarapp.imagesafety import UnsafeImageError, sanitize_image
from tests.personas import images

MODULE = Path(imagesafety.__file__)
# CPU seconds of the measuring process: what handling the file costs, which a busy machine does
# not change (wall time would also count the waits for a core that other processes hold).
TIME_LIMIT_S = 2.0
MEMORY_LIMIT = 256 * 1024 * 1024

# Loads imagesafety.py by path: the measurement covers the pipeline, not Django or Celery imports.
RUNNER = """
import importlib.util, json, sys, time
spec = importlib.util.spec_from_file_location("imagesafety", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["imagesafety"] = module
spec.loader.exec_module(module)
data = open(sys.argv[2], "rb").read()
start = time.process_time()
try:
    safe = module.sanitize_image(data)
    outcome = f"cleaned {safe.width}x{safe.height}"
except module.UnsafeImageError as error:
    outcome = "refused: " + error.user_message
seconds = time.process_time() - start
status = open("/proc/self/status").read()
peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak": peak_kb * 1024}))
"""


def measure(data: bytes, tmp_path: Path) -> tuple[str, float, int]:
    """(outcome, seconds, peak resident bytes) of sanitize_image(data) in a fresh process."""
    source, output = tmp_path / "input.bin", tmp_path / "output.json"
    source.write_bytes(data)
    with output.open("w") as out:
        subprocess.run(
            [sys.executable, "-c", RUNNER, str(MODULE), str(source)], stdout=out, check=True
        )
    result = json.loads(output.read_text())
    return result["outcome"], result["seconds"], result["peak"]


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "decompression bomb": (images.png_bomb, "too many pixels"),
    "renamed TIFF": (images.tiff, "looks like a TIFF image"),
    "renamed PSD": (images.psd, "looks like a Photoshop (PSD) file"),
    "renamed FITS": (images.fits, "looks like a FITS astronomy image"),
    "truncated JPEG": (images.truncated_jpeg, "truncated"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_clear_message(name: str) -> None:
    make, expected = HOSTILE[name]
    with pytest.raises(UnsafeImageError) as refused:
        sanitize_image(make())
    assert expected in refused.value.user_message
    assert "PNG" in refused.value.user_message or "megapixels" in refused.value.user_message


@pytest.mark.parametrize(
    "name", [*HOSTILE, "GPS JPEG", "largest allowed PNG", "bomb just over the cap"]
)
def test_each_file_is_handled_within_2_s_and_256_mb(name: str, tmp_path: Path) -> None:
    extra: dict[str, Callable[[], bytes]] = {
        "GPS JPEG": images.jpeg_with_gps,
        # A 39.9 MP image is allowed: decoded, re-encoded, and still inside the budget.
        "largest allowed PNG": lambda: _flat_png(6320, 6320),
        # Small on disk, just past the cap: refused from the header alone.
        "bomb just over the cap": lambda: images.png_bomb(6400, 6400),
    }
    data = (HOSTILE[name][0] if name in HOSTILE else extra[name])()
    outcome, seconds, peak = measure(data, tmp_path)
    assert outcome.startswith(
        "cleaned" if name in ("GPS JPEG", "largest allowed PNG") else "refused"
    )
    assert seconds < TIME_LIMIT_S, f"{name}: {seconds:.2f} s"
    assert peak < MEMORY_LIMIT, f"{name}: {peak / 2**20:.0f} MB"


def _flat_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_gps_exif_icc_xmp_and_comments_are_stripped_and_orientation_applied() -> None:
    original = images.jpeg_with_gps(80, 40)
    assert not images.metadata_free(original)
    safe = sanitize_image(original)
    assert images.metadata_free(safe.data)
    stored = Image.open(io.BytesIO(safe.data))
    assert not stored.getexif()
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"PhoneCo" not in safe.data
    assert b"home" not in safe.data
    # Orientation 6 means "turn 90 degrees": the pixels are turned, so no tag is needed.
    assert (safe.width, safe.height) == (40, 80) == stored.size
    assert (safe.format, safe.content_type) == ("JPEG", "image/jpeg")


@pytest.mark.parametrize("make", [images.png_with_metadata, images.webp_with_metadata])
def test_png_and_webp_metadata_chunks_are_dropped(make: Callable[[], bytes]) -> None:
    safe = sanitize_image(make())
    assert images.metadata_free(safe.data)
    assert b"Jane Doe" not in safe.data
    assert b"home address" not in safe.data


def test_good_images_keep_their_format_pixels_and_get_a_digest() -> None:
    data = images.png(40, 30, mode="RGBA")
    safe = sanitize_image(data)
    assert (safe.format, safe.width, safe.height) == ("PNG", 40, 30)
    assert safe.content_type == "image/png"
    assert safe.extension == "png"
    assert len(safe.sha256) == 64
    original = Image.open(io.BytesIO(data)).convert("RGBA")
    assert Image.open(io.BytesIO(safe.data)).convert("RGBA").tobytes() == original.tobytes()


def test_max_side_shrinks_but_never_enlarges() -> None:
    assert sanitize_image(images.jpeg(400, 200), max_side=100).width == 100
    assert sanitize_image(images.jpeg(40, 20), max_side=100).width == 40


def test_byte_cap_is_checked_before_parsing() -> None:
    with pytest.raises(UnsafeImageError, match="the limit is 10 MB"):
        sanitize_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * imagesafety.MAX_BYTES)
    with pytest.raises(UnsafeImageError, match="larger than 1 MB"):
        imagesafety.read_capped(io.BytesIO(b"x" * (2 * 1024 * 1024)), max_bytes=1024 * 1024)


def test_pixel_cap_is_checked_from_the_header() -> None:
    # Just over the cap: Pillow's bomb warning is an error here, before any pixel is decoded.
    with pytest.raises(UnsafeImageError, match="the limit is 40 megapixels"):
        sanitize_image(images.png_bomb(6400, 6400))
    # A caller's lower cap is checked against the header size, and the message says the size.
    with pytest.raises(UnsafeImageError, match=r"2000x1000 pixels \(2 megapixels\)"):
        sanitize_image(images.png_bomb(2000, 1000), max_pixels=1_000_000)


@pytest.mark.parametrize("data", [b"", b"GIF89a\x01\x00", b"<svg xmlns='x'/>", b"hello"])
def test_other_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(UnsafeImageError):
        sanitize_image(data)


def test_thumbnails_are_small_webp() -> None:
    thumb = imagesafety.thumbnail(sanitize_image(images.jpeg(900, 600)), 320)
    assert (thumb.format, thumb.width, thumb.height) == ("WEBP", 320, 213)
    assert images.metadata_free(thumb.data)
