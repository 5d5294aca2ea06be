from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cxplatform.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        """Record every write of the audited models (signals), logins, and name tasks and commands as actors."""
        from . import logins, signals, workers

        signals.connect()
        logins.connect()
        workers.connect()
