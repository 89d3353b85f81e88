"""rows_binary: the binary fetch returns exactly what the ORM returns, and is logged."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.common.db import rows_binary
from apps.glucose.models import GlucoseReading
from apps.glucose.selectors import glucose_epoch_rows, glucose_rows

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 29, 0, 0, 7, 123456, tzinfo=UTC)  # odd microseconds on purpose


@pytest.fixture
def readings(member):
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            id=uuid.uuid4(),
            user=member,
            measured_at=START + timedelta(minutes=5 * i),
            value_mgdl=39.0 if i == 3 else 70.5 + i / 7,
            censored="low" if i == 3 else "",
            device="g7",
            change_seq=1,
        )
        for i in range(50)
    )


def test_it_returns_what_the_orm_returns(member, readings):
    queryset = GlucoseReading.objects.filter(user=member).order_by("measured_at")
    for columns in (("measured_at", "value_mgdl", "censored"), ("id", "device", "change_seq")):
        expected = list(queryset.values_list(*columns))
        assert rows_binary(queryset.values_list(*columns)) == expected
    rows = glucose_rows(user_id=member.pk, start=START, end=START + timedelta(days=1))
    assert rows[0][0] == START and rows[0][0].tzinfo is not None
    assert rows[3][1:] == (39.0, "low")


def test_epoch_rows_match_the_datetimes(member, readings):
    end = START + timedelta(days=1)
    epochs = glucose_epoch_rows(user_id=member.pk, start=START, end=end)
    stamps = glucose_rows(user_id=member.pk, start=START, end=end)
    assert len(epochs) == 50
    assert [e[0] for e in epochs] == [s[0].timestamp() for s in stamps]
    assert [e[1:] for e in epochs] == [s[1:] for s in stamps]


def test_the_query_is_seen_by_query_capture_and_sees_the_open_transaction(member):
    GlucoseReading.objects.create(
        user=member, measured_at=START, value_mgdl=100, device="g7", change_seq=1
    )  # uncommitted: the test runs in a transaction
    with CaptureQueriesContext(connection) as queries:
        rows = rows_binary(GlucoseReading.objects.values_list("value_mgdl"))
    assert rows == [(100.0,)]
    assert len(queries) == 1 and "glucose_glucosereading" in queries[0]["sql"]
