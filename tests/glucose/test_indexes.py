"""The readings table is the hottest write (every CGM sync): it carries no index that
another index already covers, since each one costs every inserted row."""

import pytest
from django.db import connection

from apps.glucose.models import GlucoseReading

pytestmark = pytest.mark.django_db


def test_no_reading_index_is_a_prefix_of_another():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, GlucoseReading._meta.db_table
        )
    indexes = {name: c["columns"] for name, c in constraints.items() if c["index"]}
    assert len(indexes) == 2, indexes  # unique (user, time, device) and the sync feed
    # (the primary key is reported as a constraint, not an index)
    for name, columns in indexes.items():
        for other, longer in indexes.items():
            if other != name and not constraints[name]["unique"]:
                assert longer[: len(columns)] != columns, f"{name} is covered by {other}"


def test_the_owner_is_still_a_foreign_key():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, GlucoseReading._meta.db_table
        )
    assert any(c["foreign_key"] == ("accounts_user", "id") for c in constraints.values())


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_leaves_the_foreign_key_alone_both_ways():
    """Dropping the index must not drop and re-add the foreign key (that re-checks every
    reading under a table lock); CONCURRENTLY needs a real, non-transactional run."""
    from django.db.migrations.executor import MigrationExecutor

    def foreign_key_oid():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT oid FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [GlucoseReading._meta.db_table],
            )
            return cursor.fetchall()

    def user_index() -> bool:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(
                cursor, GlucoseReading._meta.db_table
            )
        return any(c["index"] and c["columns"] == ["user_id"] for c in constraints.values())

    before = foreign_key_oid()
    assert len(before) == 1 and not user_index()
    MigrationExecutor(connection).migrate([("glucose", "0001_initial")])
    assert user_index() and foreign_key_oid() == before
    MigrationExecutor(connection).migrate([("glucose", "0002_drop_redundant_user_index")])
    assert not user_index() and foreign_key_oid() == before
