"""The ASGI application every web process serves (cxplatform/web_server.py): the pages and the API through
Django, and the live map's WebSockets (journeys/consumers.py) through Channels.

A WebSocket is authenticated with the session cookie, like a page, and refused unless it comes from one of
ALLOWED_HOSTS (a page of another site cannot open it with the user's cookie).
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.base")

# Django first: the routes below import models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from journeys.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# As in cxplatform/wsgi.py: what start-up loaded lives as long as the process, out of the collector's view.
gc.collect()
gc.freeze()
