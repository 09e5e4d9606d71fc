"""What Tollgate keeps about a user beyond Django's own fields."""

from django.conf import settings
from django.db import models


class Account(models.Model):
    """The address a user proved they receive mail at, and their username's confusable skeleton
    (Unicode TS 39), indexed so a look-alike of an existing name is found in one query."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="account"
    )
    username_skeleton = models.CharField(max_length=600, db_index=True)
    verified_email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Account of {self.user}"

    def has_verified(self, email: str) -> bool:
        return bool(email) and self.verified_email == email.strip().lower()
