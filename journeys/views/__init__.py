"""HTML views of the journeys app: `pages` (lists, personas, forms, compare, import/export) and `map` (the
map editor). Each module has its own urlpatterns, joined in journeys/urls.py."""
