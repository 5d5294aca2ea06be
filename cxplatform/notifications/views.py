"""The bell (its unread count, fetched by htmx after the page loads, so no page pays a query for it) and the
list of one's notifications: open one (marks it read), mark one or all read."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cxplatform.notifications import selectors, services
from cxplatform.notifications.models import Notification

LIST_LENGTH = 50  # the newest; older ones are not worth a page of their own


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/_bell.html", {"unread": selectors.unread_count(user=request.user)})


@require_GET
def notification_list_view(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.notification_list(user=request.user)[:LIST_LENGTH])
    return render(
        request,
        "notifications/list.html",
        {"notifications": rows, "unread": sum(1 for n in rows if n.read_at is None)},
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("notifications:list")


@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.notification_mark_read(user=request.user, notification_id=pk):
        raise Http404(_("No such notification."))
    return redirect(_back(request))


@require_POST
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points."""
    notification = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if notification is None:
        raise Http404(_("No such notification."))
    services.notification_mark_read(user=request.user, notification_id=pk)
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("notifications:list")
    return redirect(url)


@require_POST
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return redirect(_back(request))
