from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found, server_error
from rest_framework.exceptions import APIException

from cxplatform.accounts.roles import is_admin, is_process_owner
from cxplatform.api.authentication import ThrottledTokenAuthentication
from cxplatform.api.errors import api_not_found, api_server_error, is_api_request
from cxplatform.health import health_report, status_words
from metrics.views import dashboard


def is_staff_caller(request: HttpRequest) -> bool:
    """A staff member or admin, by session or by API token (monitoring that wants the details uses a token)."""
    user = request.user
    if not user.is_authenticated:
        try:
            found = ThrottledTokenAuthentication().authenticate(request)
        except APIException:  # a bad or throttled token: the caller is simply not staff
            found = None
        user = found[0] if found else user
    return user.is_authenticated and (user.is_staff or is_admin(user))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page (after login, and behind the logo): a process owner's is "My work", the actions they
    carry out; everyone else's the dashboard, served here as well as at /dashboard/ so that links to "/" with
    filters keep working. A query string asks for the dashboard, whoever asks (its filters and downloads)."""
    if is_process_owner(request.user) and not request.GET:
        return redirect("teams:my-work")
    return dashboard(request)


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Open to monitoring without login; says up/down per component and nothing about the data. Staff (logged in,
    or with the API token of a staff user) also see each component's details and errors."""
    healthy, report = health_report()
    if not is_staff_caller(request):
        report = status_words(report)
    return JsonResponse(report, status=200 if healthy else 503)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_not_found(request)
    return page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_server_error(request)
    return server_error(request)
