from rest_framework import serializers

from apps.api.fields import AwareDateTimeField, FiniteFloatField
from apps.fasting.models import FastingWindow, Protocol


class FastingWindowInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    started_at = AwareDateTimeField()
    ended_at = AwareDateTimeField(required=False, allow_null=True)
    target_hours = FiniteFloatField(min_value=1, max_value=240, required=False, allow_null=True)
    protocol = serializers.ChoiceField(choices=Protocol.choices, required=False)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate(self, attrs):
        start, end = attrs.get("started_at"), attrs.get("ended_at")
        if start and end and end <= start:
            raise serializers.ValidationError({"ended_at": ["ended_at must be after started_at."]})
        return attrs


class FastingWindowSerializer(serializers.ModelSerializer):
    started_at = AwareDateTimeField()
    ended_at = AwareDateTimeField(allow_null=True)
    duration_hours = serializers.SerializerMethodField()

    class Meta:
        model = FastingWindow
        fields = [
            "id",
            "started_at",
            "ended_at",
            "target_hours",
            "protocol",
            "note",
            "duration_hours",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_duration_hours(self, obj) -> float | None:
        if obj.ended_at is None:
            return None
        return round((obj.ended_at - obj.started_at).total_seconds() / 3600, 2)


class FastStartSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    started_at = AwareDateTimeField(required=False)
    target_hours = FiniteFloatField(min_value=1, max_value=240, required=False, allow_null=True)
    protocol = serializers.ChoiceField(choices=Protocol.choices, required=False)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FastEndSerializer(serializers.Serializer):
    ended_at = AwareDateTimeField(required=False)
