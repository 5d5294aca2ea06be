from django.apps import AppConfig


class CxPlatformConfig(AppConfig):
    name = "cxplatform"
    verbose_name = "CX Platform"
