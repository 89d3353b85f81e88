"""Push to every active device of the user; dead tokens are deactivated, not retried."""

from __future__ import annotations

from apps.notifications.channels.base import Outcome, PermanentError, Progress, TransientError
from apps.notifications.channels.fcm import FcmSender, InvalidToken, shared_sender
from apps.notifications.models import Device
from apps.notifications.rendering import Envelope, push_for
from apps.notifications.services import device_deactivate


class PushChannel:
    name = "push"

    def __init__(self, sender: FcmSender | None = None):
        self._sender = sender

    @property
    def sender(self) -> FcmSender:
        return self._sender or shared_sender()

    def send(self, envelope: Envelope, progress: Progress) -> Outcome:
        sender = self.sender
        if not sender.configured:
            return Outcome.skipped("push_not_configured")
        done: list[str] = list(progress.data.get("devices", []))
        reached = int(progress.data.get("reached", 0))
        devices = list(
            Device.objects.filter(user_id=envelope.user.pk, active=True)
            .exclude(pk__in=done)
            .values_list("pk", "token")
        )
        if not devices and not done:
            return Outcome.skipped("no_devices")
        title, body, data = push_for(envelope)
        transient: TransientError | None = None
        for device_id, token in devices:
            try:
                sender.send(token=token, title=title, body=body, data=data)
            except InvalidToken as exc:
                device_deactivate(device_id=device_id, reason=exc.code)
            except TransientError as exc:
                transient = transient or exc
                continue  # this device is retried; the others go ahead
            except PermanentError:
                pass  # this device gets nothing this week; others still do
            else:
                reached += 1
            # Saved per device, so a retry never pushes twice to a device already reached.
            done.append(str(device_id))
            progress.update(devices=done, reached=reached)
        if transient is not None:
            raise transient
        return Outcome.delivered() if reached else Outcome.skipped("no_valid_devices")
