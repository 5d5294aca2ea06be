from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        # Celery autodiscovers `metrics.tasks` only; the morning email's task lives in a module of its own.
        from metrics import digest_tasks  # noqa: F401
