"""What a request carries once the middleware has run, for the type checker.

Django's HttpRequest does not know the attributes our middleware and django-htmx's add; views
annotate their request with one of these. They are annotations only: at run time every request
is Django's own object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    from core.models import Membership, Tenant


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class TenantRequest(HtmxRequest):
    """After TenantMiddleware: the current membership and its tenant (None when there is none)."""

    membership: Membership | None
    tenant: Tenant | None


class MemberRequest(TenantRequest):
    """In a view that only a member reaches (the publisher portal's): all three are there."""

    user: User
    membership: Membership
    tenant: Tenant
