"""Free text -> colours and choices for the built-in renderer.

A persona's look is free text ("warm olive", "dark blonde, shoulder-length", "navy blazer over a
white tee"). This module reads the common words and, for anything it does not know, derives a stable
colour or choice from a hash of the text, so unknown words still render the same way every time and
two different descriptions still look different.
"""

from __future__ import annotations

import colorsys
import hashlib
import re

from .palette import RGB, SKIN, SKIN_RAMP, hex_rgb


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """`t` of the way from a to b."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def darker(c: RGB, t: float) -> RGB:
    return mix(c, (0, 0, 0), t)


def lighter(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def luminance(c: RGB) -> float:
    return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255


def hls(h: float, lum: float, s: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, lum, s)
    return (round(r * 255), round(g * 255), round(b * 255))


def text_hash(text: str, salt: str = "") -> float:
    """A stable number in [0, 1) for a piece of text."""
    digest = hashlib.sha256(f"{salt}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ").replace("_", " ").replace("\u2019", "'")
    text = re.sub(r"[,;:/()&+.!?]+", " . ", text)  # clause breaks stay visible as " . "
    text = re.sub(r"[^a-z0-9#'. ]+", " ", text)
    return " ".join(text.split())


_NEGATIONS = ("no", "without", "not", "never", "non")


def has(text: str, *words: str) -> bool:
    """Does normalised `text` mention any of `words` (whole words, plural `s` allowed), not negated
    ("no glasses", "without a beard")?"""
    for word in words:
        for m in re.finditer(rf"\b{re.escape(word)}s?\b", text):
            before = text[: m.start()].split(" . ")[-1].split()[-3:]
            if not any(neg in before for neg in _NEGATIONS):
                return True
    return False


_HEX = re.compile(r"#([0-9a-f]{6}|[0-9a-f]{3})\b")


def find_hex(text: str) -> RGB | None:
    m = _HEX.search(text)
    return hex_rgb(m.group(1)) if m else None


def _longest_match(text: str, table: dict[str, RGB]) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for phrase in table:
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", text):
            if best is None or len(phrase) > len(best[0]):
                best = (phrase, m.start())
    return best


def _modified(text: str, phrase: str, start: int, colour: RGB, strength: float) -> RGB:
    """Apply "light"/"dark"/"pale"/"deep"/"warm"/"cool" said around the matched phrase."""
    rest = f"{text[:start]} {text[start + len(phrase) :]}"
    words = set(rest.split())
    if words & {"very", "extremely", "really"}:
        strength *= 1.6
    if words & {"light", "pale", "pastel", "lighter", "soft"}:
        colour = lighter(colour, strength)
    if words & {"dark", "deep", "rich", "darker"}:
        colour = darker(colour, strength)
    if "warm" in words:
        colour = (min(255, colour[0] + 8), colour[1] + 2, max(0, colour[2] - 8))
    if "cool" in words:
        colour = (max(0, colour[0] - 4), colour[1], min(255, colour[2] + 8))
    return colour


def read_colour(text: str, table: dict[str, RGB], *, strength: float = 0.22) -> RGB | None:
    """The colour that normalised `text` names from `table` (a hex code wins), or None."""
    found = find_hex(text)
    if found:
        return found
    match = _longest_match(text, table)
    if match is None:
        return None
    phrase, start = match
    return _modified(text, phrase, start, table[phrase], strength)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}


def skin_colour(text: str) -> RGB | None:
    """None for empty text; a plausible skin colour otherwise (hash along the ramp if unknown)."""
    text = normalise(text)
    if not text:
        return None
    m = re.search(r"\b(?:type|fitzpatrick)\s+(i{1,3}|iv|vi?|[1-6])\b", text)
    if m:
        level = _ROMAN.get(m.group(1)) or int(m.group(1))
        return SKIN_RAMP[level - 1]
    found = read_colour(text, SKIN, strength=0.12)
    if found:
        return found
    t = text_hash(text, "skin") * (len(SKIN_RAMP) - 1)
    i = int(t)
    return mix(SKIN_RAMP[i], SKIN_RAMP[i + 1], t - i)


_SHADE_WORDS = {"light", "dark", "pale", "deep", "bright", "soft", "pastel", "rich", "warm", "cool"}


def colour_before(text: str, words: tuple[str, ...], table: dict[str, RGB]) -> RGB | None:
    """The colour named just before one of `words` in normalised `text`, within the same clause:
    "navy blazer over a white shirt" with shirt -> white; "sage green blazer" with blazer -> sage
    green (the longest colour name that ends there, not just "green")."""
    for word in words:
        for m in re.finditer(rf"((?:[a-z0-9#']+\s+){{1,4}}){re.escape(word)}s?\b", text):
            before = m.group(1).split()
            named = [k for k in range(1, len(before) + 1) if " ".join(before[-k:]) in table]
            if named:
                k = max(named)
            else:
                k = next(
                    (k for k in range(1, len(before) + 1) if read_colour(before[-k], table)), 0
                )
                if not k:
                    continue
            if k < len(before) and before[-k - 1] in _SHADE_WORDS:
                k += 1
            return read_colour(" ".join(before[-k:]), table)
    for clause in text.split(" . "):  # "hijab in sage", "glasses: tortoiseshell"
        if any(re.search(rf"\b{re.escape(word)}s?\b", clause) for word in words):
            found = read_colour(clause, table)
            if found is not None:
                return found
    return None


def _distance(a: RGB, b: RGB) -> float:
    """How different two colours look ("redmean": weighted RGB, close to perceived difference)."""
    mean_red = (a[0] + b[0]) / 2
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return (2 + mean_red / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean_red) / 256) * db * db


def colour_name(colour: RGB, table: dict[str, RGB]) -> str:
    """The name in `table` of the colour nearest to `colour` (the first name among equals)."""
    return min(table, key=lambda name: _distance(colour, table[name]))


def hashed_colour(text: str, salt: str, *, lum: float = 0.45, sat: float = 0.5) -> RGB:
    return hls(text_hash(text, salt), lum, sat)


def hash_pick(text: str, salt: str, options: list[str]) -> str:
    return options[int(text_hash(text, salt) * len(options))]
