from rest_framework import serializers

from apps.activity.models import ExerciseSession, Intensity
from apps.api.fields import AwareDateTimeField


class ExerciseSessionInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    started_at = AwareDateTimeField()
    minutes = serializers.IntegerField(min_value=1, max_value=1440)
    intensity = serializers.ChoiceField(choices=Intensity.choices)
    kind = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class ExerciseSessionSerializer(serializers.ModelSerializer):
    started_at = AwareDateTimeField()

    class Meta:
        model = ExerciseSession
        fields = [
            "id",
            "started_at",
            "minutes",
            "intensity",
            "kind",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
