"""The improvement-action pages: board, list, prioritisation matrix, my work, detail, create and edit.

Writes go through teams.services.actions and are checked with teams.permissions, like the API: a refusal is a
403 with the reason.

- `board`: the actions together (board, list, matrix, my work) and moving one to another status;
- `detail`: one action's page, its progress and comments;
- `edit`: create, edit and delete an action.
"""

from teams.views.actions.board import action_index, action_list, action_matrix, action_mine, action_transition_view
from teams.views.actions.detail import action_comment_view, action_detail_view, action_progress_view
from teams.views.actions.edit import action_create_view, action_delete_view, action_edit_view

__all__ = [
    "action_comment_view",
    "action_create_view",
    "action_delete_view",
    "action_detail_view",
    "action_edit_view",
    "action_index",
    "action_list",
    "action_matrix",
    "action_mine",
    "action_progress_view",
    "action_transition_view",
]
