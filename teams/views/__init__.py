"""HTML views of the teams app: `teams` (teams, mandates, ownership) and `actions` (improvement actions).
Each module has its own urlpatterns, joined in teams/urls.py."""
