"""HTML routes of the journeys app (name space "journeys", under /journeys/)."""

from django.urls import path

from journeys.comments import views as comment_views
from journeys.views import history as history_views
from journeys.views import map as map_views
from journeys.views import pages, share
from journeys.views import templates as template_views

app_name = "journeys"
urlpatterns = [
    # Journeys: the list, the forms, archive and restore, future state, comparison, export and import
    path("", pages.journey_index, name="index"),
    path("new/", pages.journey_create, name="create"),
    path("import/", pages.journey_import_view, name="import"),
    path("<int:pk>/edit/", pages.journey_edit, name="edit"),
    path("<int:pk>/delete/", pages.journey_delete, name="delete"),
    path("<int:pk>/archive/", pages.journey_archive, name="archive"),
    path("<int:pk>/restore/", pages.journey_restore, name="restore"),
    path("archived/", pages.journey_archived, name="archived"),
    path("<int:pk>/archived/", pages.journey_map_archive, name="map-archive"),
    path("<int:pk>/stages/<int:part_pk>/restore/", pages.map_part_restore, {"kind": "stages"}, name="stage-restore"),
    path(
        "<int:pk>/touchpoints/<int:part_pk>/restore/",
        pages.map_part_restore,
        {"kind": "touchpoints"},
        name="touchpoint-restore",
    ),
    path("<int:pk>/future-state/", pages.journey_future_state, name="future-state"),
    path("<int:pk>/compare/", pages.journey_compare_view, name="compare"),
    path("<int:pk>/export.json", pages.journey_export_json_view, name="export-json"),
    path("<int:pk>/export.csv", pages.journey_export_csv_view, name="export-csv"),
    # Read-only share links of a journey (the shared view itself is /s/<token>/, in cxplatform/urls.py)
    path("<int:pk>/share/", share.share_links_page, name="share"),
    path("<int:pk>/share/<int:link_pk>/revoke/", share.share_link_revoke_view, name="share-revoke"),
    # Templates: the list, save a journey as one, delete one (the "new journey" page starts from them)
    path("templates/", template_views.template_index, name="templates"),
    path("<int:pk>/save-as-template/", template_views.template_save_view, name="template-save"),
    path("templates/<int:pk>/delete/", template_views.template_delete_view, name="template-delete"),
    # History: the timeline, restore, undo, named versions and their comparison
    path("<int:pk>/history/", history_views.history_page, name="history"),
    path(
        "<int:pk>/history/<slug:kind>/<int:history_id>/restore/",
        history_views.part_restore,
        name="history-part-restore",
    ),
    path("<int:pk>/history/restore/", history_views.journey_restore, name="history-restore"),
    path("<int:pk>/history/versions/", history_views.version_create, name="history-version-create"),
    path("<int:pk>/history/compare/", history_views.compare, name="history-compare"),
    path("<int:pk>/undo/", history_views.undo, name="undo"),
    # Personas
    path("personas/", pages.persona_index, name="personas"),
    path("personas/new/", pages.persona_form, name="persona-create"),
    path("personas/<int:pk>/", pages.persona_detail, name="persona"),
    path("personas/<int:pk>/edit/", pages.persona_form, name="persona-edit"),
    path("personas/<int:pk>/delete/", pages.persona_delete, name="persona-delete"),
    # The map editor: the page, and every write to it (answered with the board)
    path("<int:pk>/", map_views.map_page, name="map"),
    path("<int:pk>/board/", map_views.map_board, name="map-board"),
    path("<int:pk>/reorder/", map_views.map_reorder, name="map-reorder"),
    path("<int:pk>/stages/add/", map_views.stage_create, name="stage-create"),
    path("<int:pk>/stages/<int:stage_pk>/edit/", map_views.stage_edit, name="stage-edit"),
    path("<int:pk>/stages/<int:stage_pk>/delete/", map_views.stage_delete, name="stage-delete"),
    path("<int:pk>/stages/<int:stage_pk>/move/", map_views.stage_move, name="stage-move"),
    path("<int:pk>/stages/<int:stage_pk>/archive/", map_views.stage_archive, name="stage-archive"),
    path("<int:pk>/touchpoints/<int:touchpoint_pk>/archive/", map_views.touchpoint_archive, name="touchpoint-archive"),
    path("<int:pk>/stages/<int:stage_pk>/touchpoints/add/", map_views.touchpoint_create, name="touchpoint-create"),
    path("<int:pk>/stages/<int:stage_pk>/findings/add/", map_views.finding_create, name="finding-create"),
    path("<int:pk>/touchpoints/<int:touchpoint_pk>/edit/", map_views.touchpoint_edit, name="touchpoint-edit"),
    path("<int:pk>/touchpoints/<int:touchpoint_pk>/delete/", map_views.touchpoint_delete, name="touchpoint-delete"),
    path("<int:pk>/touchpoints/<int:touchpoint_pk>/move/", map_views.touchpoint_move, name="touchpoint-move"),
    path("<int:pk>/findings/<int:finding_pk>/edit/", map_views.finding_edit, name="finding-edit"),
    path("<int:pk>/findings/<int:finding_pk>/delete/", map_views.finding_delete, name="finding-delete"),
    # Comment threads (on the journey, a stage, touchpoint or finding, or an improvement action of the journey)
    path("<int:pk>/comments/<str:kind>/<int:object_id>/", comment_views.thread_view, name="comment-thread"),
    path(
        "<int:pk>/comments/<str:kind>/<int:object_id>/resolve/",
        comment_views.thread_resolve_view,
        name="comment-resolve",
    ),
    path("<int:pk>/comments/<int:comment_pk>/edit/", comment_views.comment_edit_view, name="comment-edit"),
    path("<int:pk>/comments/<int:comment_pk>/delete/", comment_views.comment_delete_view, name="comment-delete"),
    path("<int:pk>/people/", comment_views.people_view, name="comment-people"),
]
