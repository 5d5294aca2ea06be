"""Read-only share links: the editor's page that makes, lists and revokes them, and the shared view itself.

The shared view (`/s/<token>/`, no login) shows one journey's map read-only and nothing else: no menu, no links
to the rest of the application, no edit controls, no write forms. It logs no one in: a password typed there
only marks this link as unlocked in the visitor's session, and the API (which needs a signed-in user or an API
token) stays closed to the visitor.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cxplatform.lib.client_ip import client_ip
from cxplatform.lib.forms import add_service_errors
from journeys.forms import ShareLinkForm, SharePasswordForm
from journeys.models import Journey, ShareLink
from journeys.selectors import journey_map, share_link_for_token, share_links_of_journey
from journeys.services.share_links import share_link_create, share_link_record_use, share_link_revoke
from journeys.views.map.board import map_context
from journeys.views.pages import require_editor

# The new link's full URL, kept in the session from the POST that made it to the page that shows it once.
NEW_LINK_SESSION_KEY = "share_link_new"
# The links whose password this visitor typed right: only those, never a login.
UNLOCKED_SESSION_KEY = "share_links_unlocked"
# Wrong passwords per link and address before the form refuses for a while.
PASSWORD_ATTEMPTS = 5
PASSWORD_LOCK_SECONDS = 15 * 60


# The editor's page


def _editable_journey(request: HttpRequest, pk: int) -> Journey:
    journey = get_object_or_404(Journey.objects.select_related("group"), pk=pk)
    require_editor(request, journey)
    return journey


@require_http_methods(["GET", "POST"])
def share_links_page(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _editable_journey(request, pk)
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link, token = share_link_create(journey=journey, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = request.build_absolute_uri(reverse("shared-map", args=[token]))
            request.session[NEW_LINK_SESSION_KEY] = {"pk": link.pk, "url": url}
            return redirect("journeys:share", pk=journey.pk)
    new_link = request.session.pop(NEW_LINK_SESSION_KEY, None) if request.method == "GET" else None
    context = {
        "journey": journey,
        "form": form,
        "links": share_links_of_journey(journey=journey),
        "new_link": new_link,
    }
    return render(request, "journeys/share_links.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def share_link_revoke_view(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    journey = _editable_journey(request, pk)
    link = get_object_or_404(ShareLink.objects.select_related("created_by"), pk=link_pk, journey=journey)
    if request.method == "POST":
        share_link_revoke(link=link)
        messages.success(request, _("The link is revoked: it no longer opens the map."))
        return redirect("journeys:share", pk=journey.pk)
    return render(request, "journeys/share_link_revoke.html", {"journey": journey, "link": link})


# The shared view


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: no Referer carries it to another site, and no search engine keeps the page.

    Not "no-referrer": the browser then posts the password form with `Origin: null`, which CSRF refuses."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest, status: int) -> HttpResponse:
    """The same page for an unknown, expired, revoked or archived link: it names no journey."""
    return render(request, "journeys/shared_gone.html", status=status)


def _password_page(request: HttpRequest, link: ShareLink) -> HttpResponse:
    key = f"share-password:{link.pk}:{client_ip(request)}"
    form = SharePasswordForm(request.POST or None)
    status = 200
    if cache.get(key, 0) >= PASSWORD_ATTEMPTS:
        # Refused before the password is even looked at, the right one too: guessing gains nothing.
        form = SharePasswordForm()
        locked = _("Too many wrong passwords. Try again in 15 minutes.")
        return render(request, "journeys/shared_password.html", {"form": form, "locked": locked}, status=429)
    if request.method == "POST" and form.is_valid():
        if link.check_password(form.cleaned_data["password"]):
            unlocked = request.session.get(UNLOCKED_SESSION_KEY, [])
            request.session[UNLOCKED_SESSION_KEY] = [*unlocked, link.pk]
            return redirect(request.path)
        cache.add(key, 0, PASSWORD_LOCK_SECONDS)
        cache.incr(key)
        form.add_error("password", _("That password is not right."))
        status = 403
    elif request.method == "POST":
        status = 400
    return render(request, "journeys/shared_password.html", {"form": form}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def shared_map(request: HttpRequest, token: str) -> HttpResponse:
    return _private(_shared_map(request, token))


def _shared_map(request: HttpRequest, token: str) -> HttpResponse:
    link = share_link_for_token(token=token)
    if link is None:
        return _gone(request, 404)
    if not link.is_active or link.journey.archived_at is not None:
        return _gone(request, 410)
    if link.has_password and link.pk not in request.session.get(UNLOCKED_SESSION_KEY, []):
        return _password_page(request, link)
    if request.method == "POST":  # the password form posts here; nothing else does
        return redirect(request.path)
    try:
        journey = journey_map(journey_id=link.journey_id)
    except Journey.DoesNotExist:
        return _gone(request, 410)
    user_agent = request.headers.get("User-Agent", "")
    address = client_ip(request)
    share_link_record_use(link=link, visitor=f"{address} {user_agent}", ip_address=address, user_agent=user_agent)
    context = map_context(request, journey, read_only=True, with_measures=link.with_measures)
    return render(request, "journeys/shared_map.html", context)
