from .views import actions, ownership, teams

app_name = "teams"
urlpatterns = [*teams.urlpatterns, *actions.urlpatterns, *ownership.urlpatterns]
