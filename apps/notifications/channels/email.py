"""Email through Django's configured backend (SMTP in production)."""

from __future__ import annotations

import smtplib

from apps.notifications.channels.base import Outcome, PermanentError, Progress, TransientError
from apps.notifications.rendering import Envelope, email_for


def _smtp_error(code: int) -> Exception:
    # 4xx replies are temporary by definition (RFC 5321 §4.2.1); 5xx are final.
    if 400 <= code < 500:
        return TransientError(f"smtp_{code}")
    return PermanentError(f"smtp_{code}")


class EmailChannel:
    name = "email"

    def send(self, envelope: Envelope, progress: Progress) -> Outcome:
        user = envelope.user
        if not user.email or not user.is_active:
            return Outcome.skipped("no_address")
        message = email_for(envelope)
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _smtp_error(min(codes) if codes else 550) from None
        except smtplib.SMTPResponseException as exc:
            raise _smtp_error(exc.smtp_code) from None
        except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timeout, disconnect
            raise TransientError(f"smtp_{type(exc).__name__}") from None
        return Outcome.delivered()
