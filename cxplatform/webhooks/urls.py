"""The webhook pages (name space "webhooks", under /webhooks/): admins only."""

from django.urls import path

from cxplatform.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list_view, name="list"),
    path("new/", views.subscription_create_view, name="create"),
    path("<int:pk>/", views.subscription_detail_view, name="detail"),
    path("<int:pk>/edit/", views.subscription_edit_view, name="edit"),
    path("<int:pk>/delete/", views.subscription_delete_view, name="delete"),
    path("<int:pk>/pause/", views.subscription_pause_view, name="pause"),
    path("<int:pk>/resume/", views.subscription_resume_view, name="resume"),
    path("<int:pk>/test/", views.subscription_test_view, name="test"),
    path("<int:pk>/deliveries/<int:delivery_pk>/resend/", views.delivery_resend_view, name="resend"),
]
