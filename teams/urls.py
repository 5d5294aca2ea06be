"""HTML routes of the teams app (name space "teams")."""

from django.urls import path

from teams.views import actions, ownership, teams

app_name = "teams"
urlpatterns = [
    # Teams and their mandates
    path("teams/", teams.team_index, name="index"),
    path("teams/<int:pk>/", teams.team_page, name="team"),
    path("teams/<int:pk>/mandates/new/", teams.mandate_create, name="mandate-create"),
    path("mandates/<int:pk>/decide/", teams.mandate_decide, name="mandate-decide"),
    # Improvement actions: board, list, matrix, my work; one action, its forms and its progress
    path("actions/", actions.action_index, name="actions"),
    path("actions/list/", actions.action_list, name="action-list"),
    path("actions/matrix/", actions.action_matrix, name="action-matrix"),
    path("actions/mine/", actions.action_mine, name="my-work"),
    path("actions/new/", actions.action_create_view, name="action-create"),
    path("actions/<int:pk>/", actions.action_detail_view, name="action"),
    path("actions/<int:pk>/edit/", actions.action_edit_view, name="action-edit"),
    path("actions/<int:pk>/delete/", actions.action_delete_view, name="action-delete"),
    path("actions/<int:pk>/transition/", actions.action_transition_view, name="action-transition"),
    path("actions/<int:pk>/progress/", actions.action_progress_view, name="action-progress"),
    path("actions/<int:pk>/comments/", actions.action_comment_view, name="action-comment"),
    # Ownership across silos
    path("journeys/<int:journey_pk>/ownership/", ownership.ownership_page, name="ownership"),
]
