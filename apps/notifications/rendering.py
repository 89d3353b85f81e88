"""What each channel says: email (text + HTML, the user's units), push and inbox texts.

Push texts carry no health values: they travel through Google/Apple and show on lock
screens. Emails carry the summary itself, as the user asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import User
from apps.common.units import MMOLL, from_mgdl
from apps.notifications.highlights import hours_text, range_text
from apps.notifications.models import DeliveryKind, NotificationKind
from apps.notifications.services import unsubscribe_token
from apps.notifications.weeks import IsoWeek


@dataclass(frozen=True)
class Envelope:
    """One delivery's subject matter: who, which week, and the built content."""

    user: User
    kind: str  # DeliveryKind
    week: IsoWeek
    content: dict[str, Any]  # a weekly summary or a coach digest

    @property
    def template(self) -> str:
        if self.kind == DeliveryKind.COACH_DIGEST:
            return "coach_digest"
        return "weekly_summary" if self.content["has_data"] else "nudge"


def _day(value: str) -> str:
    return date.fromisoformat(value).strftime("%a %d %b")


def week_span(week: IsoWeek) -> str:
    return f"{week.monday:%d %b} – {week.sunday:%d %b %Y}"


def _glucose_text(mgdl: float | None, unit: str) -> str:
    if mgdl is None:
        return "–"
    value = from_mgdl(mgdl, unit)
    return f"{value:.1f} {unit}" if unit == MMOLL else f"{value:.0f} {unit}"


def _sections(summary: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    """Label/value rows per section, shared by the text and HTML templates."""
    f, n, g, s = summary["fasting"], summary["nutrition"], summary["glucose"], summary["score"]
    fasting = [
        ("Total fasted", hours_text(f["total_fasted_hours"] or 0)),
        ("Fasts of 16 h or more", str(f["fasts_16h_plus"])),
        ("Longest fast", hours_text(f["longest_fast_hours"]) if f["longest_fast_hours"] else "–"),
    ]
    if f["adherence_percent"] is not None:
        fasting.append(
            (
                f"Reached target ({hours_text(f['target_hours'])})",
                f"{f['fasts_reaching_target']} of {f['fasts_completed']} "
                f"({f['adherence_percent']:.0f} %)",
            )
        )
    nutrition = [
        ("Days logged", f"{n['days_logged']} of 7"),
        ("Average per logged day", f"{n['avg_kcal_per_day'] or 0:,} kcal"),
        ("Protein per logged day", f"{n['avg_protein_g_per_day'] or 0:.0f} g"),
    ]
    low = "3.9 mmol/L" if unit == MMOLL else "70 mg/dL"
    glucose = [
        (f"Time in range ({range_text(unit)})", f"{g['tir_percent'] or 0:.0f} %"),
        (f"Time below {low}", f"{g['tbr_percent'] or 0:.1f} %"),
        ("Average glucose", _glucose_text(g["mean_mgdl"], unit)),
        ("Variability (CV)", f"{g['cv_percent']:.0f} %" if g["cv_percent"] is not None else "–"),
        ("Sensor active", f"{g['active_percent'] or 0:.0f} %"),
    ]
    score = [("Average mTOR score", f"{s['average']:.0f}" if s["average"] is not None else "–")]
    if s["change"] is not None:
        score.append(("Change from last week", f"{s['change']:+.0f}"))
    if s["best_day"]:
        score.append(("Best day", f"{_day(s['best_day']['date'])} ({s['best_day']['score']:.0f})"))
    return [
        _section("Fasting", f["has_data"], fasting, "No fasts logged this week."),
        _section("Nutrition", n["has_data"], nutrition, "No meals logged this week."),
        _section("Glucose", g["has_data"], glucose, "No CGM readings this week."),
        _section("mTOR score", s["has_data"], score, "No daily scores this week."),
    ]


def _section(title: str, has_data: bool, rows: list, empty: str) -> dict[str, Any]:
    return {"title": title, "rows": rows if has_data else [], "empty": "" if has_data else empty}


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(*, user_id, topic: str) -> str:
    token = unsubscribe_token(user_id=user_id, topic=topic)
    return _site_url(reverse("api:notifications:unsubscribe")) + f"?token={token}"


def _message_id(envelope: Envelope) -> str:
    # Deterministic: a duplicate from the one crash window is recognisable downstream.
    host = urlsplit(settings.SITE_URL).hostname or "lowtide.local"
    return f"<{envelope.kind}.{envelope.week.label}.{envelope.user.pk}@{host}>"


def email_for(envelope: Envelope) -> EmailMultiAlternatives:
    user, week = envelope.user, envelope.week
    topic = "coach_digest" if envelope.kind == DeliveryKind.COACH_DIGEST else "email"
    unsubscribe = unsubscribe_url(user_id=user.pk, topic=topic)
    unit = user.profile.glucose_unit
    context = {
        "name": user.display_name or "there",
        "week": week.label,
        "span": week_span(week),
        "content": envelope.content,
        "highlights": envelope.content.get("highlights", []),
        "sections": _sections(envelope.content, unit)
        if envelope.template == "weekly_summary"
        else [],
        "flags": [
            {**flag, "day": _day(flag["date"])} for flag in envelope.content.get("flags", [])
        ],
        "unsubscribe_url": unsubscribe,
        "app_url": settings.SITE_URL,
    }
    subject = {
        "weekly_summary": f"Your Lowtide week, {week_span(week)}",
        "nudge": f"Your Lowtide week, {week_span(week)}: nothing logged",
        "coach_digest": f"Your clients' week, {week_span(week)}",
    }[envelope.template]
    text = render_to_string(f"notifications/email/{envelope.template}.txt", context)
    html = render_to_string(f"notifications/email/{envelope.template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": _message_id(envelope),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def push_for(envelope: Envelope) -> tuple[str, str, dict[str, str]]:
    """(title, body, data) — no health values."""
    span = week_span(envelope.week)
    if envelope.template == "nudge":
        title, body = "Your week in Lowtide", f"Nothing was logged {span}. A quick log helps."
    else:
        title, body = "Your week in Lowtide", f"Your summary for {span} is ready."
    return title, body, {"kind": envelope.template, "week": envelope.week.label}


def inbox_for(envelope: Envelope) -> dict[str, Any]:
    """Fields for notification_create."""
    nudge = envelope.template == "nudge"
    return {
        "kind": NotificationKind.NUDGE if nudge else NotificationKind.WEEKLY_SUMMARY,
        "title": f"Your week, {week_span(envelope.week)}",
        "body": "\n".join(envelope.content.get("highlights", [])),
        "data": {"week": envelope.week.label},
        "dedupe_key": f"{envelope.kind}:{envelope.week.label}",
    }
