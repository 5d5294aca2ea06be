from django.apps import AppConfig


class CxPlatformConfig(AppConfig):
    name = "cxplatform"
    verbose_name = "CX Platform"

    def ready(self) -> None:
        """Start-up wiring of the project, in one place:

        - the cache-generation hook (cxplatform.lib.generations): every database connection opened from now on
          gets an execute wrapper that moves the data's generation when a write to the journeys, teams or
          metrics tables commits, so the pages cached under it are rebuilt.
        """
        # Imported here, not at the top: Django imports app configs while the app registry is still loading,
        # and generations reads the cache and the models.
        from cxplatform.lib.generations import watch_data_writes

        watch_data_writes()
