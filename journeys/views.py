from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import journey_group_list


def journey_index(request: HttpRequest) -> HttpResponse:
    return render(request, "journeys/index.html", {"groups": journey_group_list()})
