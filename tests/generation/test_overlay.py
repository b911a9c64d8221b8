"""Adding text to a finished portrait (generation.overlay, painter.overlay): a new image, its
parent the original, stored like a generated one, costing $0 with the built-in renderer's lines;
bad input is refused in words and changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image as Picture
from PIL import ImageChops

from avatarapp.workspaces.models import Membership
from generation import storage
from generation.models import Budget, BudgetPeriod, Image, Job, LedgerEntry, Origin
from generation.overlay import OverlayError, overlay_add
from painter.overlay import TextOverlay
from tests.conftest import World
from tests.gallery.lightbox_support import finished_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


def _picture(name: str) -> Picture.Image:
    return Picture.open(io.BytesIO(b"".join(storage.open_chunks(name)))).convert("RGB")


def _changed_rows(parent: Image, child: Image) -> tuple[int, int]:
    """The first and last pixel rows where the child differs from its parent."""
    box = ImageChops.difference(_picture(parent.original.name), _picture(child.original.name))
    bounds = box.getbbox()
    assert bounds is not None, "the text changed nothing"
    return bounds[1], bounds[3]


def test_text_makes_a_new_finished_image_whose_parent_is_the_original(editor: Membership) -> None:
    parent = finished_image(editor)
    jobs = Job.objects.count()

    child = overlay_add(membership=editor, image=parent, overlay=TextOverlay("Meet Maya"))

    child.refresh_from_db()
    assert child.parent == parent
    assert child.origin == Origin.OVERLAY
    assert child.status == Image.Status.SUCCEEDED
    assert child.actual_usd == Decimal(0)
    assert (child.width, child.height) == (parent.width, parent.height)
    assert child.workspace_id == parent.workspace_id
    assert child.job_id != parent.job_id
    assert Job.objects.count() == jobs + 1
    assert child.job.name == f"Text on {parent.persona_name} - {parent.style_name}"
    assert list(parent.children.all()) == [child]
    assert _picture(child.thumbnail.name).width <= storage.THUMBNAIL_SIDE
    # The original is untouched: same file, same bytes.
    parent_before = parent.sha256
    parent.refresh_from_db()
    assert parent.sha256 == parent_before
    assert parent.original.name != child.original.name


def test_text_is_accounted_like_a_builtin_image_at_zero(editor: Membership) -> None:
    child = overlay_add(
        membership=editor, image=finished_image(editor), overlay=TextOverlay("Meet Maya")
    )

    lines = {line.kind: line.amount_usd for line in LedgerEntry.objects.filter(image=child)}
    assert lines == {"reservation": Decimal(0), "settlement": Decimal(0), "release": Decimal(0)}


@pytest.mark.parametrize(
    ("position", "rows"),
    [("top", (0.0, 0.3)), ("lower_third", (0.55, 0.9)), ("bottom", (0.75, 1.0))],
)
def test_the_text_lands_where_it_was_asked_for(
    editor: Membership, position: str, rows: tuple[float, float]
) -> None:
    parent = finished_image(editor)
    overlay = TextOverlay("Meet Maya", position=position, size="small", band=False)

    first, last = _changed_rows(
        parent, overlay_add(membership=editor, image=parent, overlay=overlay)
    )

    height = parent.height or 0
    assert rows[0] * height <= first
    assert last <= rows[1] * height


def test_the_contrast_band_spans_the_whole_width(editor: Membership) -> None:
    parent = finished_image(editor)
    banded = overlay_add(membership=editor, image=parent, overlay=TextOverlay("Hi", band=True))
    plain = overlay_add(membership=editor, image=parent, overlay=TextOverlay("Hi", band=False))

    def changed_width(child: Image) -> int:
        diff = ImageChops.difference(_picture(parent.original.name), _picture(child.original.name))
        left, _, right, _ = diff.getbbox() or (0, 0, 0, 0)
        return right - left

    assert changed_width(banded) == parent.width
    assert changed_width(plain) < parent.width / 2


@pytest.mark.parametrize(
    ("overlay", "field", "words"),
    [
        (TextOverlay("x" * 2000), "text", "Keep the text to 120 characters (this has 2,000)"),
        (TextOverlay("   "), "text", "Type the words to put on the portrait."),
        (TextOverlay("Hi", position="middle"), "position", "Choose top, lower third or bottom."),
        (TextOverlay("Hi", size="huge"), "size", "Choose small, medium or large."),
        (TextOverlay("Hi", colour="#ff00ff"), "colour", "Choose one of the colours offered"),
    ],
)
def test_bad_text_or_choices_are_refused_and_nothing_changes(
    editor: Membership, overlay: TextOverlay, field: str, words: str
) -> None:
    parent = finished_image(editor)
    images, files = Image.objects.count(), len(storage.stored_names(editor.workspace_id, parent.pk))

    with pytest.raises(OverlayError) as refused:
        overlay_add(membership=editor, image=parent, overlay=overlay)

    assert words in refused.value.problems[field]
    assert Image.objects.count() == images
    assert not parent.children.exists()
    assert len(storage.stored_names(editor.workspace_id, parent.pk)) == files


def test_an_unfinished_image_or_a_viewer_is_refused(world: World, editor: Membership) -> None:
    parent = finished_image(editor)
    Image.objects.filter(pk=parent.pk).update(status=Image.Status.FAILED)
    parent.refresh_from_db()
    with pytest.raises(OverlayError, match="only to a finished portrait"):
        overlay_add(membership=editor, image=parent, overlay=TextOverlay("Hi"))

    done = finished_image(editor)
    with pytest.raises(OverlayError, match="needs the editor role"):
        overlay_add(membership=world.membership("viewer"), image=done, overlay=TextOverlay("Hi"))
    assert not Image.objects.filter(parent__isnull=False).exists()


def test_a_budget_lowered_below_this_months_spend_does_not_stop_a_free_overlay(
    editor: Membership,
) -> None:
    parent = finished_image(editor)
    BudgetPeriod.objects.filter(workspace_id=editor.workspace_id).update(spent_usd=Decimal(5))
    Budget.objects.create(workspace_id=editor.workspace_id, monthly_cap_usd=Decimal(1))

    child = overlay_add(membership=editor, image=parent, overlay=TextOverlay("Hi"))

    child.refresh_from_db()
    assert child.status == Image.Status.SUCCEEDED
    assert not LedgerEntry.objects.filter(image=child).exists()
    period = BudgetPeriod.objects.get(workspace_id=editor.workspace_id)
    assert (period.reserved_usd, period.spent_usd) == (Decimal(0), Decimal(5))
