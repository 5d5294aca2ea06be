from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .views import CallbackView, StartView

# The URL names are mozilla-django-oidc's (its views and middleware reverse them).
urlpatterns = [
    path("authenticate/", login_not_required(StartView.as_view()), name="oidc_authentication_init"),
    path("callback/", login_not_required(CallbackView.as_view()), name="oidc_authentication_callback"),
]
