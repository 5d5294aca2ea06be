"""HTML views of the journeys app: `pages` (lists, personas, forms, compare, import/export) and `map` (the
map editor). Their routes are listed in journeys/urls.py."""
