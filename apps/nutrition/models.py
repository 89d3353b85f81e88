from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.common.models import UserOwnedRecord

MACRO_MAX_G = 1000
LEUCINE_MAX_G = 50
KCAL_MAX = 10000


def _grams(maximum: float) -> models.FloatField:
    return models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(maximum)]
    )


class Meal(UserOwnedRecord):
    """A logged meal. kcal > 0 ends a fast; macros are optional."""

    eaten_at = models.DateTimeField()
    name = models.CharField(max_length=200, blank=True, default="")
    kcal = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(KCAL_MAX)])
    protein_g = _grams(MACRO_MAX_G)
    carbs_g = _grams(MACRO_MAX_G)
    fat_g = _grams(MACRO_MAX_G)
    fiber_g = _grams(MACRO_MAX_G)
    leucine_g = _grams(LEUCINE_MAX_G)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kcal__gte=0, kcal__lte=KCAL_MAX), name="meal_kcal_range"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{f}__isnull": True})
                    | models.Q(**{f"{f}__gte": 0, f"{f}__lte": m}),
                    name=f"meal_{f}_range",
                )
                for f, m in (
                    ("protein_g", MACRO_MAX_G),
                    ("carbs_g", MACRO_MAX_G),
                    ("fat_g", MACRO_MAX_G),
                    ("fiber_g", MACRO_MAX_G),
                    ("leucine_g", LEUCINE_MAX_G),
                )
            ],
        ]
        indexes = [
            models.Index(fields=["user", "eaten_at"], name="meal_user_eaten"),
            models.Index(fields=["user", "change_seq"], name="meal_user_seq"),
        ]
        ordering = ["eaten_at"]

    def __str__(self) -> str:
        return f"{self.name or 'meal'} {self.kcal:.0f} kcal"
