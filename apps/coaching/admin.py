"""Staff admin for consent, invites, notes and the audit trail (all read-only)."""

from importlib.util import find_spec

from django.contrib import admin
from django.http import HttpRequest

from apps.coaching.models import AuditEvent, CoachClientLink, CoachInvite, CoachNote


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CoachClientLink)
class CoachClientLinkAdmin(ReadOnlyAdmin):
    list_display = ["coach", "client", "granted_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["coach__email", "client__email", "client__display_name"]
    date_hierarchy = "granted_at"
    list_select_related = ["coach", "client"]


@admin.register(CoachInvite)
class CoachInviteAdmin(ReadOnlyAdmin):
    list_display = ["id", "coach", "created_at", "expires_at", "used_at", "used_by"]
    list_filter = [("used_at", admin.EmptyFieldListFilter)]
    search_fields = ["coach__email", "used_by__email"]
    date_hierarchy = "created_at"
    list_select_related = ["coach", "used_by"]
    exclude = ["code_digest"]


@admin.register(CoachNote)
class CoachNoteAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "coach", "client"]
    search_fields = ["coach__email", "client__email"]
    date_hierarchy = "created_at"
    list_select_related = ["coach", "client"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Browse the trail; nobody can add, change or delete rows here (append-only)."""

    list_display = [
        "at",
        "actor_email",
        "actor_role",
        "action",
        "subject_id",
        "object_type",
        "object_id",
        "ip",
        "request_id",
    ]
    list_filter = ["action", "actor_role", "object_type"]
    search_fields = ["=actor_email", "=subject_id", "=actor_id", "=request_id", "=object_id"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# apps.notifications belongs to another team; until it ships its own admin module the
# inbox is registered here so staff can inspect it (and this steps aside when it does).
if find_spec("apps.notifications.admin") is None:
    from apps.notifications.models import Notification

    @admin.register(Notification)
    class NotificationAdmin(ReadOnlyAdmin):
        list_display = ["created_at", "user", "kind", "severity", "title", "read_at"]
        list_filter = ["kind", "severity", ("read_at", admin.EmptyFieldListFilter)]
        search_fields = ["user__email", "title", "dedupe_key"]
        date_hierarchy = "created_at"
        list_select_related = ["user"]
        raw_id_fields = ["user"]
