"""Signing in: each role lands on its own portal.

The sign-in links on portal pages pass the page they were on as `next`. A deep link (an API's
page, a form) is where the user wanted to go and is honoured; a portal's front page only says
where the link was, so the user's own portal wins: the publisher portal for those who build,
publish or run the tenant's APIs, the developer portal for everyone else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.urls import reverse

from core.models import Membership
from core.permissions import can
from core.tenancy import pick_membership

FRONT_PAGES = frozenset({"/", "/devportal/", "/publisher/"})


def portal_home(membership: Membership | None) -> str:
    if can(membership, "api.view"):  # creators, publishers, and admins (who may do anything)
        return reverse("publisher:index")
    return reverse("devportal:index")


class SignInView(LoginView):
    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        wanted = super().get_redirect_url(*args, **kwargs)  # "" when missing or not safe
        return "" if wanted in FRONT_PAGES else wanted

    def get_default_redirect_url(self) -> str:
        return portal_home(pick_membership(self.request))
