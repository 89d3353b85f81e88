from django.contrib import admin

from apps.common.admin import TrackedDataAdmin
from apps.glucose.models import GlucoseReading


@admin.register(GlucoseReading)
class GlucoseReadingAdmin(TrackedDataAdmin):
    list_display = ["user", "measured_at", "value_mgdl", "censored", "source", "device"]
    list_filter = ["source", "censored", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "device"]
    date_hierarchy = "measured_at"
    raw_id_fields = ["user"]
    readonly_fields = ["change_seq", "created_at", "updated_at"]
    show_full_result_count = False  # counting millions of readings on every page is slow
