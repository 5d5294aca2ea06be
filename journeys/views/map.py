"""The map editor: one page per journey (owned by the map-editor work)."""

urlpatterns: list = []
