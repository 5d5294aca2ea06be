from django.contrib import admin

from .models import (
    Channel,
    Finding,
    Journey,
    JourneyGroup,
    JourneyTemplate,
    Persona,
    ShareLink,
    ShareLinkUse,
    Stage,
    Touchpoint,
)


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


class ShareLinkUseInline(admin.TabularInline):
    model = ShareLinkUse
    fields = ("used_at", "ip_address", "user_agent")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """To look at, and revoke (set "revoked at"): links are made on the journey's share page, which alone knows
    the token."""

    list_display = ("journey", "label", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    list_select_related = ("journey", "created_by")
    fields = (
        "journey",
        "label",
        "with_measures",
        "expires_at",
        "created_by",
        "created_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = ("journey", "with_measures", "created_by", "created_at", "last_used_at")
    inlines = [ShareLinkUseInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(JourneyTemplate)
class JourneyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at")
