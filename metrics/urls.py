"""HTML routes of the metrics app (name space "metrics")."""

from metrics.views import business_cases as business_case_views
from metrics.views import drivers as driver_views
from metrics.views import followups as followup_views
from metrics.views import imports as import_views
from metrics.views import kpis as kpi_views
from metrics.views import targets as target_views

app_name = "metrics"
urlpatterns: list = []
urlpatterns += followup_views.urlpatterns
urlpatterns += kpi_views.urlpatterns
urlpatterns += business_case_views.urlpatterns
urlpatterns += import_views.urlpatterns
urlpatterns += driver_views.urlpatterns
urlpatterns += target_views.urlpatterns
