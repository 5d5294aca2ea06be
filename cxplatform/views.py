from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found, server_error

from cxplatform.accounts.models import Role
from cxplatform.api.errors import api_not_found, api_server_error, is_api_request
from cxplatform.health import health_report
from metrics.views import dashboard


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page (after login, and behind the logo): a process owner's is "My work", the actions they
    carry out; everyone else's the dashboard, served here as well as at /dashboard/ so that links to "/" with
    filters keep working. A query string asks for the dashboard, whoever asks (its filters and downloads)."""
    if request.user.role == Role.PROCESS_OWNER and not request.GET:
        return redirect("teams:my-work")
    return dashboard(request)


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Open to monitoring without login; says up/down per component and nothing about the data."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_not_found(request)
    return page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_server_error(request)
    return server_error(request)
