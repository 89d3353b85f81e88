from django.contrib import admin

from apps.common.admin import TrackedDataAdmin
from apps.nutrition.models import Meal


@admin.register(Meal)
class MealAdmin(TrackedDataAdmin):
    list_display = ["user", "eaten_at", "name", "kcal", "protein_g", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "name"]
    date_hierarchy = "eaten_at"
    raw_id_fields = ["user"]
    readonly_fields = ["change_seq", "created_at", "updated_at"]
