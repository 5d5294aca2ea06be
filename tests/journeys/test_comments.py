"""Comment threads (journeys.comments): who may comment, edit and delete; mentions and owners notified, by the bell
and one email; the thread in the map's dialog and on an action's page; the counts on the map's cards."""

import pytest
from django.core import mail
from django.urls import reverse

from cxplatform.notifications.models import Notification, NotificationKind
from journeys.comments import services
from journeys.comments.models import Comment, CommentThread
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory, build_map
from tests.teams.factories import ActionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def touchpoint(process_owner):
    return TouchpointFactory(
        stage=StageFactory(journey=JourneyFactory(name="Claim"), name="Report"), name="Call us", owner=process_owner
    )


def thread_url(kind, obj, journey_id=None):
    return reverse("journeys:comment-thread", args=[journey_id or obj.journey_id, kind, obj.pk])


# Services: mentions, owners, the email


def test_a_mention_and_the_owner_are_notified_once_each_and_the_author_never(
    cx_editor, manager, process_owner, touchpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(
            author=cx_editor,
            kind="touchpoint",
            object_id=touchpoint.pk,
            text="@manager and @process-owner, see https://example.org/x. Also @cx-editor and @nobody.",
        )
    assert sorted(u.username for u in comment.mentions.all()) == ["cx-editor", "manager", "process-owner"]
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    # The owner was mentioned too: one notification, the mention; the author none.
    assert kinds == {"manager": NotificationKind.MENTION, "process-owner": NotificationKind.MENTION}
    assert Notification.objects.get(recipient=manager).url.endswith(f"#comments-touchpoint-{touchpoint.pk}")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, process_owner.email])


def test_the_process_owner_of_a_touchpoint_hears_of_a_comment_on_it(
    cx_editor, process_owner, touchpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Slow queue")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (process_owner, NotificationKind.OWNED)
    assert f"{cx_editor.get_full_name()} commented on “Call us”, which you own" in mail.outbox[0].body
    assert "Slow queue" in mail.outbox[0].body


def test_the_assignee_of_an_action_hears_of_a_comment_on_it(
    cx_editor, process_owner, django_capture_on_commit_callbacks
):
    action = ActionFactory(assignee=process_owner, title="Shorter queue")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(author=cx_editor, kind="action", object_id=action.pk, text="When?")
    notification = Notification.objects.get(recipient=process_owner)
    assert notification.url == reverse("teams:action", args=[action.pk]) + "#discussion"
    assert Comment.objects.get().journey_id == action.journey_id


def test_many_notifications_at_once_make_one_email_per_person(
    cx_editor, manager, touchpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for n in range(3):
            services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text=f"@manager {n}")
    for callback in callbacks:  # the tasks run later, as a worker would a minute on
        callback()
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert "3 new notifications" in to_manager[0].subject
    assert all(f"@manager {n}" in to_manager[0].body for n in range(3))
    assert not Notification.objects.filter(recipient=manager, emailed_at__isnull=True).exists()


def test_the_email_is_in_the_recipients_language(cx_editor, touchpoint, django_capture_on_commit_callbacks, settings):
    # Users have no language of their own yet: the site's (cxplatform.lib.emails.language_of), not the writer's.
    dutch = UserFactory(username="daan", first_name="Daan")
    settings.LANGUAGE_CODE = "nl"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="@daan kijk")
    [to_daan] = [m for m in mail.outbox if m.to == [dutch.email]]
    assert to_daan.body.startswith("Hallo Daan")


def test_a_read_notification_is_not_emailed(cx_editor, manager, touchpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="@manager look")
    Notification.objects.update(read_at="2026-01-01T00:00Z")
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_an_edit_notifies_only_who_is_newly_mentioned(cx_editor, manager, admin_user, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="stage", object_id=touchpoint.stage_id, text="@manager")
    services.comment_edit(comment=comment, text="@manager @admin", expected_version=1)
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["admin", "manager"]
    comment.refresh_from_db()
    assert comment.version == 2 and comment.edited_at is not None


