from rest_framework import serializers

from apps.api.fields import AwareDateTimeField, FiniteFloatField
from apps.nutrition.models import KCAL_MAX, LEUCINE_MAX_G, MACRO_MAX_G, Meal


def _grams(maximum: float) -> FiniteFloatField:
    return FiniteFloatField(min_value=0, max_value=maximum, required=False, allow_null=True)


class MealInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False)
    eaten_at = AwareDateTimeField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kcal = FiniteFloatField(min_value=0, max_value=KCAL_MAX)
    protein_g = _grams(MACRO_MAX_G)
    carbs_g = _grams(MACRO_MAX_G)
    fat_g = _grams(MACRO_MAX_G)
    fiber_g = _grams(MACRO_MAX_G)
    leucine_g = _grams(LEUCINE_MAX_G)


class MealSerializer(serializers.ModelSerializer):
    eaten_at = AwareDateTimeField()

    class Meta:
        model = Meal
        fields = [
            "id",
            "eaten_at",
            "name",
            "kcal",
            "protein_g",
            "carbs_g",
            "fat_g",
            "fiber_g",
            "leucine_g",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
