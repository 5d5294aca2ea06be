"""HTML routes of the metrics app (name space "metrics"). The dashboard is the site's own page
(cxplatform/urls.py)."""

from django.urls import path

from metrics.views import business_cases, connectors, drivers, followups, imports, kpis, privacy, targets
from metrics.views.themes import analysis as theme_analysis
from metrics.views.themes import codebook as themes_codebook
from metrics.views.themes import progress as theme_progress
from metrics.views.themes import search as verbatim_search

app_name = "metrics"
urlpatterns = [
    # Follow-up cases
    path("followups/", followups.followup_inbox, name="followup-inbox"),
    path("followups/<int:pk>/", followups.followup_detail_view, name="followup"),
    path("followups/<int:pk>/status/", followups.followup_status_view, name="followup-status"),
    path("followups/<int:pk>/link/", followups.followup_link_view, name="followup-link"),
    path("followups/<int:pk>/action/", followups.followup_action_create_view, name="followup-action-create"),
    path("followups/<int:pk>/owner/", followups.followup_reassign_view, name="followup-reassign"),
    # Custom KPIs and their measurements
    path("kpis/", kpis.kpi_index, name="kpi-list"),
    path("kpis/new/", kpis.kpi_create_view, name="kpi-create"),
    path("kpis/<int:pk>/", kpis.kpi_detail_view, name="kpi"),
    path("kpis/<int:pk>/edit/", kpis.kpi_edit_view, name="kpi-edit"),
    path("kpis/<int:pk>/delete/", kpis.kpi_delete_view, name="kpi-delete"),
    path("kpis/<int:pk>/measurements/", kpis.measurement_record_view, name="kpi-measurement"),
    path("kpis/<int:pk>/measurements/import/", kpis.measurement_import_view, name="kpi-import"),
    # Business cases of improvement actions
    path("business-cases/", business_cases.business_case_index, name="business-case-list"),
    path("actions/<int:action_pk>/business-case/", business_cases.business_case_view, name="business-case"),
    path(
        "actions/<int:action_pk>/business-case/delete/",
        business_cases.business_case_delete_view,
        name="business-case-delete",
    ),
    # Survey responses: the CSV import
    path("responses/import/", imports.response_import, name="response-import"),
    path("responses/import/presets/<int:pk>/delete/", imports.import_preset_delete_view, name="import-preset-delete"),
    path("responses/import/<str:token>/", imports.response_import_preview, name="response-import-preview"),
    path("responses/import/<str:token>/mapping/", imports.response_import_mapping, name="response-import-mapping"),
    path("responses/import/<str:token>/values/", imports.response_import_values, name="response-import-values"),
    path("responses/import/<str:token>/cancel/", imports.response_import_cancel, name="response-import-cancel"),
    path(
        "responses/import/<str:token>/rejected.csv", imports.response_import_rejected, name="response-import-rejected"
    ),
    # Survey sources: survey tools that send their answers (metrics.connectors); the endpoint is /hooks/<token>/
    path("sources/", connectors.source_index, name="source-list"),
    path("sources/new/", connectors.source_create_view, name="source-create"),
    path("sources/<int:pk>/", connectors.source_detail_view, name="source"),
    path("sources/<int:pk>/edit/", connectors.source_edit_view, name="source-edit"),
    path("sources/<int:pk>/secret/", connectors.source_rotate_view, name="source-rotate"),
    path("sources/<int:pk>/mapping/", connectors.source_mapping_view, name="source-mapping"),
    path("sources/<int:pk>/delete/", connectors.source_delete_view, name="source-delete"),
    path("sources/<int:pk>/deliveries/", connectors.source_deliveries_view, name="source-deliveries"),
    path("sources/<int:pk>/deliveries/<int:delivery_pk>/", connectors.delivery_detail_view, name="source-delivery"),
    path(
        "sources/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        connectors.delivery_replay_view,
        name="source-delivery-replay",
    ),
    # Key-driver analysis of a journey
    path("journeys/<int:pk>/drivers/", drivers.journey_drivers, name="journey-drivers"),
    # Targets
    path("targets/", targets.target_index_view, name="target-list"),
    path("targets/new/", targets.target_create_view, name="target-create"),
    path("targets/<int:pk>/edit/", targets.target_edit_view, name="target-edit"),
    path("targets/<int:pk>/delete/", targets.target_delete_view, name="target-delete"),
    # Themes: what customers say, by theme (the analysis), and a pain point or action made from a theme
    path("themes/analysis/", theme_analysis.theme_analysis, name="theme-analysis"),
    path("themes/analysis/<int:theme_pk>/", theme_analysis.theme_in_scope, name="theme-in-scope"),
    path("themes/analysis/<int:theme_pk>/finding/", theme_analysis.theme_finding, name="theme-finding"),
    path("themes/analysis/<int:theme_pk>/action/", theme_analysis.theme_action, name="theme-action"),
    # Privacy (admins): a respondent's data (the searched key waits in the session under <token>), the register
    path("privacy/respondents/", privacy.respondent_search_view, name="privacy-respondents"),
    path("privacy/respondents/<str:token>/", privacy.respondent_detail_view, name="privacy-subject"),
    path("privacy/respondents/<str:token>/export/", privacy.respondent_export_view, name="privacy-subject-export"),
    path("privacy/respondents/<str:token>/erase/", privacy.respondent_erase_view, name="privacy-subject-erase"),
    path("privacy/register/", privacy.register_view, name="privacy-register"),
    path("privacy/register.csv", privacy.register_csv_view, name="privacy-register-csv"),
    path("privacy/register.json", privacy.register_json_view, name="privacy-register-json"),
    # Themes (issue 17): the tagging's progress after a codebook change
    path("themes/progress/", theme_progress.theme_progress_view, name="theme-progress"),
    # Verbatim search (issue 17): the comments that match words and filters, and their CSV
    path("verbatims/", verbatim_search.verbatim_search_view, name="verbatim-search"),
    path("verbatims.csv", verbatim_search.verbatim_csv_view, name="verbatim-csv"),
    # The codebook of themes (issue 17): its editor, the live preview, the starter codebook, suggestions
    path("themes/", themes_codebook.theme_index, name="theme-list"),
    path("themes/new/", themes_codebook.theme_create_view, name="theme-create"),
    path("themes/preview/", themes_codebook.theme_preview_view, name="theme-preview"),
    path("themes/starter/", themes_codebook.theme_starter_view, name="theme-starter"),
    path("themes/suggestions/", themes_codebook.theme_suggestions_view, name="theme-suggestions"),
    path("themes/suggestions/new/", themes_codebook.theme_from_suggestion_view, name="theme-from-suggestion"),
    path("themes/<int:pk>/", themes_codebook.theme_edit_view, name="theme"),
    path("themes/<int:pk>/delete/", themes_codebook.theme_delete_view, name="theme-delete"),
]
