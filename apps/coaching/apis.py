"""/api/v1/coaching/: invites and consent for members and coaches (API.md)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.api.pagination import CursorPagination
from apps.api.schema import ok_example, problems
from apps.coaching import services
from apps.coaching.audit import audit_record
from apps.coaching.models import AuditAction, CoachClientLink
from apps.coaching.selectors import clients_overview, coach_clients_annotated, member_coaches
from apps.coaching.serializers import (
    AcceptOutputSerializer,
    ClientOutputSerializer,
    CoachOutputSerializer,
    InviteAcceptInputSerializer,
    InviteOutputSerializer,
)

TAG = "coaching"
PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="Opaque cursor from next/previous."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Default 100, at most 1000."),
]


def _page_of(name: str, item: serializers.Serializer) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


COACH_ID = "5d1c7c1e-3f7a-4b7e-9d51-0c2a8f4e6b10"
CLIENT_ID = "0b8e2f4a-6c1d-4e3b-8a7f-9d2c5e1b3a40"


class IsCoach(permissions.BasePermission):
    message = "Only coach accounts can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.role == Role.COACH)


class IsMember(permissions.BasePermission):
    message = "Only member accounts can accept a coach's invite."

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.role == Role.MEMBER)


class InviteCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsCoach]

    @extend_schema(
        tags=[TAG],
        summary="Create an invite code (coaches only)",
        description="Single use, valid for 7 days, at most 20 per coach per rolling day "
        "(429 with Retry-After beyond). The code is returned once; only a digest is stored.",
        request=None,
        responses={201: InviteOutputSerializer, **problems(403, 429)},
        examples=[
            ok_example(
                "Invite",
                {
                    "id": "9a7f3c2e-1b4d-4e6f-8a0b-2c3d4e5f6a7b",
                    "code": "7KQ2M-X9VDA",
                    "created_at": "2026-11-26T09:00:00Z",
                    "expires_at": "2026-12-03T09:00:00Z",
                },
                status=201,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            new = services.invite_create(coach=request.user)
        except services.InviteLimitReached as exc:
            raise exceptions.Throttled(wait=exc.retry_after, detail=exc.message) from None
        data = {
            "id": new.invite.id,
            "code": new.code,
            "created_at": new.invite.created_at,
            "expires_at": new.invite.expires_at,
        }
        return Response(InviteOutputSerializer(data).data, status=status.HTTP_201_CREATED)


class InviteAcceptApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsMember]

    @extend_schema(
        tags=[TAG],
        summary="Accept a coach's invite code (members)",
        description="Grants the code's coach read access to the member's data from now on, "
        "until the member revokes it. 201 for a new consent; 200 when that coach already had "
        "it. Unknown, used and expired codes are all the same 400.",
        request=InviteAcceptInputSerializer,
        responses={
            201: AcceptOutputSerializer,
            200: AcceptOutputSerializer,
            **problems(400, 403),
        },
        examples=[
            ok_example("Accept", {"code": "7KQ2M-X9VDA"}, request=True),
            ok_example(
                "Consent granted",
                {
                    "coach": {
                        "id": COACH_ID,
                        "email": "coach@example.com",
                        "display_name": "Casey Coach",
                    },
                    "granted_at": "2026-11-26T09:05:00Z",
                },
                status=201,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = InviteAcceptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.invite_accept(member=request.user, code=serializer.validated_data["code"])
        link = CoachClientLink.objects.select_related("coach").get(pk=result.link.pk)
        data = {"coach": link.coach, "granted_at": link.granted_at}
        return Response(
            AcceptOutputSerializer(data).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class CoachListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="The coaches who can read my data",
        parameters=PAGE_PARAMETERS,
        responses={
            200: _page_of("PaginatedCoachList", CoachOutputSerializer(many=True)),
            **problems(400),
        },
        examples=[
            ok_example(
                "Coaches",
                {
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": COACH_ID,
                            "email": "coach@example.com",
                            "display_name": "Casey Coach",
                            "granted_at": "2026-11-26T09:05:00Z",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = member_coaches(member=request.user)
        paginator = CursorPagination()
        paginator.ordering = ("-granted_at", "id")
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CoachOutputSerializer(page, many=True).data)


class CoachRevokeApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Revoke a coach's access (takes effect at once)",
        responses={204: None, **problems(404)},
    )
    def delete(self, request: Request, pk: UUID) -> Response:
        services.coach_revoke(member=request.user, coach_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClientListApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsCoach]

    @extend_schema(
        tags=[TAG],
        summary="My consenting clients with latest score and open flags (coaches only)",
        description="Each client with the latest daily score, the 7-day average, the number "
        "of open safety flags and when data was last received. Every call is audited.",
        parameters=PAGE_PARAMETERS,
        responses={
            200: _page_of("PaginatedClientList", ClientOutputSerializer(many=True)),
            **problems(400, 403),
        },
        examples=[
            ok_example(
                "Clients",
                {
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": CLIENT_ID,
                            "email": "sam@example.com",
                            "display_name": "Sam Steady",
                            "timezone": "Europe/London",
                            "granted_at": "2026-11-20T10:00:00Z",
                            "latest_score": {"date": "2026-11-25", "score": 61.4},
                            "avg_score_7d": 58.9,
                            "open_flags": 1,
                            "last_data_at": "2026-11-26T08:55:00Z",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        paginator = CursorPagination()
        paginator.ordering = ("email",)
        page = paginator.paginate_queryset(
            coach_clients_annotated(coach=request.user), request, view=self
        )
        rows = clients_overview(clients=page, now=timezone.now())
        audit_record(
            request=request, subject_ids=[r.id for r in rows], action=AuditAction.API_CLIENTS
        )
        return paginator.get_paginated_response(
            ClientOutputSerializer([_client_dict(r) for r in rows], many=True).data
        )


def _client_dict(row) -> dict[str, Any]:
    latest = None
    if row.latest_score is not None:
        latest = {"date": row.latest_score_date, "score": row.latest_score}
    return {
        "id": row.id,
        "email": row.email,
        "display_name": row.display_name,
        "timezone": row.timezone,
        "granted_at": row.granted_at,
        "latest_score": latest,
        "avg_score_7d": row.avg_score_7d,
        "open_flags": row.open_flags,
        "last_data_at": row.last_data_at,
    }
