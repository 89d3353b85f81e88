from django.contrib import admin

from apps.notifications.models import (
    Delivery,
    Device,
    Notification,
    NotificationPreference,
    WeeklySummary,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "title", "user", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "send_weekday", "send_hour", "schedule_timezone", "next_send_at")
    raw_id_fields = ("user",)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "platform", "active", "deactivation_reason", "created_at")
    list_filter = ("platform", "active")
    raw_id_fields = ("user",)
    exclude = ("token",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "week", "channel", "user", "status", "attempts", "error", "sent_at")
    list_filter = ("kind", "channel", "status", "week")
    raw_id_fields = ("user",)


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ("user", "week", "has_data", "built_at")
    raw_id_fields = ("user",)
    exclude = ("data",)
