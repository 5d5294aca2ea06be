"""HTML views of the teams app: `teams` (teams, mandates), `ownership` and `actions` (improvement actions).
Their routes are listed in teams/urls.py."""
