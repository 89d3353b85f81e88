from __future__ import annotations

from rest_framework import serializers


class InviteAcceptInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, trim_whitespace=True)


class InviteOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField(help_text="Shown once: only a digest is stored.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class CoachOutputSerializer(serializers.Serializer):
    """A coach with read access to the member's data (one active consent)."""

    id = serializers.UUIDField(source="coach.id", help_text="The coach's user id.")
    email = serializers.EmailField(source="coach.email")
    display_name = serializers.CharField(source="coach.display_name")
    granted_at = serializers.DateTimeField()


class AcceptOutputSerializer(serializers.Serializer):
    coach = PersonSerializer()
    granted_at = serializers.DateTimeField()


class LatestScoreSerializer(serializers.Serializer):
    date = serializers.DateField()
    score = serializers.FloatField()


class ClientOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    timezone = serializers.CharField()
    granted_at = serializers.DateTimeField(allow_null=True)
    latest_score = LatestScoreSerializer(allow_null=True)
    avg_score_7d = serializers.FloatField(allow_null=True)
    open_flags = serializers.IntegerField()
    last_data_at = serializers.DateTimeField(
        allow_null=True, help_text="When the server last received any data from the client."
    )
