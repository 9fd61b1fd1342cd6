"""Public party pages that need a proved phone: a party member's registration to the
community (``/c/<code>/join/``) and the micro-wish page (``/c/<code>/wishes/``: post a
wish, confirm one's own wish, the anonymised claim pool and the wall).

They sit in ``orders`` beside ``orders.verification`` (``parties`` may not import it);
the writes are ``parties`` services, which take the proved phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import clock
from core.clientip import client_ip
from core.errors import DomainError
from core.phones import mask_phone
from orders import verification
from orders.selectors import public as public_selectors
from parties import members
from parties import selectors as party_selectors
from parties.wishes import services as wishes
from parties.wishes.lifecycle import WishCategory, WishStatus


class RegistrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=40)
    employer = forms.CharField(label=gettext_lazy("工作单位"), max_length=100)
    branch = forms.CharField(label=gettext_lazy("所在党支部"), max_length=100)
    skills = forms.CharField(label=gettext_lazy("特长"), max_length=200, required=False)
    availability = forms.CharField(label=gettext_lazy("可服务时间"), max_length=100, required=False)
    show_initials = forms.BooleanField(
        label=gettext_lazy("公开时只显示姓氏"), required=False, initial=True
    )
    password = forms.CharField(
        label=gettext_lazy("登录密码（审核通过后用手机号和此密码登录）"),
        max_length=128,
        widget=forms.PasswordInput,
    )


class PublicWishForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=WishCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("心愿内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    needed_by = forms.DateField(
        label=gettext_lazy("希望实现日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _phone_step(request: HttpRequest, community) -> bool:
    """Handle the page's send-code / verify buttons; True when the POST was one of them."""
    action = request.POST.get("action", "")
    if action == "send_code":
        try:
            verification.verification_send(
                phone=request.POST.get("resident_phone", ""),
                session=request.session,
                client_ip=client_ip(request),
                area_path=community.path,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("验证码已发送到 %(phone)s，10 分钟内有效。")
                % {"phone": mask_phone(request.POST.get("resident_phone", "").strip())},
            )
        return True
    if action == "verify":
        try:
            verification.ensure_verified(
                request.session,
                phone=request.POST.get("resident_phone", "").strip(),
                code=request.POST.get("otp_code", ""),
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return True
    return False


@require_http_methods(["GET", "POST"])
def member_join(request: HttpRequest, code: str) -> HttpResponse:
    """在职党员回社区报到: register with a proved phone; the community verifies."""
    community = public_selectors.wall_community(code=code)
    if request.method == "POST" and _phone_step(request, community):
        return redirect("orders:party_join", code=code)
    phone = verification.verified_phone(request.session)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            members.member_register(community=community, phone=phone, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("报到信息已提交，社区审核通过后即可用手机号和密码登录。"))
            return redirect("orders:party_join", code=code)
    context = {"community": community, "form": form, "phone": phone}
    return render(request, "parties/public/join.html", context)


@require_http_methods(["GET", "POST"])
def wishes_page(request: HttpRequest, code: str) -> HttpResponse:
    """微心愿: post a wish, confirm one's own fulfilled wish, the pool and the wall —
    never a resident's phone, a member's full name only when they chose so."""
    community = public_selectors.wall_community(code=code)
    if request.method == "POST" and _phone_step(request, community):
        return redirect("orders:party_wishes", code=code)
    phone = verification.verified_phone(request.session)
    form = PublicWishForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            try:
                wish_id = int(request.POST.get("wish", ""))
            except ValueError:
                raise Http404 from None
            try:
                wishes.wish_confirm(wish_id=wish_id, phone=phone)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("谢谢您的确认，心愿已上心愿墙。"))
            return redirect("orders:party_wishes", code=code)
        if form.is_valid():
            data = form.cleaned_data
            try:
                wishes.wish_post(community=community, phone=phone, **data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("心愿已提交，社区审核后会公开认领。"))
                return redirect("orders:party_wishes", code=code)
    context = {
        "community": community,
        "form": form,
        "phone": phone,
        "masked_phone": mask_phone(phone) if phone else "",
        "pool": list(party_selectors.public_pool(community=community)[:50]),
        "wall": party_selectors.public_wall(community=community),
        "mine": party_selectors.resident_wishes(community=community, phone=phone),
        "fulfilled": WishStatus.FULFILLED,
        "commitments": party_selectors.public_commitments(
            community=community, day=timezone.localdate(clock.now())
        ),
    }
    return render(request, "parties/public/wishes.html", context)


def wish_photo(request: HttpRequest, code: str, wish_id: int) -> FileResponse:
    """The fulfilment photo of the resident's own wish (their proved phone posted it)."""
    community = public_selectors.wall_community(code=code)
    phone = verification.verified_phone(request.session)
    wish = next(
        (
            w
            for w in party_selectors.resident_wishes(community=community, phone=phone)
            if w.pk == wish_id
        ),
        None,
    )
    if wish is None or not wish.fulfil_photo:
        raise Http404
    try:
        handle = wish.fulfil_photo.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("c/<str:code>/join/", member_join, name="party_join"),
    path("c/<str:code>/wishes/<int:wish_id>/photo/", wish_photo, name="party_wish_photo"),
    path("c/<str:code>/wishes/", wishes_page, name="party_wishes"),
]
