"""Auth and /me/ endpoints: thin views over apps.accounts.services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from apps.accounts import services
from apps.accounts.selectors import user_get_with_profile
from apps.accounts.serializers import (
    MeSerializer,
    PasswordConfirmSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenObtainInputSerializer,
    TokenPairSerializer,
    TokenRefreshSerializer,
    me_representation,
)
from apps.api.schema import ok_example, problems
from apps.api.throttling import LoginRateThrottle

TOKENS_EXAMPLE = {
    "access": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.sig",
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.sig",
}
ME_EXAMPLE = {
    "id": "9b2f3c1e-7d7a-4a51-9a44-0d7c2c1e5f10",
    "email": "ada@example.com",
    "display_name": "Ada",
    "role": "member",
    "timezone": "Europe/Berlin",
    "glucose_unit": "mg/dL",
    "sex": "female",
    "birth_date": "1985-04-02",
    "height_cm": 168.0,
    "weight_kg": 61.5,
    "activity_level": "light",
    "maintenance_kcal": None,
    "fasting_target_hours": 16.0,
    "tracking_start": "2026-11-01T00:00:00Z",
    "medical_context": [],
}


class PublicAPIView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Credential failures here are 401 (with a challenge), never DRF's fallback 403.
        return 'Bearer realm="api"'


class RegisterApi(PublicAPIView):
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=["auth"],
        auth=[],
        request=RegisterInputSerializer,
        responses={201: RegisterOutputSerializer, **problems(400, 503)},
        examples=[
            ok_example(
                "Registered", {"id": ME_EXAMPLE["id"], "email": "ada@example.com"}, status=201
            )
        ],
        summary="Create an account",
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
            timezone_name=serializer.validated_data.get("timezone"),
        )
        return Response({"id": str(user.id), "email": user.email}, status=status.HTTP_201_CREATED)


class TokenObtainApi(PublicAPIView):
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=["auth"],
        auth=[],
        request=TokenObtainInputSerializer,
        responses={200: TokenPairSerializer, **problems(400, 401, 503)},
        examples=[ok_example("Tokens", TOKENS_EXAMPLE)],
        summary="Sign in: exchange email and password for an access and a refresh token",
        description="Five failed attempts lock the account for 15 minutes (429).",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.auth_login(request=request, **serializer.validated_data)
        return Response(services.auth_tokens_issue(user=user), status=status.HTTP_200_OK)


class TokenRefreshApi(PublicAPIView):
    @extend_schema(
        tags=["auth"],
        auth=[],
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, **problems(400, 401)},
        examples=[ok_example("Rotated tokens", TOKENS_EXAMPLE)],
        summary="Rotate a refresh token (the old one is blacklisted)",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRefreshSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class LogoutApi(PublicAPIView):
    @extend_schema(
        tags=["auth"],
        auth=[],
        request=RefreshInputSerializer,
        responses={204: None, **problems(400, 401)},
        summary="Sign out: blacklist the refresh token",
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.auth_logout(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(
        tags=["account"],
        responses={200: MeSerializer},
        examples=[ok_example("Me", ME_EXAMPLE)],
        summary="The account and profile",
    )
    def get(self, request: Request) -> Response:
        user = user_get_with_profile(user_id=request.user.pk)
        return Response(me_representation(user))

    @extend_schema(
        tags=["account"],
        request=MeSerializer,
        responses={200: MeSerializer, **problems(400)},
        examples=[
            ok_example("Change zone", {"timezone": "America/New_York"}, request=True),
            ok_example("Me", ME_EXAMPLE),
        ],
        summary="Update profile fields",
        description="Changing the time zone, body data, maintenance kcal, tracking start or "
        "medical context recomputes the scored history.",
    )
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = user_get_with_profile(user_id=request.user.pk)
        services.profile_update(user=user, data=serializer.validated_data)
        return Response(me_representation(user))

    @extend_schema(
        tags=["account"],
        request=PasswordConfirmSerializer,
        responses={204: None, **problems(400)},
        summary="Erase the account and all its health data",
    )
    def delete(self, request: Request) -> Response:
        serializer = PasswordConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_erase(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)
