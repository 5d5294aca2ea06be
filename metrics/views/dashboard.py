from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from metrics.selectors.org import organisation_summary


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "metrics/dashboard.html", {"summary": organisation_summary()})
