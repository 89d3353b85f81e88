"""Abstract base models shared by the domain apps."""

import uuid

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserOwnedRecord(TimeStampedModel):
    """A row the mobile client may create offline and sync later.

    The id is client-generatable; `deleted_at` is the tombstone the sync feed needs;
    `change_seq` is the owner's change counter at the last write (apps.sync).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)
    change_seq = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
