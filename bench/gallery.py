"""The gallery's figures at a large workspace: server time and query count of the
gallery's first page and of the next page its own "More" link asks for, for each filter alone,
three combined and two searches; the filter panel, the image page and the batches history.

The workspace (bench.gallery_data) is measured twice: at about SMALL images, for the query
counts, and at the full size. Each filter's value is the typical one at the full size (the value
whose number of images is nearest the median), and the small workspace holds at least one image
of each, so both sizes show portraits and the counts compare like with like. The requests go
through Django's test client in this process, as bench.pages does: the time is the whole server
side, without a network.
"""

from __future__ import annotations

import gc
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from bench import gallery_data
from bench.costsbench import YEAR_FIGURE, YEAR_TARGET_MS, CsvResult, cost_pages, measure_csv
from bench.gallery_data import Archive, Planned
from bench.pages import PageResult, logged_in, measure
from bench.phases import cpu_delta
from bench.procs import Group, cpu_snapshot
from bench.zipbench import ZipResult
from gallery.query import GalleryFilter, encode_cursor
from generation.models import Image

SMALL = 100
PAGE_TARGET_MS = 50
SEARCH_TARGET_MS = 100
PROMPT_WORD = "freckles"  # in the prompts of the personas with freckles (bench.gallery_data)
HTMX = {"HX-Request": "true"}
MORE_LINK = re.compile(r'id="gallery-more" hx-get="([^"]+)"')
CARD_LINK = re.compile(r'class="gallery-thumb" href="([^"]+)"')
CARD_ID = re.compile(r'name="image" value="([0-9a-f-]{36})"')
ANALYZED = (
    "generation_image", "generation_job", "gallery_imagetag", "gallery_favourite",
    "generation_ledgerentry",
)  # fmt: skip


@dataclass
class Figure:
    name: str
    target_ms: int
    first: PageResult
    next: PageResult | None = None  # the page the first one's More link fetches
    query: str | None = None  # a gallery filter: how many images it selects is counted
    matching: int | None = None  # ... at the full size
    card_of: Figure | None = None  # an image page: a card of that figure's first page


@dataclass
class GalleryResult:
    workspace_id: uuid.UUID
    images: int
    small: int
    build_seconds: tuple[float, float, float]  # planning all; COPY past the small size; VACUUM
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0  # the whole gallery phase, building included
    cpu: dict[str, float] = field(default_factory=dict)  # bench.phases.cpu_delta of the phase
    zip: ZipResult | None = None
    csv: CsvResult | None = None  # the Costs page's CSV of the whole year


def measure_gallery(
    owner: Any, total: int, requests: int, budget: float, postgres: Group
) -> GalleryResult:
    """`budget`: seconds per page and size, as bench.pages; `postgres` is counted as the
    bench's own CPU, anything else the machine did meanwhile as other load."""
    before, began = cpu_snapshot([postgres]), time.time()
    started = time.perf_counter()
    archive = gallery_data.create(owner, total)
    planned = time.perf_counter() - started
    choices = _choices(archive)
    small = gallery_data.small_set(archive, SMALL, [choice.test for choice in choices])
    small_size = len(small)
    gallery_data.load(archive, small)
    _analyze()
    workspace_id = archive.workspace.pk
    membership = Membership.objects.get(workspace_id=workspace_id, user=owner)
    client = logged_in(owner, workspace_id)
    year = _year(archive)
    figures = [*_figures(choices), *_cost_figures(archive, year)]
    _measure_all(client, figures, small_size, requests=5, budget=budget)
    started = time.perf_counter()
    shown = {id(image) for image in small}
    gallery_data.load(archive, [image for image in archive.images if id(image) not in shown])
    copied = time.perf_counter() - started
    _analyze()
    analyzed = time.perf_counter() - started - copied
    # The plan is a million objects the garbage collector would walk through during the timed
    # requests below: let it go.
    del archive, small, choices
    gc.collect()
    _measure_all(client, figures, total, requests=requests, budget=budget)
    csv = measure_csv(client, total, *year)
    for figure in figures:
        if figure.query is not None:
            chosen = GalleryFilter.from_query(QueryDict(figure.query), membership)
            figure.matching = chosen.images(membership).count()
    result = GalleryResult(workspace_id, total, small_size, (planned, copied, analyzed), figures)
    result.csv = csv
    result.cpu = cpu_delta(before, cpu_snapshot([postgres]))
    result.seconds = time.time() - began
    return result


def _year(archive: Archive) -> tuple[date, date]:
    """The first and last day with images: the whole archive."""
    made = [image.get("created_at").date() for image in (archive.images[0], archive.images[-1])]
    return made[0], made[1]


