"""The product's URLs plus /bench/trivial/: the smallest Django view, the yardstick of requests/s that
bench/dashboard_bench.py measures the dashboard against. Only in the bench settings (bench_settings.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cxplatform import urls

TRIVIAL_PATH = "/bench/trivial/"


@login_not_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path(TRIVIAL_PATH.strip("/") + "/", trivial, name="bench-trivial"), *urls.urlpatterns]

handler404 = urls.handler404
handler500 = urls.handler500
