"""Keep the weekly schedule in the user's zone: a new or re-zoned profile reschedules."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.accounts.models import Profile
from apps.notifications.services import preference_schedule_sync


@receiver(post_save, sender=Profile, dispatch_uid="notifications.profile_saved")
def profile_saved(sender, instance: Profile, raw: bool = False, **kwargs) -> None:
    if raw:  # fixture loading
        return
    preference_schedule_sync(user_id=instance.user_id, tz=instance.timezone)
