from django.contrib import admin

from apps.common.admin import TrackedDataAdmin
from apps.days.models import DayConfirmation


@admin.register(DayConfirmation)
class DayConfirmationAdmin(TrackedDataAdmin):
    list_display = ["user", "date", "food_log_complete", "no_exercise", "deleted_at"]
    list_filter = ["food_log_complete", "no_exercise"]
    search_fields = ["user__email"]
    date_hierarchy = "date"
    raw_id_fields = ["user"]
