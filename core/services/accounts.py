"""User accounts: creation with checked names and passwords, and verified email addresses."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core import usernames
from core.errors import Conflict, InvalidInput
from core.models import Account

VERIFY_SALT = "tollgate.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def clean_username(username: str) -> str:
    """The normalised name; refuses bad characters, mixed-script look-alikes and any name whose
    skeleton equals an existing user's (a confusable duplicate)."""
    try:
        name = usernames.check(username)
    except ValidationError as exc:
        raise InvalidInput("Invalid username.", fields={"username": exc.messages}) from None
    if get_user_model().objects.filter(username=name).exists():
        raise Conflict("Username taken.", fields={"username": ["This username is taken."]})
    if Account.objects.filter(username_skeleton=usernames.skeleton(name)).exists():
        raise Conflict(
            "Username too like another.",
            fields={"username": ["This username looks like an existing one; choose another."]},
        )
    return name


def clean_password(password: str, *, username: str, email: str) -> str:
    """Django's full validator set, compared against the would-be user's own name and address."""
    candidate = get_user_model()(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput("Weak password.", fields={"password": exc.messages}) from None
    return password


@transaction.atomic
def create_user(*, username: str, email: str, password: str, verified: bool = False):
    name = clean_username(username)
    email = get_user_model().objects.normalize_email(email.strip())
    clean_password(password, username=name, email=email)
    user = get_user_model().objects.create_user(username=name, email=email, password=password)
    if verified:
        mark_verified(user)
    return user


def account_of(user) -> Account:
    account, _ = Account.objects.get_or_create(
        user=user, defaults={"username_skeleton": usernames.skeleton(user.get_username())}
    )
    return account


def has_verified_email(user, email: str | None = None) -> bool:
    """True when the user proved they receive mail at their address (and it is `email`)."""
    own = (user.email or "").strip().lower()
    if email is not None and own != email.strip().lower():
        return False
    return account_of(user).has_verified(own)


def mark_verified(user) -> None:
    Account.objects.update_or_create(
        user=user,
        defaults={
            "username_skeleton": usernames.skeleton(user.get_username()),
            "verified_email": (user.email or "").strip().lower(),
            "email_verified_at": timezone.now(),
        },
    )


def verification_token(user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=VERIFY_SALT)


def verify_email(token: str):
    """The user whose address the token proves, marked verified; None for a bad or old token,
    or one issued for an address the user no longer has."""
    try:
        claim = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=claim.get("user"), is_active=True).first()
    if user is None or (user.email or "").lower() != claim.get("email"):
        return None
    mark_verified(user)
    return user


def send_verification(user, *, link: str) -> None:
    send_mail(
        subject="Confirm your email address for Tollgate",
        message=f"Hello {user.get_username()},\n\nConfirm that {user.email} is your address by "
        f"opening this link within three days:\n{link}\n",
        from_email=None,
        recipient_list=[user.email],
    )


def sync_account(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    """post_save of the user model: keep the username's skeleton current, however the user was
    saved (sign-up, admin, createsuperuser)."""
    if update_fields is not None and "username" not in update_fields:
        return
    Account.objects.update_or_create(
        user=instance, defaults={"username_skeleton": usernames.skeleton(instance.get_username())}
    )
