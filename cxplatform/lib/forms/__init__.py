"""Helpers for the HTML forms of every app: a service's errors on a form, and edits based on a version.

A stale edit (someone else saved the object since the user opened the form) keeps what the user typed: the form
is shown again with the user's input, now based on the current version, and a panel lists each field someone
else changed since (theirs beside yours) so the user can take theirs, keep theirs, or choose field by field
(`{% stale_edit form %}`, templates/_stale_edit.html, static/js/stale_edit.js). Saving it again succeeds.

To know which fields someone else changed, each edit form carries (in the hidden field BASE_FIELD) the values
it was opened with. The map's dialogs go one step further and merge (rebase_stale_form(merge=True), used by
journeys.views.map.dialogs.form_view): an edit of fields nobody else changed is saved onto the current version;
only a field both changed asks the user to choose.

The helpers live in `stale` (comparing values, rebasing a stale form) and `pages` (an edit or delete page's
submission); import them from here.
"""

from cxplatform.lib.forms.pages import (
    DeleteConfirmation,
    VersionedDelete,
    VersionedEdit,
    add_service_errors,
    delete_confirmation,
    posted_version,
    submit_versioned_delete,
    submit_versioned_edit,
    versioned_edit_page,
)
from cxplatform.lib.forms.stale import (
    BASE_FIELD,
    VERSION_FIELD,
    FieldConflict,
    StaleEdit,
    opened_values,
    rebase_stale_form,
)

__all__ = [
    "BASE_FIELD",
    "VERSION_FIELD",
    "DeleteConfirmation",
    "FieldConflict",
    "StaleEdit",
    "VersionedDelete",
    "VersionedEdit",
    "add_service_errors",
    "delete_confirmation",
    "opened_values",
    "posted_version",
    "rebase_stale_form",
    "submit_versioned_delete",
    "submit_versioned_edit",
    "versioned_edit_page",
]
