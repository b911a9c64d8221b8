"""Image.held_usd and Image.charged_usd mirror each image's ledger lines (generation.ledger keeps
them so from here on); this fills them in for the lines written before. The Costs page sums
them, so it no longer reads lines by month: their index ledger_costs goes."""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_lines_to_images(apps, schema_editor):
    image_model = apps.get_model("generation", "Image")
    line_model = apps.get_model("generation", "LedgerEntry")

    def amount(kind):
        lines = line_model.objects.filter(image=OuterRef("pk"), kind=kind)
        return Subquery(lines.values("amount_usd")[:1])

    reserved = image_model.objects.filter(ledger__kind="reservation")
    reserved.update(held_usd=amount("reservation"))
    reserved.filter(ledger__kind="release").update(held_usd=Decimal(0))
    image_model.objects.filter(ledger__kind="settlement").update(charged_usd=amount("settlement"))


class Migration(migrations.Migration):
    dependencies = [("generation", "0016_image_costs_in_order")]

    operations = [
        migrations.RemoveIndex(model_name="ledgerentry", name="ledger_costs"),
        migrations.AddField(
            model_name="image",
            name="held_usd",
            field=models.DecimalField(blank=True, decimal_places=8, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name="image",
            name="charged_usd",
            field=models.DecimalField(blank=True, decimal_places=8, max_digits=18, null=True),
        ),
        migrations.RunPython(copy_lines_to_images, migrations.RunPython.noop, elidable=True),
    ]
