"""Deliberation meetings (党群议事会): list, create, the meeting with its six steps, topics,
votes and minutes, and the batch-intake screen (N orders placed and dispatched on the
spot without leaving the page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from grids import access
from grids.selectors import area_for_user
from orders.forms.meetings import IntakeRowForm, MeetingForm, TopicForm, VoteForm
from orders.meetings import selectors, services
from orders.meetings.lifecycle import INTAKE_OPEN, MeetingAction, MeetingStatus, allowed_actions

DEFAULT_ROWS = 5


def _require(request: HttpRequest) -> None:
    if not access.has_role(request.user, *services.MEETING_ROLES):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    communities = selectors.communities_for(user=request.user)
    form = MeetingForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user,
                community=area_for_user(user=request.user, code=data["community"]),
                title=data["title"],
                held_on=data["held_on"],
                place=data["place"],
                attendees=data["attendees"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("orders:meeting", meeting_id=meeting.pk)
    context = {"meetings": selectors.meeting_list(user=request.user), "form": form}
    return render(request, "orders/meetings/list.html", context)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request)
    meeting = selectors.meeting_for_user(user=request.user, meeting_id=meeting_id)
    context = {
        "meeting": meeting,
        "topics": list(meeting.topics.all()),
        "actions": allowed_actions(meeting.status),
        "taken": selectors.meeting_orders(meeting=meeting),
        "topic_form": TopicForm(),
        "collecting": meeting.status == MeetingStatus.COLLECTING,
        "deliberating": meeting.status == MeetingStatus.DELIBERATING,
        "intake_open": meeting.status in INTAKE_OPEN,
        "steps": MeetingStatus.choices,
    }
    return render(request, "orders/meetings/detail.html", context)


def _done(request: HttpRequest, meeting_id: int, call) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("orders:meeting", meeting_id=meeting_id)


@login_required
@require_POST
def topic_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request)
    meeting = selectors.meeting_for_user(user=request.user, meeting_id=meeting_id)
    form = TopicForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写议题并选择来源。"))
        return redirect("orders:meeting", meeting_id=meeting.pk)
    return _done(
        request,
        meeting.pk,
        lambda: services.topic_add(meeting_id=meeting.pk, actor=request.user, **form.cleaned_data),
    )


@login_required
@require_POST
def topic_vote(request: HttpRequest, meeting_id: int, topic_id: int) -> HttpResponse:
    _require(request)
    meeting = selectors.meeting_for_user(user=request.user, meeting_id=meeting_id)
    if not meeting.topics.filter(pk=topic_id).exists():
        raise Http404
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("票数应为 0 到 10000 的整数。"))
        return redirect("orders:meeting", meeting_id=meeting.pk)
    return _done(
        request,
        meeting.pk,
        lambda: services.topic_vote(topic_id=topic_id, actor=request.user, **form.cleaned_data),
    )


MOVES = {
    MeetingAction.FIX_TOPICS: lambda p, **kw: services.meeting_fix_topics(**kw),
    MeetingAction.DELIBERATE: lambda p, **kw: services.meeting_deliberate(**kw),
    MeetingAction.CLOSE_VOTE: lambda p, **kw: services.meeting_close_vote(**kw),
    MeetingAction.PUBLISH: lambda p, **kw: services.meeting_publish(
        outcome=p.get("outcome", ""), **kw
    ),
    MeetingAction.IMPLEMENT: lambda p, **kw: services.meeting_implement(
        note=p.get("note", ""), **kw
    ),
}


@login_required
@require_POST
def meeting_move(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    _require(request)
    meeting = selectors.meeting_for_user(user=request.user, meeting_id=meeting_id)
    if action not in MOVES:
        raise Http404
    return _done(
        request,
        meeting.pk,
        lambda: MOVES[action](request.POST, meeting_id=meeting.pk, actor=request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_intake(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """集中受理、当场派单: several residents' orders in a row, each dispatched at once."""
    _require(request)
    meeting = selectors.meeting_for_user(user=request.user, meeting_id=meeting_id)
    areas = selectors.intake_areas(meeting=meeting)
    categories = selectors.active_categories()
    try:
        count = min(max(int(request.GET.get("rows", DEFAULT_ROWS)), 1), services.MAX_BATCH)
    except ValueError:
        count = DEFAULT_ROWS
    data = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            count = min(max(int(data.get("rows", count)), 1), services.MAX_BATCH)
        except ValueError:
            count = DEFAULT_ROWS
    forms = [
        IntakeRowForm(data, prefix=f"r{i}", areas=areas, categories=categories)
        for i in range(count)
    ]
    if data is not None and meeting.status in INTAKE_OPEN:
        valid = [f.is_valid() for f in forms]
        filled = [f for f, ok in zip(forms, valid, strict=True) if ok and not f.is_blank]
        if all(valid) and not filled:
            messages.error(request, _("请至少填写一行。"))
        elif all(valid):
            result = services.batch_intake(
                meeting_id=meeting.pk,
                actor=request.user,
                rows=[services.IntakeRow(**f.row_kwargs()) for f in filled],
            )
            if result.ok:
                messages.success(
                    request,
                    _("已受理并派出 %(n)d 单：%(refs)s")
                    % {
                        "n": len(result.orders),
                        "refs": "、".join(o.reference for o in result.orders),
                    },
                )
                return redirect("orders:meeting_intake", meeting_id=meeting.pk)
            for index, message in result.errors.items():
                filled[index].add_error(None, message)
            messages.error(request, _("有的行没有通过，所有行都没有保存，请修改后再提交。"))
    context = {
        "meeting": meeting,
        "forms": forms,
        "rows": count,
        "intake_open": meeting.status in INTAKE_OPEN,
        "taken": selectors.meeting_orders(meeting=meeting),
    }
    return render(request, "orders/meetings/intake.html", context)


urlpatterns = [
    path("staff/meetings/", meeting_list, name="meetings"),
    path("staff/meetings/<int:meeting_id>/", meeting_detail, name="meeting"),
    path("staff/meetings/<int:meeting_id>/topics/", topic_add, name="meeting_topic_add"),
    path(
        "staff/meetings/<int:meeting_id>/topics/<int:topic_id>/vote/",
        topic_vote,
        name="meeting_topic_vote",
    ),
    path("staff/meetings/<int:meeting_id>/intake/", batch_intake, name="meeting_intake"),
    path("staff/meetings/<int:meeting_id>/<slug:action>/", meeting_move, name="meeting_move"),
]
