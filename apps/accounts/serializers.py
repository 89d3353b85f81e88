from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from rest_framework import exceptions, serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.models import MEDICAL_CONTEXT_CHOICES, ActivityLevel, Role, Sex
from apps.api.fields import AwareDateTimeField, FiniteFloatField
from apps.common.timeutils import is_valid_timezone
from apps.common.units import GLUCOSE_UNITS


def validate_timezone_name(value: str) -> str:
    if not is_valid_timezone(value):
        raise serializers.ValidationError(
            f"'{value}' is not an IANA time zone (for example Europe/Berlin).", code="invalid_tz"
        )
    return value


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    timezone = serializers.CharField(
        max_length=64, required=False, validators=[validate_timezone_name]
    )

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate(self, attrs):
        user = get_user_model()(email=attrs["email"])
        try:
            validate_password(attrs["password"], user=user)
        except Exception as exc:  # Django's ValidationError → field error
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class RegisterOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


class TokenObtainInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=2048)


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """simplejwt's refresh, but a deleted or inactive user's token is a 401, not a 500."""

    def validate(self, attrs):
        token = RefreshToken(attrs["refresh"])  # invalid or blacklisted → 401 via TokenError
        user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
        user = get_user_model().objects.filter(pk=user_id).only("id", "is_active").first()
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(
                "This account no longer exists or is disabled.", code="user_inactive"
            )
        return super().validate(attrs)


class PasswordConfirmSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class MeSerializer(serializers.Serializer):
    """The account and its profile as one flat object (API.md /me/)."""

    id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    timezone = serializers.CharField(max_length=64, validators=[validate_timezone_name])
    glucose_unit = serializers.ChoiceField(choices=GLUCOSE_UNITS)
    sex = serializers.ChoiceField(choices=Sex.choices, allow_null=True, required=False)
    birth_date = serializers.DateField(allow_null=True, required=False)
    height_cm = FiniteFloatField(min_value=50, max_value=272, allow_null=True, required=False)
    weight_kg = FiniteFloatField(min_value=20, max_value=400, allow_null=True, required=False)
    activity_level = serializers.ChoiceField(choices=ActivityLevel.choices)
    maintenance_kcal = serializers.IntegerField(
        min_value=800, max_value=8000, allow_null=True, required=False
    )
    fasting_target_hours = FiniteFloatField(min_value=1, max_value=240)
    tracking_start = AwareDateTimeField()
    medical_context = serializers.ListField(
        child=serializers.ChoiceField(choices=MEDICAL_CONTEXT_CHOICES),
        allow_empty=True,
        max_length=len(MEDICAL_CONTEXT_CHOICES),
    )

    def validate_birth_date(self, value: date | None) -> date | None:
        if value is None:
            return value
        today = timezone.now().date()
        age = (today - value).days / 365.25
        if not 13 <= age <= 120:
            raise serializers.ValidationError(
                "Age must be between 13 and 120 years.", code="implausible"
            )
        return value

    def validate_tracking_start(self, value):
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise serializers.ValidationError("tracking_start cannot be in the future.")
        return value

    def validate_medical_context(self, value: list[str]) -> list[str]:
        return sorted(set(value))


def me_representation(user) -> dict:
    profile = user.profile
    data = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
    }
    for name in (
        "timezone",
        "glucose_unit",
        "sex",
        "birth_date",
        "height_cm",
        "weight_kg",
        "activity_level",
        "maintenance_kcal",
        "fasting_target_hours",
        "tracking_start",
        "medical_context",
    ):
        data[name] = getattr(profile, name)
    return MeSerializer().to_representation(data)
