"""Notification API shapes. Output serializers document the stored JSON of summaries."""

from __future__ import annotations

from rest_framework import serializers

from apps.common.units import GLUCOSE_UNITS
from apps.notifications.models import Device, Notification, Platform

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "severity",
            "title",
            "body",
            "data",
            "created_at",
            "read_at",
            "read",
        )
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class InboxQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class PreferenceSerializer(serializers.Serializer):
    """Every field is optional on PUT: fields left out keep their value."""

    email_enabled = serializers.BooleanField(required=False)
    push_enabled = serializers.BooleanField(required=False)
    in_app_enabled = serializers.BooleanField(required=False)
    coach_digest_enabled = serializers.BooleanField(
        required=False, help_text="Coaches only: the weekly digest of their clients."
    )
    empty_week_nudge = serializers.BooleanField(
        required=False, help_text="Send a short nudge for a week with nothing logged."
    )
    send_day = serializers.ChoiceField(choices=WEEKDAYS, required=False)
    send_hour = serializers.IntegerField(min_value=0, max_value=23, required=False)
    timezone = serializers.CharField(read_only=True, help_text="The profile's zone (see /me/).")
    next_send_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, pref):
        return {
            "email_enabled": pref.email_enabled,
            "push_enabled": pref.push_enabled,
            "in_app_enabled": pref.in_app_enabled,
            "coach_digest_enabled": pref.coach_digest_enabled,
            "empty_week_nudge": pref.empty_week_nudge,
            "send_day": WEEKDAYS[pref.send_weekday],
            "send_hour": pref.send_hour,
            "timezone": pref.schedule_timezone,
            "next_send_at": serializers.DateTimeField().to_representation(pref.next_send_at)
            if pref.next_send_at
            else None,
        }

    def to_model_fields(self) -> dict:
        data = dict(self.validated_data)
        if "send_day" in data:
            data["send_weekday"] = WEEKDAYS.index(data.pop("send_day"))
        return data


class DeviceInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(required=False, help_text="Optional client-generated id.")
    token = serializers.CharField(max_length=1024, trim_whitespace=True)
    platform = serializers.ChoiceField(choices=Platform.choices)


class DeviceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Device
        fields = ("id", "platform", "token", "active", "created_at")
        read_only_fields = fields


class UnsubscribeSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class UnsubscribedSerializer(serializers.Serializer):
    status = serializers.CharField()
    topic = serializers.CharField()


# --- weekly summary (documents the JSON built by apps.notifications.summary) ----------------


class FastingSectionSerializer(serializers.Serializer):
    has_data = serializers.BooleanField()
    total_fasted_hours = serializers.FloatField(allow_null=True)
    fasts_completed = serializers.IntegerField()
    fasts_16h_plus = serializers.IntegerField()
    longest_fast_hours = serializers.FloatField(allow_null=True)
    previous_longest_fast_hours = serializers.FloatField(allow_null=True)
    target_hours = serializers.FloatField()
    fasts_reaching_target = serializers.IntegerField()
    adherence_percent = serializers.FloatField(allow_null=True)


class NutritionSectionSerializer(serializers.Serializer):
    has_data = serializers.BooleanField()
    days_logged = serializers.IntegerField()
    meals_logged = serializers.IntegerField()
    avg_kcal_per_day = serializers.IntegerField(allow_null=True)
    avg_protein_g_per_day = serializers.FloatField(allow_null=True)


class GlucoseSectionSerializer(serializers.Serializer):
    has_data = serializers.BooleanField()
    unit = serializers.ChoiceField(choices=GLUCOSE_UNITS)
    mean = serializers.FloatField(allow_null=True, help_text="Mean glucose in `unit`.")
    readings = serializers.IntegerField()
    active_percent = serializers.FloatField(allow_null=True)
    mean_mgdl = serializers.FloatField(allow_null=True)
    sd_mgdl = serializers.FloatField(allow_null=True)
    cv_percent = serializers.FloatField(allow_null=True)
    gmi_percent = serializers.FloatField(allow_null=True)
    tir_percent = serializers.FloatField(allow_null=True)
    tbr_percent = serializers.FloatField(allow_null=True)
    tbr_level2_percent = serializers.FloatField(allow_null=True)
    tar_percent = serializers.FloatField(allow_null=True)
    tar_level2_percent = serializers.FloatField(allow_null=True)
    hypo_events_l1 = serializers.IntegerField()
    hypo_events_l2 = serializers.IntegerField()
    hyper_events_l2 = serializers.IntegerField()
    sufficient = serializers.BooleanField()
    days = serializers.IntegerField()
    interval_minutes = serializers.FloatField()


class BestDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    score = serializers.FloatField()


class ScoreSectionSerializer(serializers.Serializer):
    has_data = serializers.BooleanField()
    days_scored = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    best_day = BestDaySerializer(allow_null=True)
    previous_average = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    trend = serializers.CharField(
        allow_null=True, help_text="`up`, `down` or `flat` (a change under 1 point)."
    )


class SummaryFlagSerializer(serializers.Serializer):
    date = serializers.DateField()
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    open = serializers.BooleanField()


class StreaksSerializer(serializers.Serializer):
    logging_days = serializers.IntegerField()
    fasting_target_days = serializers.IntegerField()


class WeeklySummarySerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W48.")
    start_date = serializers.DateField(help_text="Local Monday.")
    end_date = serializers.DateField(help_text="Local Sunday.")
    timezone = serializers.CharField()
    hours = serializers.FloatField(help_text="167 or 169 in a week with a DST change.")
    complete = serializers.BooleanField(help_text="False while the week is still running.")
    has_data = serializers.BooleanField()
    fasting = FastingSectionSerializer()
    nutrition = NutritionSectionSerializer()
    glucose = GlucoseSectionSerializer()
    score = ScoreSectionSerializer()
    flags = SummaryFlagSerializer(many=True)
    streaks = StreaksSerializer()
    highlights = serializers.ListField(child=serializers.CharField())
    built_at = serializers.DateTimeField()
