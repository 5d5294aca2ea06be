"""The WebSocket routes of the journeys app (served by cxplatform/asgi.py)."""

from django.urls import path

from journeys.consumers import JourneyMapConsumer

websocket_urlpatterns = [
    path("ws/journeys/<int:pk>/", JourneyMapConsumer.as_asgi()),
]
