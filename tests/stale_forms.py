"""Reading a stale-edit answer (templates/_stale_edit.html) in tests, as a user would see and resend it."""

import html
import json
import re


def hidden_value(content: str, name: str) -> str:
    """The value of the first hidden input of that name: `version`, or `_base` (the values the form opened with)."""
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', content)
    return html.unescape(found.group(1)) if found else ""


def conflict_rows(content: str) -> dict[str, dict]:
    """The fields the stale-edit panel lists: input name -> {"theirs": raw, "yours": raw, "checked": choice}."""
    rows = {}
    for name, values, body in re.findall(
        r'<tr data-stale-field="([^"]+)" data-values="([^"]*)">(.*?)</tr>', content, flags=re.S
    ):
        checked = re.search(r'value="(theirs|yours)" checked', body)
        rows[name] = {**json.loads(html.unescape(values)), "checked": checked.group(1) if checked else None}
    return rows


def resend(response, form_name: str = "form", **choices: str) -> dict:
    """What the browser sends when the user saves the form of a stale-edit answer again, after choosing
    "theirs" or "yours" for some of the listed fields (the others as the panel preselected them)."""
    form = response.context[form_name]
    data = {key: values if len(values) > 1 else values[0] for key, values in form.data.lists()}
    rows = conflict_rows(response.content.decode())
    for name, choice in choices.items():
        value = rows[name][choice]
        if value is True:
            data[name] = "on"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data
