from .views import map as map_views
from .views import pages

app_name = "journeys"
urlpatterns = [*pages.urlpatterns, *map_views.urlpatterns]
