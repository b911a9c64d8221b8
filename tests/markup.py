"""Reading rendered HTML in tests: elements by tag and attributes, and the text a person reads."""

from __future__ import annotations

from collections.abc import Iterator

from django.test.html import Element, parse_html


def _walk(node: Element) -> Iterator[Element]:
    yield node
    for child in node.children:
        if isinstance(child, Element):
            yield from _walk(child)


def find_all(html: str, tag: str | None = None, **attrs: str) -> list[Element]:
    """Elements named `tag` (any when None) whose attributes have these values; write
    aria_invalid="true" for aria-invalid="true"."""
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
    return [
        element
        for element in _walk(parse_html(html))
        if (tag is None or element.name == tag)
        and all(dict(element.attributes).get(name) == value for name, value in wanted.items())
    ]


def find(html: str, tag: str | None = None, **attrs: str) -> Element:
    """The one element that matches (see find_all); fails unless there is exactly one."""
    found = find_all(html, tag, **attrs)
    assert len(found) == 1, f"{len(found)} elements match {tag} {attrs}"
    return found[0]


def text(element: Element) -> str:
    """The element's text with its whitespace collapsed, as a person reads it."""
    parts: list[str] = []

    def collect(node: Element) -> None:
        for child in node.children:
            if isinstance(child, Element):
                collect(child)
            else:
                parts.append(str(child))

    collect(element)
    return " ".join(" ".join(parts).split())


def attribute(element: Element, name: str) -> str:
    """The value of the element's attribute `name`: "" when it has none, or no value."""
    return dict(element.attributes).get(name) or ""
