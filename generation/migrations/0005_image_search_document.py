"""Search reads a stored text-search document instead of computing one per row (PostgreSQL only).

With the document only in an expression index (0002), the planner answers a common word by
walking the gallery's newest-first index and running to_tsvector on each row it passes: about
0.1 ms a row for a real prompt, so 300 rows cost 35-125 ms and a second page more (make bench,
100,000 images). A stored generated column is computed once, when the row is written, and the
GIN index is built over it; gallery.search queries the column. The model does not declare it:
the embedded SQLite default has no such column and searches with LIKE (gallery.search).
"""

from django.db import migrations

DOCUMENT = "to_tsvector('english'::regconfig, prompt || ' ' || persona_name)"
FORWARD = [
    f"ALTER TABLE generation_image ADD COLUMN search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "DROP INDEX IF EXISTS image_search",
    "CREATE INDEX image_search ON generation_image USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS image_search",
    "ALTER TABLE generation_image DROP COLUMN search_document",
    f"CREATE INDEX image_search ON generation_image USING gin ({DOCUMENT})",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("generation", "0004_job_name_and_style_examples")]

    operations = [migrations.RunPython(forward, backward)]
