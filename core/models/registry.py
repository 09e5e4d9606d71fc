"""The embedded registry store: compiled snapshots the proxy reads without Redis."""

from django.db import models


class RegistryEntry(models.Model):
    """One snapshot by (kind, key). `body` empty is a tombstone; `version` only grows."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    version = models.BigIntegerField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tollgate_registry"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="uniq_registry_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} v{self.version}"


class RegistryCounter(models.Model):
    """A single row handing out registry versions under a row lock."""

    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "tollgate_registry_counter"

    def __str__(self) -> str:
        return f"registry version {self.value}"


class RegistryChange(models.Model):
    """The registry outbox: one change to bring to the store, written in the transaction of the
    change itself, applied in id order and deleted once the store has it."""

    action = models.CharField(max_length=40)
    ref = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "tollgate_registry_outbox"

    def __str__(self) -> str:
        return f"{self.action} {self.ref}"
