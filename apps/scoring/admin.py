"""Staff admin for scores, safety flags and the recompute queue.

Scores and dirty days are written by the scoring pipeline only, so they are read-only
here (a hand edit would be overwritten by the next recompute). Flags can be acknowledged.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.scoring.models import DailyScore, DirtyDay, SafetyFlag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(DailyScore)
class DailyScoreAdmin(ReadOnlyAdmin):
    list_display = ["user", "local_date", "score", "confidence", "status", "algorithm_version"]
    list_filter = ["status", "has_data", "algorithm_version"]
    search_fields = ["user__email", "user__display_name"]
    date_hierarchy = "local_date"
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    show_full_result_count = False


@admin.register(SafetyFlag)
class SafetyFlagAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "code", "severity", "acknowledged_at", "acknowledged_by"]
    list_filter = ["severity", "code", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "code", "message"]
    date_hierarchy = "local_date"
    list_select_related = ["user", "acknowledged_by"]
    raw_id_fields = ["user", "acknowledged_by"]
    readonly_fields = [
        "user",
        "local_date",
        "code",
        "severity",
        "message",
        "evidence",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
    ]
    actions = ["acknowledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # flags are raised by the scoring engine only

    @admin.action(description="Acknowledge selected flags")
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[SafetyFlag]) -> None:
        from apps.coaching.services import safety_flag_acknowledge

        ids = list(queryset.filter(acknowledged_at__isnull=True).values_list("pk", flat=True))
        for flag_id in ids:
            safety_flag_acknowledge(actor=request.user, flag_id=flag_id)
        self.message_user(request, f"{len(ids)} flag(s) acknowledged.", messages.SUCCESS)


@admin.register(DirtyDay)
class DirtyDayAdmin(ReadOnlyAdmin):
    list_display = ["user", "local_date", "dirtied_at"]
    search_fields = ["user__email"]
    date_hierarchy = "dirtied_at"
    list_select_related = ["user"]
    raw_id_fields = ["user"]
