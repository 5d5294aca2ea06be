"""The comment thread of one target as an htmx fragment: in the map's comment dialog, and on an improvement
action's page. Every form in it answers with the whole thread (a fixed number of queries), which replaces the
thread where it is shown. The mention picker's list of people is a small JSON answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxplatform.lib.forms import add_service_errors
from cxplatform.lib.versioning import StaleVersion
from journeys.comments import selectors, services
from journeys.comments.forms import CommentEditForm, CommentForm
from journeys.comments.models import Comment, CommentTargetKind
from journeys.comments.targets import CommentTarget, NoSuchTarget, comment_target
from journeys.map_cards import CardLabels, comment_button
from journeys.permissions import can_change_comment, can_comment, can_delete_comment, can_read_journey

CANNOT_COMMENT = _("Only signed-in, active users can comment.")


def _target(pk: int, kind: str, object_id: int) -> CommentTarget:
    if kind not in CommentTargetKind.values:
        raise Http404(_("Comments cannot be on that."))
    try:
        target = comment_target(kind, object_id)
    except NoSuchTarget:
        raise Http404(_("There is nothing to comment on here any more.")) from None
    if target.journey_id != pk:
        raise Http404(_("There is nothing to comment on here any more."))
    return target


def _check_can_comment(request: HttpRequest, target: CommentTarget) -> None:
    if not can_comment(request.user, target.journey_id):
        raise PermissionDenied(CANNOT_COMMENT)


def _thread_response(
    request: HttpRequest,
    target: CommentTarget,
    *,
    form: CommentForm | None = None,
    editing: int | None = None,
    edit_form: CommentEditForm | None = None,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    if not request.htmx and request.method == "POST" and status == 200:
        return redirect(target.url)
    thread = selectors.thread_for(kind=target.kind, object_id=target.object_id)
    comments = list(selectors.thread_comments(thread=thread))
    for comment in comments:
        comment.can_edit = can_change_comment(request.user, comment)
        comment.can_delete = can_delete_comment(request.user, comment)
    base = (target.journey_id, target.kind, target.object_id)
    thread_url = reverse("journeys:comment-thread", args=base)
    # On the map, the card's comment button comes along (out of band), so its count follows the thread.
    on_map = target.kind != CommentTargetKind.ACTION and request.htmx
    count_button = (
        comment_button(
            target.kind, target.object_id, target.name, len(comments), thread_url, CardLabels.translated(), oob=True
        )
        if on_map
        else ""
    )
    context = {
        "count_button": mark_safe(count_button),  # noqa: S308 - comment_button escapes every value
        "target": target,
        "kind_label": CommentTargetKind(target.kind).label,
        "thread": thread,
        "comments": comments,
        "form": form or CommentForm(),
        "editing": editing,
        "edit_form": edit_form,
        "message": message,
        "thread_url": thread_url,
        "resolve_url": reverse("journeys:comment-resolve", args=base),
        "people_url": reverse("journeys:comment-people", args=[target.journey_id]),
    }
    return render(request, "journeys/_comment_thread.html", context, status=status)


@require_http_methods(["GET", "POST"])
def thread_view(request: HttpRequest, pk: int, kind: str, object_id: int) -> HttpResponse:
    """GET: the thread. POST: add a comment to it."""
    target = _target(pk, kind, object_id)
    _check_can_comment(request, target)
    if request.method == "GET":
        return _thread_response(request, target)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(author=request.user, kind=kind, object_id=object_id, text=form.cleaned_data["text"])
        except NoSuchTarget:
            raise Http404(_("There is nothing to comment on here any more.")) from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thread_response(request, target)
    return _thread_response(request, target, form=form, status=422)


def _comment(pk: int, comment_pk: int) -> Comment:
    comment = Comment.objects.select_related("thread").filter(pk=comment_pk, journey_id=pk).first()
    if comment is None:
        raise Http404(_("This comment was deleted in the meantime."))
    return comment


def _comment_target(comment: Comment) -> CommentTarget:
    try:
        return comment_target(comment.thread.kind, comment.thread.object_id)
    except NoSuchTarget:
        raise Http404(_("There is nothing to comment on here any more.")) from None


@require_http_methods(["GET", "POST"])
def comment_edit_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """GET: the thread with this comment's edit form. POST: save it (only its author)."""
    comment = _comment(pk, comment_pk)
    if not can_change_comment(request.user, comment):
        raise PermissionDenied(_("Only its author can change a comment."))
    target = _comment_target(comment)
    if request.method == "GET":
        form = CommentEditForm(initial={"text": comment.text, "version": comment.version})
        return _thread_response(request, target, editing=comment.pk, edit_form=form)
    form = CommentEditForm(request.POST)
    if form.is_valid():
        try:
            services.comment_edit(
                comment=comment, text=form.cleaned_data["text"], expected_version=form.cleaned_data["version"]
            )
        except StaleVersion as stale:
            if stale.current is None:
                return _thread_response(request, target, message=str(stale.message), status=409)
            # Their text stays in the form, now based on the current version.
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            return _thread_response(
                request,
                target,
                editing=comment.pk,
                edit_form=CommentEditForm(data),
                message=str(stale.message),
                status=409,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thread_response(request, target)
    return _thread_response(request, target, editing=comment.pk, edit_form=form, status=422)


@require_POST
def comment_delete_view(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    """Its author deletes a comment; an admin deletes anyone's."""
    comment = _comment(pk, comment_pk)
    if not can_delete_comment(request.user, comment):
        raise PermissionDenied(_("Only its author or an admin can delete a comment."))
    target = _comment_target(comment)
    services.comment_delete(comment=comment, by=request.user)
    return _thread_response(request, target)


@require_POST
def thread_resolve_view(request: HttpRequest, pk: int, kind: str, object_id: int) -> HttpResponse:
    """Resolve (resolved=1) or reopen (resolved=0) the thread: anyone who can comment."""
    target = _target(pk, kind, object_id)
    _check_can_comment(request, target)
    resolved = request.POST.get("resolved")
    if resolved not in ("0", "1"):
        return _thread_response(request, target, message=_("resolved must be 0 or 1."), status=400)
    try:
        services.thread_set_resolved(by=request.user, kind=kind, object_id=object_id, resolved=resolved == "1")
    except ValidationError as error:
        return _thread_response(request, target, message=" ".join(error.messages), status=422)
    return _thread_response(request, target)


@require_GET
def people_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Who a comment on this journey can mention, for the @ autocomplete: {"people": [{"username", "name"}]}."""
    if not can_read_journey(request.user, pk):
        raise PermissionDenied(CANNOT_COMMENT)
    people = selectors.mention_candidates(text=request.GET.get("q", "")[:150])
    return JsonResponse({"people": [{"username": p.username, "name": p.get_full_name() or p.username} for p in people]})
