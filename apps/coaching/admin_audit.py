"""Staff reads of client data in /admin/ append audit rows, like coach reads do.

`audit_admin_site()` runs once from CoachingConfig.ready(), after every app's admin module
is registered, and gives each ModelAdmin of per-user data (an `apps.*` model with a `user`
foreign key, coach notes, and the user's own change page with its profile) the
`AuditedAdminMixin`. Doing it here instead of in each app's admin.py means a model added
later is audited without anyone remembering to opt in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest, HttpResponse

from apps.coaching.audit import audit_record
from apps.coaching.models import AuditAction


class AuditedAdminMixin:
    """Appends one audit row per client shown by a change list, and one per object page."""

    audit_subject_attr: str = "user_id"
    audit_lists: bool = True

    def _audit_type(self) -> str:
        return self.model._meta.label_lower  # type: ignore[attr-defined]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if self.audit_lists and response.status_code == 200 and changelist is not None:
            subjects = [getattr(obj, self.audit_subject_attr) for obj in changelist.result_list]
            audit_record(
                request=request,
                subject_ids=[s for s in subjects if s is not None],
                action=AuditAction.ADMIN_LIST,
                object_type=self._audit_type(),
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        original = (getattr(response, "context_data", None) or {}).get("original")
        subject = getattr(original, self.audit_subject_attr, None) if original else None
        if response.status_code == 200 and subject is not None:
            audit_record(
                request=request,
                subject_ids=[subject],
                action=AuditAction.ADMIN_VIEW,
                object_type=self._audit_type(),
                object_id=str(original.pk),
            )
        return response


def _subject_attr(model: type[models.Model]) -> tuple[str, bool] | None:
    """(attribute naming the client, audit change lists?) or None when not client data."""
    if model is get_user_model():
        return "pk", False  # the account page shows the profile; the list is just emails
    if not model.__module__.startswith("apps."):
        return None
    for name in ("user", "client"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
            return f"{name}_id", True
    return None


def audit_admin_site(site: admin.AdminSite) -> list[str]:
    """Give every client-data ModelAdmin of `site` the audit mixin; returns model labels."""
    audited = []
    for model, model_admin in site._registry.items():
        subject = _subject_attr(model)
        if subject is None or isinstance(model_admin, AuditedAdminMixin):
            continue
        base = type(model_admin)
        model_admin.__class__ = type(
            f"Audited{base.__name__}",
            (AuditedAdminMixin, base),
            {"audit_subject_attr": subject[0], "audit_lists": subject[1]},
        )
        audited.append(model._meta.label)
    return sorted(audited)
