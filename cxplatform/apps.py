from django.apps import AppConfig


class CxPlatformConfig(AppConfig):
    name = "cxplatform"
    verbose_name = "CX Platform"

    def ready(self) -> None:
        from cxplatform.lib.generations import watch_data_writes

        watch_data_writes()
