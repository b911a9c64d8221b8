"""An image that fails after the provider answered (while storing) was priced, then released
uncharged: it must not keep the price, which every page that shows or sums costs reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation import failed_attempts
from generation.models import CostBasis, Image, LedgerEntry
from tests.conftest import World
from tests.generation.cost_rows import S, batch, key

pytestmark = pytest.mark.django_db


def test_failing_while_storing_drops_the_price_and_releases(world: World) -> None:
    (image,) = batch(
        world.team, world.editor, [("gpt-image-1", "openai", key(world.team, "openai", "AbCd"),
                                    "Mia Chen", "0.25")]
    )  # fmt: skip
    priced = {"actual_usd": Decimal("0.19"), "cost_basis": CostBasis.PROVIDER_USAGE}
    Image.objects.filter(pk=image.pk).update(status=S.STORING, **priced)  # as pipeline._finish

    assert failed_attempts.fail(image, S.STORING, "Could not store it.", "storage")

    image.refresh_from_db()
    assert (image.status, image.actual_usd, image.cost_basis) == (S.FAILED, None, "")
    kinds = set(LedgerEntry.objects.filter(image=image).values_list("kind", flat=True))
    assert kinds == {"reservation", "release"}
