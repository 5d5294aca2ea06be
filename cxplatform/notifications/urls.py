"""The notifications' pages (name space "notifications", under /notifications/)."""

from django.urls import path

from cxplatform.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all_view, name="read-all"),
    path("<int:pk>/read/", views.notification_read_view, name="read"),
    path("<int:pk>/open/", views.notification_open_view, name="open"),
]
