"""No two live fasting windows of a user overlap: a PostgreSQL exclusion constraint.

It is expressed with RunPython so that the embedded SQLite default (which has no GiST)
still migrates; the service check guards SQLite, and PostgreSQL enforces it under races.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE fasting_fastingwindow ADD CONSTRAINT fast_no_overlap
    EXCLUDE USING gist (
        user_id WITH =,
        tstzrange(started_at, COALESCE(ended_at, 'infinity'::timestamptz), '[)') WITH &&
    ) WHERE (deleted_at IS NULL);
"""
DROP = "ALTER TABLE fasting_fastingwindow DROP CONSTRAINT IF EXISTS fast_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("fasting", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
