from __future__ import annotations

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.api.fields import AwareDateTimeField
from apps.common.units import GLUCOSE_UNITS, MGDL, from_mgdl
from apps.glucose.models import GlucoseReading, Source, Trend


@extend_schema_field(
    {"oneOf": [{"type": "number", "example": 5.4}, {"type": "string", "enum": ["LOW", "HIGH"]}]}
)
class GlucoseValueField(serializers.Field):
    """A finite number in the given unit, or a sensor sentinel "LOW" / "HIGH"."""

    default_error_messages = {"invalid": 'A finite number, or "LOW" / "HIGH".'}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            if not math.isfinite(data) or abs(data) > 1e9:
                self.fail("invalid")
            return float(data)
        if isinstance(data, str) and data.strip().upper() in ("LOW", "HIGH"):
            return data.strip().upper()
        self.fail("invalid")

    def to_representation(self, value):
        return value


class GlucoseReadingInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    measured_at = AwareDateTimeField()
    value = GlucoseValueField()
    unit = serializers.ChoiceField(choices=GLUCOSE_UNITS, default=MGDL)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.CGM)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    trend = serializers.ChoiceField(
        choices=Trend.choices, required=False, allow_blank=True, allow_null=True
    )


class GlucoseReadingSerializer(serializers.ModelSerializer):
    measured_at = AwareDateTimeField()
    value = serializers.SerializerMethodField(help_text="In the user's preferred unit.")
    unit = serializers.SerializerMethodField()

    class Meta:
        model = GlucoseReading
        fields = [
            "id",
            "measured_at",
            "value_mgdl",
            "value",
            "unit",
            "censored",
            "source",
            "device",
            "trend",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _unit(self) -> str:
        if "unit" not in self.context:
            request = self.context.get("request")
            profile = getattr(getattr(request, "user", None), "profile", None)
            self.context["unit"] = profile.glucose_unit if profile else MGDL
        return self.context["unit"]

    def get_value(self, obj) -> float:
        return round(from_mgdl(obj.value_mgdl, self._unit()), 2)

    def get_unit(self, obj) -> str:
        return self._unit()


class BulkInputSerializer(serializers.Serializer):
    readings = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=True,
        help_text="Up to 5,000 readings of the single-reading shape.",
    )


class BulkRejectedSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = BulkRejectedSerializer(many=True)


class MetricsQuerySerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    agp = serializers.BooleanField(default=False)

    def validate(self, attrs):
        span = (attrs["end_date"] - attrs["start_date"]).days
        if span < 0:
            raise serializers.ValidationError(
                {"end_date": ["end_date must not be before start_date."]}
            )
        if span >= 366:
            raise serializers.ValidationError({"end_date": ["At most 366 days at once."]})
        return attrs
