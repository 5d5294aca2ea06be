from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("teams/", views.team_index, name="index"),
    path("actions/", views.action_index, name="actions"),
]
