"""Reads of comment threads: one thread with its comments, the counts shown on the map's cards, the people a
comment can mention."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from journeys.comments.models import Comment, CommentThread

MENTION_CHOICES = 8  # the autocomplete lists this many at most


def thread_for(*, kind: str, object_id: int) -> CommentThread | None:
    """The thread on `kind` `object_id` with who resolved or reopened it (one query); None before its first
    comment."""
    return (
        CommentThread.objects.select_related("resolved_by", "reopened_by")
        .filter(kind=kind, object_id=object_id)
        .first()
    )


def thread_comments(*, thread: CommentThread | None) -> QuerySet[Comment] | list[Comment]:
    """Its comments, oldest first, with their authors (one query)."""
    if thread is None:
        return []
    return Comment.objects.filter(thread=thread).select_related("author").order_by("created_at", "id")


def comment_count(kind: str, outer: str = "pk") -> Coalesce:
    """An annotation: the number of comments on the thread of `kind` whose object is the outer row's `outer`.
    A subquery inside the query that already reads the rows, so the map keeps its number of queries."""
    counts = (
        Comment.objects.filter(thread__kind=kind, thread__object_id=OuterRef(outer))
        .order_by()
        .values("thread_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def comment_list() -> QuerySet[Comment]:
    """Comments for the API: with their thread, author and mentions (three queries for any number)."""
    return Comment.objects.select_related("thread", "author").prefetch_related("mentions").order_by("created_at", "id")


def mention_candidates(*, text: str) -> QuerySet:
    """Who can be mentioned (everyone who can read a journey: the active users) whose username or name starts
    with `text`."""
    text = text.strip()
    people = get_user_model().objects.filter(is_active=True)
    if text:
        people = people.filter(
            Q(username__istartswith=text) | Q(first_name__istartswith=text) | Q(last_name__istartswith=text)
        )
    return people.order_by("first_name", "last_name", "username")[:MENTION_CHOICES]
