"""Subscriptions: who uses the API with which plan; block and unblock them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from core.models import AiApi, SubscriptionStatus
from core.permissions import can
from core.services import access as access_services
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.views.common import api_view, finish, forbidden

VERBS: dict[str, str] = {
    SubscriptionStatus.ACTIVE: "Unblocked",
    SubscriptionStatus.BLOCKED: "Blocked",
    SubscriptionStatus.PROD_ONLY_BLOCKED: "Blocked production calls of",
}


@api_view("api.view")
def subscriptions(request: MemberRequest, api: AiApi) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if not can(request.membership, "api.subscriptions"):
            return forbidden(request, "api.subscriptions")
        sub = get_object_or_404(
            api.subscriptions.select_related("application"),
            pk=request.POST.get("subscription") or 0,
        )
        new_status = request.POST.get("status", "")
        if new_status in SubscriptionStatus.values:
            access_services.change_subscription(sub=sub, actor=request.user, status=new_status)
            message = f"{VERBS[new_status]} {sub.application.name}'s subscription."
            if done := finish(request, message, request.path):
                return done
        else:
            status = 400
    context = {
        "api": api,
        "section": "subscriptions",
        "subscriptions": api.subscriptions.select_related("application__owner", "plan"),
        "statuses": SubscriptionStatus,
        "can_manage": can(request.membership, "api.subscriptions"),
    }
    return render_page(
        request, "publisher/api_subscriptions.html", context, partial="table", status=status
    )
