from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from journeys.selectors import journey_group_list


def journey_index(request: HttpRequest) -> HttpResponse:
    return render(request, "journeys/index.html", {"groups": journey_group_list()})


urlpatterns = [
    path("", journey_index, name="index"),
]
