"""Helpers of the map editor page tests (test_map_read, test_map_structure, test_map_findings, test_map_ownership):
reading the board's HTML."""

import re

from django.urls import reverse

from journeys.models import Journey

HTMX = {"HTTP_HX_REQUEST": "true"}


def map_url(journey: Journey) -> str:
    return reverse("journeys:map", args=[journey.pk])


def names_in_order(content: str, names: list[str]) -> bool:
    positions = [content.index(name) for name in names]
    return positions == sorted(positions)


def stage_names(content: str) -> list[str]:
    return re.findall(r'<h2 class="stage-name">(.*?)</h2>', content)


def touchpoint_names(content: str) -> list[str]:
    """Touchpoint names as the board shows them: stage by stage, top to bottom."""
    return re.findall(r'<h3 class="tp-name">(.*?)</h3>', content)
