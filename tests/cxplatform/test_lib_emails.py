"""cxplatform.lib.emails: every email in the recipient's language, with links to SITE_URL, only for committed
work."""

from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cxplatform.lib import emails
from teams.models import ImprovementAction
from teams.notifications import send_assignment_email
from tests.cxplatform.factories import UserFactory
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_links_point_at_site_url(settings):
    settings.SITE_URL = "https://cx.example.org/"
    assert emails.absolute_url("/actions/3/") == "https://cx.example.org/actions/3/"
    assert emails.absolute_reverse("teams:action", args=[3]) == "https://cx.example.org/actions/3/"
    assert emails.absolute_url_maker("teams:action")(42) == "https://cx.example.org/actions/42/"


def test_the_email_is_written_in_the_recipients_language_whatever_the_sender_reads(settings, mailoutbox):
    settings.LANGUAGE_CODE = "nl"
    action = ActionFactory(title="Checklist", assignee=UserFactory(first_name="Priya"))
    with translation.override("en"):  # the request that assigned it was in English
        send_assignment_email(ImprovementAction.objects.select_related("assignee", "journey").get(pk=action.pk))
        assert translation.get_language() == "en"  # and stays so
    [email] = mailoutbox
    assert email.subject == "Nieuwe verbeteractie voor jou: Checklist"
    assert email.body.startswith("Hallo Priya,")
    assert f"{settings.SITE_URL.rstrip('/')}/actions/{action.pk}/" in email.body


def test_a_users_own_language_wins(settings, mailoutbox):
    settings.LANGUAGE_CODE = "en"
    user = UserFactory(first_name="Daan")
    user.language = "nl"
    sent = emails.send(
        to=user,
        template="teams/email/assigned.txt",
        subject=lambda: _("New improvement action for you: %(title)s") % {"title": "X"},
        context=lambda: {"action": ActionFactory(title="X"), "url": emails.absolute_url("/")},
    )
    assert sent is True
    assert mailoutbox[0].subject == "Nieuwe verbeteractie voor jou: X"


def test_nobody_without_an_address_is_emailed(mailoutbox):
    sent = emails.send(to=UserFactory(email=""), template="teams/email/assigned.txt", subject=str, context=dict)
    assert sent is False
    assert mailoutbox == []


def test_the_task_is_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    queued = []
    task = SimpleNamespace(delay=lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails.send_after_commit(task, 7)
        assert queued == []
    assert queued == [(7,)]
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emails.send_after_commit(task, 8)
        raise RuntimeError("rolled back")
    assert queued == [(7,)]
