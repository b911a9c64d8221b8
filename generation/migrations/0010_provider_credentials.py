# What a stored original's Content Credentials (C2PA) say: issue 18, item 1.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("generation", "0009_image_lineage")]

    operations = [
        migrations.AddField(
            model_name="image",
            name="credentials",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