def test_deleting_a_comment_withdraws_its_notifications(cx_editor, manager, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="journey", object_id=touchpoint.journey_id, text="@manager")
    services.comment_delete(comment=comment, by=cx_editor)
    assert not Notification.objects.exists()


def test_a_saved_comment_is_announced_to_the_live_map(cx_editor, touchpoint, monkeypatch):
    calls = []
    monkeypatch.setattr("journeys.live.journey_changed", lambda journey_id, **kw: calls.append((journey_id, kw)))
    services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Hi")
    assert calls == [(touchpoint.journey_id, {"parts": [f"comments-touchpoint-{touchpoint.pk}"], "user": cx_editor})]


# The thread page (htmx fragment)


def test_an_outsider_reads_and_comments_because_everyone_signed_in_reads(client_of, outsider, touchpoint):
    client = client_of(outsider)
    response = client.post(
        thread_url("touchpoint", touchpoint), {"text": "<b>bold</b> see https://example.org"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # escaped
    assert '<a href="https://example.org" rel="nofollow">https://example.org</a>' in html  # the link clickable
    assert Comment.objects.get().author == outsider


@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_a_signed_out_or_inactive_user_cannot_comment(client, touchpoint, who):
    if who == "inactive":
        client.force_login(UserFactory(is_active=False))
    response = client.post(thread_url("touchpoint", touchpoint), {"text": "hi"}, **HTMX)
    assert response.status_code in (302, 403)
    assert not Comment.objects.exists()


def test_an_empty_or_too_long_comment_is_refused_naming_the_field(editor_client, touchpoint):
    for text in ["   ", "x" * 4001]:
        response = editor_client.post(thread_url("touchpoint", touchpoint), {"text": text}, **HTMX)
        assert response.status_code == 422
        assert 'class="field-error"' in response.content.decode()
    assert not Comment.objects.exists()


def test_a_thread_of_another_journey_or_an_unknown_kind_is_not_found(editor_client, touchpoint):
    other = JourneyFactory()
    assert editor_client.get(thread_url("touchpoint", touchpoint, journey_id=other.pk)).status_code == 404
    assert (
        editor_client.get(reverse("journeys:comment-thread", args=[touchpoint.journey_id, "planet", 1])).status_code
        == 404
    )


def test_editing_someone_elses_comment_is_refused(client_of, cx_editor, outsider, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Mine")
    client = client_of(outsider)
    url = reverse("journeys:comment-edit", args=[touchpoint.journey_id, comment.pk])
    assert client.post(url, {"text": "Yours now", "version": 1}, **HTMX).status_code == 403
    delete = reverse("journeys:comment-delete", args=[touchpoint.journey_id, comment.pk])
    assert client.post(delete, **HTMX).status_code == 403
    assert Comment.objects.get().text == "Mine"


def test_the_author_edits_and_a_stale_edit_keeps_the_text(editor_client, cx_editor, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="First")
    url = reverse("journeys:comment-edit", args=[touchpoint.journey_id, comment.pk])
    assert editor_client.post(url, {"text": "Second", "version": 1}, **HTMX).status_code == 200
    stale = editor_client.post(url, {"text": "Third", "version": 1}, **HTMX)
    assert stale.status_code == 409
    assert "Third" in stale.content.decode()
    assert Comment.objects.get().text == "Second"


def test_an_admin_deletes_anyones_comment(client_of, cx_editor, admin_user, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Rude")
    response = client_of(admin_user).post(
        reverse("journeys:comment-delete", args=[touchpoint.journey_id, comment.pk]), **HTMX
    )
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_a_thread_is_resolved_and_reopened_with_who_and_when(client_of, cx_editor, manager, touchpoint):
    services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Done?")
    client = client_of(manager)
    url = reverse("journeys:comment-resolve", args=[touchpoint.journey_id, "touchpoint", touchpoint.pk])
    response = client.post(url, {"resolved": "1"}, **HTMX)
    assert "Resolved by Martin" in response.content.decode()
    thread = CommentThread.objects.get()
    assert thread.resolved_by == manager
    response = client.post(url, {"resolved": "0"}, **HTMX)
    assert "reopened by Martin" in response.content.decode()
    thread.refresh_from_db()
    assert thread.resolved_at is None and thread.reopened_by == manager
    assert client.post(url, {"resolved": "maybe"}, **HTMX).status_code == 400


def test_the_thread_runs_a_fixed_number_of_queries(editor_client, cx_editor, touchpoint, django_assert_num_queries):
    for n in range(2):
        services.comment_add(author=UserFactory(), kind="touchpoint", object_id=touchpoint.pk, text=f"c{n}")
    url = thread_url("touchpoint", touchpoint)
    # session, user, the touchpoint (+owner), the thread (+resolved by, reopened by), its comments (+authors)
    with django_assert_num_queries(5):
        editor_client.get(url, **HTMX)
    for n in range(30):
        services.comment_add(author=UserFactory(), kind="touchpoint", object_id=touchpoint.pk, text=f"d{n}")
    with django_assert_num_queries(5):
        response = editor_client.get(url, **HTMX)
    assert response.content.decode().count('class="comment"') == 32


def test_the_mention_picker_lists_active_people_matching_what_was_typed(editor_client, touchpoint):
    UserFactory(username="emile", first_name="Émile")
    UserFactory(username="emma-gone", first_name="Emma", is_active=False)
    response = editor_client.get(reverse("journeys:comment-people", args=[touchpoint.journey_id]), {"q": "em"})
    usernames = [p["username"] for p in response.json()["people"]]
    assert "cx-editor" in usernames  # first name Emma
    assert "emma-gone" not in usernames


# On the map and on an action's page


def test_the_map_shows_the_comment_count_on_each_card_in_its_fixed_queries(
    editor_client, cx_editor, django_assert_num_queries, editors_edit_every_group
):
    journey = build_map(stages=2, touchpoints_per_stage=3, findings_per_touchpoint=1)
    touchpoint = journey.touchpoints.first()
    finding = journey.findings.first()
    stage = journey.stages.last()
    for kind, pk, n in [
        ("touchpoint", touchpoint.pk, 3),
        ("finding", finding.pk, 2),
        ("stage", stage.pk, 1),
        ("journey", journey.pk, 4),
    ]:
        for i in range(n):
            services.comment_add(author=cx_editor, kind=kind, object_id=pk, text=str(i))
    # the same 10 as without comments (tests/journeys/test_map_read.py): the counts are subqueries of those
    with django_assert_num_queries(10):
        response = editor_client.get(reverse("journeys:map", args=[journey.pk]))
    html = response.content.decode()
    for kind, pk, n in [
        ("touchpoint", touchpoint.pk, 3),
        ("finding", finding.pk, 2),
        ("stage", stage.pk, 1),
        ("journey", journey.pk, 4),
    ]:
        assert f'id="comments-{kind}-{pk}"' in html
        start = html.index(f'id="comments-{kind}-{pk}"')
        assert f'<span class="comment-count" aria-hidden="true">{n}</span>' in html[start : start + 1500]
    assert 'id="comment-dialog"' in html


def test_an_action_page_loads_its_thread(client_of, process_owner):
    action = ActionFactory(assignee=process_owner)
    client = client_of(process_owner)
    page = client.get(reverse("teams:action", args=[action.pk])).content.decode()
    url = reverse("journeys:comment-thread", args=[action.journey_id, "action", action.pk])
    assert f'hx-get="{url}"' in page
    assert client.post(url, {"text": "On it"}, **HTMX).status_code == 200
    assert "On it" in client.get(url, **HTMX).content.decode()


def test_a_finding_thread_works_too(editor_client):
    finding = FindingFactory()
    response = editor_client.post(thread_url("finding", finding), {"text": "Seen this"}, **HTMX)
    assert response.status_code == 200 and "Seen this" in response.content.decode()
