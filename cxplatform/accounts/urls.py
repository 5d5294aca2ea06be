from django.urls import path

from . import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.token_create_view, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
]
