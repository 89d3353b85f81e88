from rest_framework import serializers

from apps.days.models import DayConfirmation


class DayConfirmationInputSerializer(serializers.Serializer):
    food_log_complete = serializers.BooleanField()
    no_exercise = serializers.BooleanField()


class DayConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = DayConfirmation
        fields = ["id", "date", "food_log_complete", "no_exercise", "updated_at"]
        read_only_fields = fields
