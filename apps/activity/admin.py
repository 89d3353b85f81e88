from django.contrib import admin

from apps.activity.models import ExerciseSession
from apps.common.admin import TrackedDataAdmin


@admin.register(ExerciseSession)
class ExerciseSessionAdmin(TrackedDataAdmin):
    list_display = ["user", "started_at", "minutes", "intensity", "kind", "deleted_at"]
    list_filter = ["intensity", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "kind"]
    date_hierarchy = "started_at"
    raw_id_fields = ["user"]
    readonly_fields = ["change_seq", "created_at", "updated_at"]
