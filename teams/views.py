from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import team_list


def team_index(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/index.html", {"teams": team_list()})


def action_index(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/actions.html", {"actions": []})
