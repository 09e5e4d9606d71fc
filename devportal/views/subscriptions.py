"""Subscribe an application to an API with a plan, and cancel a subscription."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.errors import TollgateError
from core.models import Subscription
from core.services import access
from core.web.forms import apply_errors
from core.web.rendering import render_page
from devportal import catalog
from devportal.forms import SubscribeForm
from devportal.portal import DeveloperRequest, developer_view
from devportal.views.applications import detail_context
from devportal.views.catalog import detail_context as api_context
from devportal.views.catalog import unsubscribed_applications
from devportal.views.common import own_applications


@developer_view
@require_POST
def subscribe(request: DeveloperRequest, api_uuid) -> HttpResponse:
    api = catalog.get_visible_api(request.portal.tenant, api_uuid)
    form = SubscribeForm(
        request.POST, api=api, applications=unsubscribed_applications(request, api)
    )
    shown: SubscribeForm | None = form  # None: a fresh form after a subscription
    if not catalog.takes_subscriptions(api):
        form.add_error(
            None,
            f"{api.name} is {api.get_lifecycle_state_display().lower()} and "
            "takes no new subscriptions.",
        )
    elif form.is_valid():
        app, plan = form.cleaned_data["application"], form.cleaned_data["plan"]
        try:
            access.subscribe(app=app, api=api, plan=plan, actor=request.user)
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{app.name} is subscribed to {api.name} with {plan.name}.")
            if not request.htmx:
                return redirect("devportal:api-detail", api_uuid=api.uuid)
            shown = None
    return render_page(
        request,
        "devportal/api_detail.html",
        api_context(request, api, shown),
        partial="subscriptions",
    )


@developer_view
@require_POST
def unsubscribe(request: DeveloperRequest, subscription_id: int) -> HttpResponse:
    sub = get_object_or_404(
        Subscription.objects.select_related("application", "api"),
        pk=subscription_id,
        application__in=own_applications(request),
    )
    app, api = sub.application, sub.api
    access.unsubscribe(sub=sub, actor=request.user)
    messages.success(request, f"{app.name} is no longer subscribed to {api.name}.")
    if request.POST.get("from") == "api":
        if not request.htmx:
            return redirect("devportal:api-detail", api_uuid=api.uuid)
        return render_page(
            request,
            "devportal/api_detail.html",
            api_context(request, api),
            partial="subscriptions",
        )
    if not request.htmx:
        return redirect("devportal:application", app_id=app.pk)
    return render_page(
        request,
        "devportal/application_detail.html",
        detail_context(request, app),
        partial="subscriptions",
    )
