"""The webhook pages, admins only: the subscriptions, one subscription with its secret and deliveries log, the
form, pause / resume, a test event, delete (after a confirmation), re-send a delivery."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxplatform.lib.forms.pages import add_service_errors
from cxplatform.webhooks import selectors, services
from cxplatform.webhooks.events import SUBSCRIBABLE
from cxplatform.webhooks.forms import SubscriptionForm
from cxplatform.webhooks.models import WebhookDelivery, WebhookSubscription
from cxplatform.webhooks.permissions import can_manage_webhooks

PAGE_SIZE = 50
DELIVERIES_PAGE_SIZE = 50


def admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_webhooks(request.user):
            raise PermissionDenied(_("Only admins manage webhooks."))
        return view(request, *args, **kwargs)

    return wrapper


@admin_only
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.subscription_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/list.html", {"page": page, "is_filtered": False})


def _form_page(request: HttpRequest, subscription: WebhookSubscription | None) -> HttpResponse:
    initial = (
        {
            "name": subscription.name,
            "url": subscription.url,
            "events": subscription.events,
            "body_format": subscription.body_format,
        }
        if subscription
        else None
    )
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if subscription is None:
                subscription = services.subscription_create(owner=request.user, **form.cleaned_data)
                messages.success(request, _("Webhook “%(name)s” created.") % {"name": subscription.name})
            else:
                services.subscription_update(subscription=subscription, **form.cleaned_data)
                messages.success(request, _("Webhook “%(name)s” saved.") % {"name": subscription.name})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("webhooks:detail", subscription.pk)
    return render(request, "webhooks/form.html", {"form": form, "subscription": subscription})


@admin_only
def subscription_create_view(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@admin_only
def subscription_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_object_or_404(WebhookSubscription, pk=pk))


@admin_only
def subscription_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription.objects.select_related("owner"), pk=pk)
    page = Paginator(selectors.delivery_list(subscription=subscription), DELIVERIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = dict(SUBSCRIBABLE)
    event_labels = [labels[event] for event in subscription.events if event in labels]
    return render(
        request, "webhooks/detail.html", {"subscription": subscription, "page": page, "event_labels": event_labels}
    )


@admin_only
def subscription_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    if request.method == "POST":
        services.subscription_delete(subscription=subscription)
        messages.success(request, _("Webhook “%(name)s” deleted.") % {"name": subscription.name})
        return redirect("webhooks:list")
    return render(request, "webhooks/confirm_delete.html", {"subscription": subscription})


@require_POST
@admin_only
def subscription_pause_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.subscription_pause(
        subscription=subscription,
        reason=_("Paused by %(name)s.") % {"name": request.user.get_full_name() or request.user.username},
    )
    messages.success(request, _("Webhook “%(name)s” paused: nothing is sent to it.") % {"name": subscription.name})
    return redirect("webhooks:detail", pk)


@require_POST
@admin_only
def subscription_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.subscription_resume(subscription=subscription)
    messages.success(request, _("Webhook “%(name)s” resumed.") % {"name": subscription.name})
    return redirect("webhooks:detail", pk)


@require_POST
@admin_only
def subscription_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    try:
        services.subscription_send_test(subscription=subscription, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Test event queued; its delivery shows below (reload to see the answer)."))
    return redirect("webhooks:detail", pk)


@require_POST
@admin_only
def delivery_resend_view(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("subscription"), pk=delivery_pk, subscription=pk
    )
    try:
        services.delivery_resend(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Delivery queued to be sent again."))
    return redirect("webhooks:detail", pk)
