"""Text tools for the prompt composer: cleaning user text, dropping requests for lettering, and
fitting prioritised parts into a length limit without cutting a word in half."""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_KEEP = 24  # a part shorter than this after cutting is dropped instead of left as a stub

# Clauses asking a model to draw words: FLUX gets none of them (they come out garbled).
_TEXT_REQUEST = re.compile(
    r"[\"\u201c\u201d\u00ab\u00bb]"  # any quoted wording
    r"|\b(?:text|texts|caption|captions|lettering|typography|typeface|font|slogan|headline|"
    r"written|the words?|logo reading)\b"
    # "a sign reading OPEN", "a mug that says Hi": but "reading glasses" is an accessory.
    r"|\b(?:reads|reading|says|saying|spells|spelling)\s+(?-i:['A-Z0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    text: str
    priority: int  # 0 = essential; higher numbers are shortened first


def clean(text: str) -> str:
    """One line, single spaces, no trailing punctuation (the composer adds its own)."""
    return " ".join(text.split()).strip(" .;,")


def without_text_requests(text: str) -> str:
    """Drop every clause that asks for visible text (quoted words, captions, "reading ...")."""
    clauses = re.split(r"(?<=[.;,])\s+|\s+-\s+", text)
    return clean(", ".join(clean(c) for c in clauses if c.strip() and not _TEXT_REQUEST.search(c)))


def lower_first(text: str) -> str:
    """ "Product manager" -> "product manager" mid-sentence, but "CTO" stays "CTO"."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def joined(items: list[str], sep: str = ", ") -> str:
    """Non-empty items joined; items keep their own punctuation (callers pass cleaned text)."""
    return sep.join(i.strip() for i in items if i.strip())


def fill(value: str, template: str) -> str:
    """`template` filled with `value`, or "" when `value` is empty after cleaning."""
    value = clean(value)
    return template.format(value) if value else ""


def cut_words(text: str, max_len: int) -> str:
    """At most `max_len` characters plus "…", cut at a space: never in the middle of a word."""
    if len(text) <= max_len:
        return text
    cut = text[: max_len + 1]
    space = cut.rfind(" ")
    if space <= 0:
        return ""
    return cut[:space].rstrip(" ,;:.\u2013-") + "\u2026"  # en dash, ellipsis


def fit(parts: list[Part], sep: str, limit: int) -> tuple[str, bool]:
    texts = [p.text for p in parts]
    shortened = False

    def total() -> int:
        return len(sep.join(t for t in texts if t))

    while total() > limit:
        # The lowest-priority part that is left; among equals the later one (it matters less).
        index = max((i for i, t in enumerate(texts) if t), key=lambda i: (parts[i].priority, i))
        keep = len(texts[index]) - (total() - limit) - 1  # room for the "…"
        texts[index] = cut_words(texts[index], keep) if keep >= MIN_KEEP else ""
        shortened = True
    return sep.join(t for t in texts if t), shortened
