"""Party-member and community-staff pages: the member's home (claim pool, my wishes,
points), registrations to verify, wishes to check, points and the monthly ranking.

Public pages that need a proved phone (registration, posting and confirming a wish, the
wall) live in ``orders/views/party.py``, next to the phone verification they use."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core import forms as core_forms
from core.errors import DomainError
from core.forms import PhotoField
from grids import access
from grids.access import INTAKE_ROLES
from grids.models import AreaLevel, MemberUnit, PostRole
from grids.selectors import area_for_user, areas_of_level_in_scope
from parties import commitments, exports, members, points, record, selectors
from parties.errors import PartyError
from parties.members import STAFF_ROLES
from parties.models import MemberStatus
from parties.wishes import services as wishes
from parties.wishes.lifecycle import WishCategory, WishStatus, allowed_actions

app_name = "parties"

WISH_STAFF_ROLES = INTAKE_ROLES


class WishForm(forms.Form):
    community = forms.ChoiceField(label=gettext_lazy("社区"))
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=WishCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("心愿内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    needed_by = forms.DateField(
        label=gettext_lazy("希望实现日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {c.code: c for c in communities}
        self.fields["community"].choices = [(c.code, c.name) for c in communities]


class CommitmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("承诺内容"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class FulfilmentForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("践诺情况"), max_length=500)
    done_on = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    photo = PhotoField(label=gettext_lazy("照片（选填）"))


class PhotoForm(core_forms.Form):
    """A wish fulfilment's optional photo (a real image, 5 MB at most)."""

    photo = PhotoField(label=gettext_lazy("照片（选填）"))


def _photo(request: HttpRequest):
    """The checked photo of a fulfil post, or raise ``PartyError`` with the form's message."""
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        raise PartyError("bad_photo", " ".join(form.errors.get("photo", [])))
    return form.cleaned_data["photo"]


def _member(request: HttpRequest):
    member = members.member_for_user(request.user)
    if member is None:
        raise Http404
    return member


def _require(request: HttpRequest, roles) -> None:
    if not access.has_role(request.user, *roles):
        raise Http404


@login_required
def member_home(request: HttpRequest) -> HttpResponse:
    """The party member's screen: the claim pool, what they claimed, their points."""
    member = members.member_for_user(request.user)
    if member is None:
        if not access.has_role(request.user, PostRole.PARTY_MEMBER):
            raise Http404
        # A party-member post given without a registration: the way to register.
        communities = areas_of_level_in_scope(user=request.user, level=AreaLevel.COMMUNITY)
        return render(
            request, "parties/member_unregistered.html", {"communities": list(communities[:20])}
        )
    today = clock.today()
    context = {
        "member": member,
        "pool": list(selectors.member_pool(member=member)[:50]),
        "mine": list(selectors.member_wishes(member=member)[:50]),
        "entries": list(selectors.member_points(member=member)[:20]),
        "balance": points.points_balance(member=member),
        "ranking": points.monthly_ranking(community_path=member.community_path, day=today)[:10],
        "commitments": selectors.member_commitments(member=member),
        "commitment_form": CommitmentForm(),
        "today": today,
    }
    return render(request, "parties/member_home.html", context)


@login_required
@require_POST
def commitment_make(request: HttpRequest) -> HttpResponse:
    _member(request)
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写承诺内容和有效的起止日期。"))
        return redirect("parties:member_home")
    try:
        commitments.commitment_make(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("承诺已公开。"))
    return redirect("parties:member_home")


