"""PkLookup: the authentication's user query, compiled once, builds what the ORM builds."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db.models.sql.compiler import SQLCompiler

from apps.common.prepared import PkLookup
from apps.sync.changes import versions_of
from apps.sync.models import ChangeCounter

pytestmark = pytest.mark.django_db


def lookup() -> PkLookup:
    return PkLookup(lambda: get_user_model().objects.select_related("profile", "change_counter"))


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_it_builds_the_objects_the_queryset_builds(member, django_assert_num_queries):
    ChangeCounter.objects.create(user=member, value=7, score_seq=3)
    expected = (
        get_user_model()
        .objects.select_related("profile", "change_counter")
        .filter(pk=member.pk)
        .first()
    )
    with django_assert_num_queries(1):
        user = lookup()(str(member.pk))  # the JWT claim is a string
        assert fields(user) == fields(expected)
        assert fields(user.profile) == fields(expected.profile)
        assert user.profile.timezone == "Europe/Berlin"
        assert versions_of(user) == (7, 3)  # loaded with the user: no second query


def test_a_user_without_a_counter_reads_the_initial_versions(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = lookup()(member.pk)
        assert versions_of(user) == (1, 0)


def test_unknown_or_malformed_keys_find_nobody(member):
    prepared = lookup()
    assert prepared(uuid.uuid4()) is None
    assert prepared("not-a-uuid") is None
    assert prepared(member.pk).pk == member.pk


def test_it_compiles_once(member, other_member, monkeypatch):
    prepared = lookup()
    assert prepared(member.pk).email == member.email
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k)
    )
    assert prepared(other_member.pk).email == other_member.email
    assert compiles == []


def test_a_queryset_with_its_own_parameters_is_refused(member):
    prepared = PkLookup(lambda: get_user_model().objects.filter(email__startswith="m"))
    with pytest.raises(ValueError, match="without parameters"):
        prepared(member.pk)


def test_each_thread_compiles_with_its_own_connection(member, other_member):
    import threading

    prepared = lookup()
    assert prepared(member.pk).email == member.email
    seen = []

    def other_thread():
        from django.db import connections

        try:
            seen.append(prepared(other_member.pk))
            compiler = prepared._local.__dict__["default"][0]
            seen.append(compiler.connection is connections["default"])
        finally:
            connections["default"].close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    # The other thread has its own connection, outside this test's transaction: it does
    # not see the uncommitted member, but it did compile and run with its own wrapper.
    assert seen == [None, True]
