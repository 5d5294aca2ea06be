from django.contrib import admin

from .models import Channel, Finding, Journey, JourneyGroup, JourneyTemplate, Persona, Stage, Touchpoint


@admin.register(JourneyGroup)
class JourneyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "name_nl", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ("name", "segment")
    search_fields = ("name", "segment")


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ("name", "group", "state", "phase", "chain_owner")
    list_filter = ("group", "state", "phase")
    search_fields = ("name", "description")
    readonly_fields = ("version", "structure_version")


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("name", "journey", "position")
    list_filter = ("journey",)


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ("name", "journey", "stage", "channel", "owner", "emotion")
    list_filter = ("journey", "channel")
    search_fields = ("name",)


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "source", "severity", "journey")
    list_filter = ("kind", "source", "journey")


@admin.register(JourneyTemplate)
class JourneyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at")
