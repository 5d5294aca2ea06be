from django.http import HttpRequest

from .context import serving


class AuditContextMiddleware:
    """Makes the request the audit trail's actor while it is served (cxplatform.audit.context)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        with serving(request):
            return self.get_response(request)