def _cost_figures(archive: Archive, year: tuple[date, date]) -> list[Figure]:
    """The Costs page's breakdowns of the month in the middle of the year (a full month's
    images, as the gallery's date-range figure), and by day over the whole year."""
    month = archive.images[len(archive.images) // 2].get("created_at").date().replace(day=1)
    return [
        Figure(name, YEAR_TARGET_MS if name == YEAR_FIGURE else PAGE_TARGET_MS, page)
        for name, page in cost_pages(month, *year)
    ]


def _analyze() -> None:
    """As the table would be after a while in use: statistics current, and the visibility map
    set, so index-only scans need not visit the table."""
    with connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _measure_all(client: Client, figures: list[Figure], rows: int, **timing: Any) -> None:
    pages: dict[int, str] = {}  # id(figure) -> its first page
    for figure in figures:
        if figure.card_of is not None:  # the third card, with the filter in its link
            cards = CARD_LINK.findall(pages[id(figure.card_of)])
            figure.first.url = unescape(cards[min(2, len(cards) - 1)])
        pages[id(figure)] = measure(client, figure.first, rows, **timing)
        if figure.next is not None:
            figure.next.url = _next_url(pages[id(figure)], figure.first.url)
            measure(client, figure.next, rows, **timing)


def _next_url(content: str, first_url: str) -> str:
    """The URL the grid's last item fetches as it scrolls into view (its More link). A filter
    with one page has none (at the small size, most): then the same request after the last card
    shown, which finds nothing, so that its query count can be compared all the same."""
    link = MORE_LINK.search(content)
    if link:
        return unescape(link[1])
    last = Image.objects.get(pk=CARD_ID.findall(content)[-1])
    return f"{first_url}{'&' if '?' in first_url else '?'}cursor={encode_cursor(last)}"


def _figures(choices: list[Choice]) -> list[Figure]:
    gallery, panel = reverse("gallery:gallery"), reverse("gallery:filters")
    more = {**HTMX, "HX-Target": "gallery-more"}
    figures = [
        Figure(
            choice.name,
            SEARCH_TARGET_MS if choice.name.startswith("search") else PAGE_TARGET_MS,
            PageResult(choice.name, f"{gallery}?{choice.query}" if choice.query else gallery),
            PageResult(f"{choice.name}, next page", "", headers=more),
            query=choice.query,
        )
        for choice in choices
    ]
    facets = {**HTMX, "HX-Target": "facets"}
    combined = next(choice.query for choice in choices if choice.name == "persona + model + tag")
    lightbox = Figure("image page (lightbox), persona filter", PAGE_TARGET_MS, PageResult("", ""))
    lightbox.card_of = figures[1]  # the persona's
    return [
        *figures,
        Figure(
            "filter panel (htmx), no filter", PAGE_TARGET_MS, PageResult("", panel, headers=facets)
        ),
        Figure(
            "filter panel (htmx), persona + model + tag",
            PAGE_TARGET_MS,
            PageResult("", f"{panel}?{combined}", headers=facets),
        ),
        lightbox,
        Figure("batches history (/jobs/)", PAGE_TARGET_MS, PageResult("", reverse("gallery:jobs"))),
    ]


@dataclass(frozen=True)
class Choice:
    name: str
    query: str  # the gallery's URL query
    test: Callable[[Planned], bool]  # what it selects, near enough to find one for the small size


def _choices(archive: Archive) -> list[Choice]:
    """Every figure with a filter, each value the typical one (see the docstring)."""
    persona = _typical(archive.counts("persona_id"))
    name = next(p.name for p in archive.personas if p.pk == persona)
    creator = _typical(Counter(image.by for image in archive.images))
    email = archive.people[creator].email
    tag = _typical(Counter(tag for image in archive.images for tag in image.tags))
    middle = archive.images[len(archive.images) // 2].get("created_at").date()
    start, end = middle.replace(day=1), _month_end(middle)
    surname = name.split()[-1]
    return [
        Choice("no filter", "", lambda image: True),
        Choice(
            f"persona ({name})", _query(persona=persona), lambda i: i.get("persona_id") == persona
        ),
        _column(archive, "style_key", "style"),
        _column(archive, "model_id", "model"),
        _column(archive, "provider", "provider"),
        Choice("status (failed)", _query(status="failed"), lambda i: i.get("status") == "failed"),
        Choice(
            f"created by ({email})",
            _query(by=archive.people[creator].pk),
            lambda i: i.by == creator,
        ),
        Choice(
            f"date range ({middle:%B %Y})",
            _query(**{"from": start, "to": end}),
            lambda image: start <= image.get("created_at").date() <= end,
        ),
        Choice("favourites only (mine)", _query(fav=1), lambda image: 0 in image.liked_by),
        Choice(f"tag ({tag})", _query(tag=archive.tags[tag]), lambda image: tag in image.tags),
        _combined(archive),
        Choice(
            f"search, a prompt word ({PROMPT_WORD})",
            _query(q=PROMPT_WORD),
            lambda image: PROMPT_WORD in image.get("prompt"),
        ),
        Choice(
            f"search, a persona's surname ({surname})",
            _query(q=surname),
            lambda image: surname in image.get("persona_name"),
        ),
    ]


def _column(archive: Archive, column: str, parameter: str) -> Choice:
    value = _typical(archive.counts(column))
    return Choice(
        f"{parameter} ({value})", _query(**{parameter: value}), lambda i: i.get(column) == value
    )


def _combined(archive: Archive) -> Choice:
    """Persona, model and tag together: the combination the most images share, so that it has
    a next page too."""
    trios = Counter(
        (image.get("persona_id"), image.get("model_id"), tag)
        for image in archive.images
        for tag in image.tags
    )
    (persona, model, tag), _ = trios.most_common(1)[0]
    return Choice(
        "persona + model + tag",
        _query(persona=persona, model=model, tag=archive.tags[tag]),
        lambda i: (i.get("persona_id"), i.get("model_id")) == (persona, model) and tag in i.tags,
    )


def _typical(counts: Counter[Any]) -> Any:
    """The value whose number of images is nearest the median of all values'."""
    median = sorted(counts.values())[len(counts) // 2]
    return min(sorted(counts, key=str), key=lambda value: abs(counts[value] - median))


def _query(**values: object) -> str:
    return urlencode({key: str(value) for key, value in values.items()})


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
