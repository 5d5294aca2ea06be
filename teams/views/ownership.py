"""Ownership across silos: which department owns which touchpoints of a journey, where the customer is handed
over from one department to the next, and which touchpoints nobody owns."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from teams.selectors.ownership import ownership_matrix


def ownership_page(request: HttpRequest, journey_pk: int) -> HttpResponse:
    return render(request, "teams/ownership.html", {"matrix": ownership_matrix(journey_id=journey_pk)})
