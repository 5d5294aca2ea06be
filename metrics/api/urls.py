"""/api/v1/ routes of the metrics app; cxplatform/api_router.py includes them."""

from django.urls import path  # noqa: F401

# Explicit paths go before the router's (a "responses/import/" path would otherwise be read as a pk).
urlpatterns: list = []
router_registrations: list[tuple[str, type, str]] = []