@login_required
@require_POST
def fulfilment_record(request: HttpRequest, commitment_id: int) -> HttpResponse:
    _member(request)
    form = FulfilmentForm(request.POST, request.FILES)
    if not form.is_valid():
        photo_errors = form.errors.get("photo")
        messages.error(
            request, " ".join(photo_errors) if photo_errors else _("请填写践诺情况和日期。")
        )
        return redirect("parties:member_home")
    try:
        commitments.fulfilment_record(
            actor=request.user, commitment_id=commitment_id, **form.cleaned_data
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录践诺。"))
    return redirect("parties:member_home")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def member_export(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's service record as Excel, for their employer (双报告)."""
    _require(request, STAFF_ROLES)
    member = selectors.staff_member(user=request.user, member_id=member_id)
    return _xlsx(exports.member_record_xlsx(member=member), f"party-member-{member.pk}.xlsx")


@login_required
def community_export(request: HttpRequest) -> HttpResponse:
    """One community's month as Excel: ``?community=<code>&month=YYYY-MM``."""
    _require(request, STAFF_ROLES)
    community = area_for_user(user=request.user, code=request.GET.get("community", ""))
    if community.level != AreaLevel.COMMUNITY or not access.area_in_scope(
        request.user, community, roles=STAFF_ROLES
    ):
        raise Http404
    try:
        day = datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        day = clock.today()
    if not 2000 <= day.year <= 2100:
        day = clock.today()
    content = exports.community_month_xlsx(community_path=community.path, day=day)
    return _xlsx(content, f"party-{community.code}-{day:%Y-%m}.xlsx")


def _fulfil(request: HttpRequest, **kw):
    return wishes.wish_fulfil(note=request.POST.get("note", ""), photo=_photo(request), **kw)


MEMBER_MOVES = {
    "claim": lambda r, **kw: wishes.wish_claim(**kw),
    "unclaim": lambda r, **kw: wishes.wish_unclaim(reason=r.POST.get("reason", ""), **kw),
    "fulfil": _fulfil,
}


@login_required
@require_POST
def member_wish_move(request: HttpRequest, wish_id: int, action: str) -> HttpResponse:
    member = _member(request)
    if action not in MEMBER_MOVES:
        raise Http404
    selectors.member_wish_id(member=member, wish_id=wish_id)
    try:
        MEMBER_MOVES[action](request, wish_id=wish_id, actor=request.user)
    except (wishes.WishError, PartyError) as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("parties:member_home")


# --- community staff -------------------------------------------------------------------


@login_required
def staff_members(request: HttpRequest) -> HttpResponse:
    _require(request, STAFF_ROLES)
    rows = list(selectors.staff_members(user=request.user)[:200])
    communities = list(
        areas_of_level_in_scope(user=request.user, level=AreaLevel.COMMUNITY).filter(
            access.scope_q(request.user, path_field="path", roles=STAFF_ROLES)
        )[:20]
    )
    today = clock.today()
    rankings = [
        (c, points.monthly_ranking(community_path=c.path, day=today)[:10]) for c in communities
    ]
    return render(request, "parties/staff_members.html", {"members": rows, "rankings": rankings})


@login_required
def staff_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's service record: registration, wishes, points."""
    _require(request, STAFF_ROLES)
    member = selectors.staff_member(user=request.user, member_id=member_id)
    context = {
        "member": member,
        "wishes": list(selectors.member_wishes(member=member)[:100]),
        "entries": list(selectors.member_points(member=member)[:100]),
        "balance": member.balance or 0,
        "commitments": selectors.member_commitments(member=member),
        # Parts kept by other apps (the pool orders the member claimed: parties.record).
        "parts": [(part, part.rows(member, 100)) for part in record.parts()],
        # Posts the community granted (第二楼组长, 网格志愿者) and where it may grant them.
        "posts": members.member_posts(member=member),
        "grantable": members.grantable_areas(member=member)
        if member.status == MemberStatus.VERIFIED
        else [],
        "member_post_roles": [(r, PostRole(r).label) for r in members.MEMBER_POSTS],
    }
    return render(request, "parties/staff_member.html", context)


STAFF_MEMBER_MOVES = {
    "verify": lambda p, **kw: members.member_verify(**kw),
    "decline": lambda p, **kw: members.member_decline(reason=p.get("reason", ""), **kw),
    "redeem": lambda p, **kw: points.points_redeem(
        points=p.get("points", ""), item=p.get("item", ""), **kw
    ),
    "correct": lambda p, **kw: points.points_correct(
        points=p.get("points", ""), note=p.get("note", ""), **kw
    ),
    "service": lambda p, **kw: points.points_record_service(
        hours=p.get("hours", ""), note=p.get("note", ""), **kw
    ),
    "grant": lambda p, **kw: members.member_grant_post(
        role=p.get("role", ""), area_code=p.get("area", ""), **kw
    ),
    "revoke": lambda p, **kw: members.member_revoke_post(post_id=p.get("post", ""), **kw),
}


@login_required
@require_POST
def staff_member_move(request: HttpRequest, member_id: int, action: str) -> HttpResponse:
    _require(request, STAFF_ROLES)
    member = selectors.staff_member(user=request.user, member_id=member_id)
    if action not in STAFF_MEMBER_MOVES:
        raise Http404
    try:
        STAFF_MEMBER_MOVES[action](request.POST, member_id=member.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("parties:staff_member", member_id=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def staff_wishes(request: HttpRequest) -> HttpResponse:
    """Wishes of the user's communities, stale ones highlighted; post on a resident's behalf."""
    _require(request, WISH_STAFF_ROLES)
    communities = selectors.wish_communities(user=request.user)
    form = WishForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wishes.wish_post(
                community=form.communities[data["community"]],
                category=data["category"],
                description=data["description"],
                needed_by=data["needed_by"],
                staff=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("心愿已提交，等待社区审核。"))
            return redirect("parties:staff_wishes")
    status = request.GET.get("status", "")
    before = wishes.stale_before()
    rows = list(selectors.staff_wishes(user=request.user, status=status)[:200])
    for wish in rows:
        wish.stale = selectors.is_stale(wish, before=before)
        wish.actions = allowed_actions(wish.status)
    may_decide = access.has_role(request.user, *STAFF_ROLES)
    units = (
        list(
            MemberUnit.objects.filter(
                access.scope_q(request.user, path_field="community__path", roles=STAFF_ROLES),
                is_active=True,
            ).select_related("community")[:100]
        )
        if may_decide
        else []
    )
    context = {
        "wishes": rows,
        "form": form,
        "statuses": WishStatus.choices,
        "status": status,
        "stale_count": sum(1 for w in rows if w.stale),
        "may_decide": may_decide,
        "units": units,
    }
    return render(request, "parties/staff_wishes.html", context)


STAFF_WISH_MOVES = {
    "verify": lambda r, **kw: wishes.wish_verify(**kw),
    "decline": lambda r, **kw: wishes.wish_decline(reason=r.POST.get("reason", ""), **kw),
    "release": lambda r, **kw: wishes.wish_release(**kw),
    "claim": lambda r, **kw: wishes.wish_claim(unit_id=_int(r.POST.get("unit")) or 0, **kw),
    "fulfil": _fulfil,
    "unclaim": lambda r, **kw: wishes.wish_unclaim(reason=r.POST.get("reason", ""), **kw),
    "confirm": lambda r, *, actor, wish_id: wishes.wish_confirm(wish_id=wish_id, staff=actor),
}


def _int(value) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


@login_required
@require_POST
def staff_wish_move(request: HttpRequest, wish_id: int, action: str) -> HttpResponse:
    _require(request, STAFF_ROLES)
    wish = selectors.staff_wishes(user=request.user).filter(pk=wish_id).first()
    if wish is None or action not in STAFF_WISH_MOVES:
        raise Http404
    try:
        STAFF_WISH_MOVES[action](request, wish_id=wish.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("parties:staff_wishes")


def _image(field) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def wish_photo(request: HttpRequest, wish_id: int) -> FileResponse:
    """A wish's fulfilment photo: for the community's staff and grid workers, or the
    member who claimed it."""
    member = members.member_for_user(request.user)
    wish = None
    if member is not None:
        wish = selectors.member_wishes(member=member).filter(pk=wish_id).first()
    if wish is None and access.has_role(request.user, *WISH_STAFF_ROLES):
        wish = selectors.staff_wishes(user=request.user).filter(pk=wish_id).first()
    if wish is None:
        raise Http404
    return _image(wish.fulfil_photo)


@login_required
@require_GET
def fulfilment_photo(request: HttpRequest, fulfilment_id: int) -> FileResponse:
    """A fulfilment record's photo: for the member, or staff of the member's community."""
    row = selectors.fulfilment_for_user(user=request.user, fulfilment_id=fulfilment_id)
    return _image(row.photo)


urlpatterns = [
    path("", member_home, name="member_home"),
    path("wishes/<int:wish_id>/photo/", wish_photo, name="wish_photo"),
    path("fulfilments/<int:fulfilment_id>/photo/", fulfilment_photo, name="fulfilment_photo"),
    path("wishes/<int:wish_id>/<slug:action>/", member_wish_move, name="member_wish_move"),
    path("commitments/", commitment_make, name="commitment_make"),
    path("commitments/<int:commitment_id>/fulfil/", fulfilment_record, name="fulfilment_record"),
    path("staff/members/", staff_members, name="staff_members"),
    path("staff/members/export/", community_export, name="community_export"),
    path("staff/members/<int:member_id>/export/", member_export, name="member_export"),
    path("staff/members/<int:member_id>/", staff_member, name="staff_member"),
    path(
        "staff/members/<int:member_id>/<slug:action>/",
        staff_member_move,
        name="staff_member_move",
    ),
    path("staff/wishes/", staff_wishes, name="staff_wishes"),
    path("staff/wishes/<int:wish_id>/<slug:action>/", staff_wish_move, name="staff_wish_move"),
]
