"""HTML routes of the metrics app (name space "metrics")."""

app_name = "metrics"
urlpatterns: list = []
