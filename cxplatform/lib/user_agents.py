"""A short summary of a browser's User-Agent header ("Firefox on Windows"), for the list of a user's sessions.

Good enough to tell one's own sessions apart; not a full parser (no dependency for a label). The order of the
checks matters: Edge and Opera say "Chrome" too, Chrome says "Safari", and Android says "Linux".
"""

import re

from django.utils.translation import gettext as _

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:HeadlessChrome|Chrome|Chromium|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
    ("curl", re.compile(r"^curl/(\d+)")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def summary(user_agent: str) -> str:
    """ "Firefox 128 on Windows", "Safari 17 on iPhone", "Chrome 120"; the start of the header for anything
    unknown, and "" for none."""
    user_agent = (user_agent or "").strip()
    if not user_agent:
        return ""
    browser = ""
    for name, pattern in _BROWSERS:
        match = pattern.search(user_agent)
        if match:
            browser = f"{name} {match.group(1)}"
            break
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or user_agent[:40]
