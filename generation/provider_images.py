"""What an image process does with a provider's image: the safety checks with the thumbnail, and
a read of the Content Credentials the file carries, while its bytes are in that process anyway.

Runs in generation/image_processes.py's children, which never load Django: this module imports
only the checks (avatarapp.imagesafety) and the library (provenance). The read is there rather
than in the worker's thread because it is CPU work on the same bytes (about 1.5 ms for a plain
1 MP PNG, 9 ms with a manifest, which it hashes to validate) and the worker's threads share one
interpreter with a hundred provider calls.
"""

from __future__ import annotations

from typing import NamedTuple

from avatarapp.imagesafety import SafeImage, check_with_thumbnail
from provenance.reading import Summary, summarise


class Prepared(NamedTuple):
    original: SafeImage  # the provider's bytes, kept as they came
    thumbnail: SafeImage
    credentials: Summary  # provenance.reading.summarise of the original


def check_and_read(data: bytes, thumbnail_side: int) -> Prepared:
    original, thumbnail = check_with_thumbnail(data, thumbnail_side)
    return Prepared(original, thumbnail, summarise(data, original.content_type))
