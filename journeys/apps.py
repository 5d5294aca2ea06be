from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from journeys.live import close_on_logout
        from journeys.services import recording  # noqa: F401 - stamps every history row with its change

        # Logging out is Django's own view: its signal is the one place to hear of it. The live map's open
        # connections of that user are closed at once (the periodic check would close them within
        # LIVE_RECHECK_SECONDS anyway).
        user_logged_out.connect(close_on_logout, dispatch_uid="journeys-live-close-on-logout")
