from django.contrib import admin

from .models import JourneyGroup


@admin.register(JourneyGroup)
class JourneyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
