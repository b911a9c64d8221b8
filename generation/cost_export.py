"""The Costs page's CSV: one row per image behind the view, streamed as it is read.

The rows are read in chunks (keyset pages, see _in_order), each written through csv.writer into
a small buffer that the response's generator empties: the first bytes leave before the second
chunk is read, and memory holds one chunk whatever the period's size. Amounts are plain
decimals ("0.04") so a spreadsheet sums them; "actual" is what the ledger charged (its
settlement line, mirrored as Image.charged_usd), the same figure the page sums
(generation.costs), so the file's totals equal the page's and the ledger's to the cent. Not
Image.actual_usd: that is the provider's price from the moment the answer came, also kept by an
image that then could not be stored and failed, its reservation released, uncharged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from avatarapp.spreadsheet import safe_cell
from avatarapp.workspaces.models import Workspace
from catalog import model_name
from generation.costs import Period, images_in, key_label
from generation.models import Campaign, Image
from generation.providers.registry import display_name

COLUMNS = [
    "time", "job", "campaign", "persona", "style", "model", "provider", "key", "person",
    "status", "estimate (USD)", "actual (USD)", "cost basis",
]  # fmt: skip
CHUNK = 2000
FIRST_CHUNK = 200


def csv_response(
    workspace: Workspace, period: Period, campaign: Campaign | None, viewer_id: int
) -> StreamingHttpResponse:
    name = f"costs-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}.csv"
    images = images_in(workspace, period, campaign)
    response = StreamingHttpResponse(
        _stream(images, viewer_id), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Accel-Buffering"] = "no"  # a proxy (nginx) passes it on as it comes
    return response


def _stream(images: QuerySet[Image], viewer_id: int) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    # With a byte-order mark, Excel reads the file as UTF-8 (accents in names stay intact).
    yield _take(buffer).encode("utf-8-sig")
    for number, image in enumerate(_in_order(images), start=1):
        writer.writerow([safe_cell(cell) for cell in _row(image, viewer_id)])
        if number % 200 == 0:
            yield _take(buffer).encode()
    yield _take(buffer).encode()


def _in_order(images: QuerySet[Image]) -> Iterator[Image]:
    """The images oldest first, CHUNK at a time, each chunk starting after the last one read
    (keyset pages along the index image_costs: workspace, created_at, id). Not a server-side
    cursor: outside a transaction PostgreSQL keeps such a cursor by running the whole query
    before the first row (a second at 100,000 images), and inside one the download would hold
    a transaction open for as long as it takes."""
    rows = images.select_related("job__campaign", "job__created_by", "provider_key")
    rows = rows.order_by("created_at", "id")
    page = list(rows[:FIRST_CHUNK])  # small, so that the first rows leave at once
    while page:
        yield from page
        last = page[-1]
        after = Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, id__gt=last.pk)
        page = list(rows.filter(after)[:CHUNK])


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _row(image: Image, viewer_id: int) -> list[str]:
    job = image.job
    person = job.created_by
    charged = image.charged_usd
    return [
        image.created_at.isoformat(timespec="seconds"),
        str(job.pk),
        job.campaign.name if job.campaign else "",
        image.persona_name,
        image.style_name,
        model_name(image.model_id),
        display_name(image.provider),
        key_label(image.provider_key, viewer_id),
        person.email if person else "",
        image.get_status_display(),
        _amount(image.estimated_usd),
        _amount(charged),
        image.get_cost_basis_display() if charged is not None else "",
    ]
