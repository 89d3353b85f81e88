"""Admin base for users' tracked data."""

from django.contrib import admin


class TrackedDataAdmin(admin.ModelAdmin):
    """View-only: tracked rows change only through the services (validation, the sync change
    counter, dirty score days). An admin edit would skip all three, so a device would never
    pull it and the score would not follow (docs/decisions/0013-tracked-data-admin.md)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
