"""Drop the readings' standalone user index: both other indexes lead with the user.

A plain AlterField(db_index=False) would drop and re-add the foreign key, re-checking every
reading under a lock that stops all reads and writes of the table. Only the index goes
here (CONCURRENTLY on PostgreSQL, so uploads carry on); the state change is separate.
"""

from django.conf import settings
from django.db import migrations, models

COLUMN = "user_id"
NAME = "glucose_glucosereading_user_id_e794e243"  # Django's name for it (0001_initial)


def _user_indexes(schema_editor, table: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and c["columns"] == [COLUMN] and not c["unique"] and not c["primary_key"]
    ]


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_index(apps, schema_editor):
    table = apps.get_model("glucose", "GlucoseReading")._meta.db_table
    for name in _user_indexes(schema_editor, table):
        schema_editor.execute(
            f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {schema_editor.quote_name(name)}"
        )


def create_index(apps, schema_editor):
    table = apps.get_model("glucose", "GlucoseReading")._meta.db_table
    if not _user_indexes(schema_editor, table):
        schema_editor.execute(
            f"CREATE INDEX{_concurrently(schema_editor)} {schema_editor.quote_name(NAME)} "
            f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(COLUMN)})"
        )


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("glucose", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="glucosereading",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
