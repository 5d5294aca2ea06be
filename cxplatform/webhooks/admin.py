from django.contrib import admin

from cxplatform.webhooks.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "body_format", "is_active", "owner", "created_at"]
    list_filter = ["is_active", "body_format"]
    raw_id_fields = ["owner"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_id", "subscription", "event_type", "status", "attempts", "last_response_code", "created_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription"]
    raw_id_fields = ["subscription"]
