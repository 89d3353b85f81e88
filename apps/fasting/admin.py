from django.contrib import admin

from apps.common.admin import TrackedDataAdmin
from apps.fasting.models import FastingWindow


@admin.register(FastingWindow)
class FastingWindowAdmin(TrackedDataAdmin):
    list_display = ["user", "started_at", "ended_at", "protocol", "target_hours", "deleted_at"]
    list_filter = ["protocol", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    date_hierarchy = "started_at"
    raw_id_fields = ["user"]
    readonly_fields = ["change_seq", "created_at", "updated_at"]
