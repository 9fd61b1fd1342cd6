"""The resident side: public, phone-first, no account.

``/r/`` and ``/r/<code>/`` (QR) place an order after a one-time code proves the phone;
``/t/<token>/`` is the private tracking page (timeline, photos, rating, cancel);
``/me/`` lists a verified phone's orders; ``/wall/<community>/`` the anonymised walls.
Every HTMX action is also a plain form post or link (the partial is the same template).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.clientip import client_ip
from core.phones import is_mobile, mask_phone
from grids.models import Area
from orders import qr, resident_words, services, verification
from orders.errors import OrderError
from orders.forms.public import (
    FollowUpForm,
    PhoneForm,
    RatingForm,
    ResidentOrderForm,
    solved_value,
)
from orders.lifecycle import OPEN_STATUSES, RESIDENT_CANCELLABLE, Action, Status
from orders.models import CancelReason, Channel
from orders.notify import tracking_url
from orders.selectors import public as sel
from orders.timeline import resident_timeline

PLACE = "orders/public/place.html"
TRACK = "orders/public/track.html"


def _partial(request: HttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if request.htmx else template


def _not_found(request: HttpRequest, *, what: str) -> HttpResponse:
    return render(request, "orders/public/not_found.html", {"what": what}, status=404)


def _private(response: HttpResponse) -> HttpResponse:
    """Pages behind a tracking token: never cached by proxies, never leak the token to other
    sites as a referrer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- placing an order ---------------------------------------------------------------


HONEYPOT = "website"  # hidden from people by CSS; only a form-filling robot fills it


def _send_code(request: HttpRequest, *, phone: str = "", area_path: str = "") -> tuple[str, str]:
    """Send a code to the posted phone (or ``phone``); returns (level, message) for the page."""
    phone = phone or request.POST.get("resident_phone", "").strip()
    if request.POST.get(HONEYPOT, ""):
        return "error", _("提交没有成功，请刷新页面后再试一次。")
    try:
        verification.verification_send(
            phone=phone,
            session=request.session,
            client_ip=client_ip(request),
            area_path=area_path,
        )
    except OrderError as error:
        return "error", error.message
    return "success", _("验证码已发送到 %(phone)s，10 分钟内有效。") % {"phone": mask_phone(phone)}


def _place(request: HttpRequest, form: ResidentOrderForm, channel: str):
    """Prove the phone, then place the order; errors land on the form, nothing is written."""
    data = form.cleaned_data
    try:
        verification.ensure_verified(
            request.session,
            phone=data["resident_phone"],
            code=data["otp_code"],
            client_ip=client_ip(request),
        )
    except OrderError as error:
        form.add_error("otp_code", error.message)
        return None
    try:
        return services.order_place(
            category=data["category"],
            area=data["area_code"],
            description=data["description"],
            resident_phone=data["resident_phone"],
            resident_name=data["resident_name"],
            nature=data["nature"],
            urgency=data["urgency"],
            channel=channel,
            photos=data["photos"],
            show_on_wall=not data.get("hide_from_wall"),
        )
    except OrderError as error:
        form.add_error(None, error.message)
        return None


@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is not None:
        try:
            fixed_area = sel.public_area(code=code)
        except Http404:
            return _not_found(request, what="area")
        areas, channel = Area.objects.filter(pk=fixed_area.pk), Channel.QR
    else:
        fixed_area, areas, channel = None, Area.objects.all(), Channel.MOBILE
    known_phone = verification.verified_phone(request.session)
    otp_status = None
    if request.method == "POST" and request.POST.get("action") == "send_code":
        otp_status = _send_code(request, area_path=fixed_area.path if fixed_area else "")
        if request.htmx:
            return render(
                request, f"{PLACE}#otp", {"otp_status": otp_status, "known_phone": known_phone}
            )
        form = ResidentOrderForm(initial=request.POST.dict(), areas=areas)
        if request.FILES:
            messages.warning(request, _("为保护您的隐私，照片没有保存，请在提交前重新选择照片。"))
    elif request.method == "POST":
        form = ResidentOrderForm(request.POST, request.FILES, areas=areas)
        if form.is_valid() and (order := _place(request, form, channel)) is not None:
            return redirect("orders:placed", token=order.tracking_token)
    else:
        initial = {"resident_phone": known_phone} if known_phone else {}
        form = ResidentOrderForm(initial=initial, areas=areas)
    if fixed_area is not None:
        pick, area = None, fixed_area
    else:
        posted = _picked_area(request, form)
        pick = sel.location_pick(codes=sel.location_codes_for(posted) if posted else request.GET)
        area = pick.area
    context = {
        "form": form,
        "pick": pick,
        "area": area,
        "fixed": fixed_area is not None,
        "area_names": sel.area_chain_names(area=area) if area else [],
        "change_query": sel.location_codes_for(area) if area else {},
        "known_phone": known_phone,
        "otp_status": otp_status,
    }
    if request.htmx and request.method == "GET":
        return render(request, f"{PLACE}#picker", context)
    return render(request, PLACE, context)


def _picked_area(request: HttpRequest, form: ResidentOrderForm) -> Area | None:
    """On a re-rendered POST, the area the resident had picked (if the code is real)."""
    if request.method != "POST":
        return None
    code = str(form.data.get("area_code") or form.initial.get("area_code") or "").strip()
    # Unchecked input: only something shaped like a code may reach the database (a NUL byte
    # would make PostgreSQL refuse the query).
    return Area.objects.filter(code=code).first() if sel.is_area_code(code) else None


@require_GET
def area_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    area = sel.public_area(code=code)
    response = HttpResponse(qr.qr_png(data=qr.area_public_url(area)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="sidan-{area.code}.png"'
    return response


# --- after placing: confirmation and tracking ---------------------------------------


@require_GET
def placed(request: HttpRequest, token: str) -> HttpResponse:
    try:
        order = sel.order_for_resident_token(token=token)
    except Http404:
        return _not_found(request, what="order")
    return _private(
        render(request, "orders/public/placed.html", {"order": order, "url": tracking_url(order)})
    )


def is_the_resident(request: HttpRequest, order) -> bool:
    """The link alone is not enough to speak for the resident: rating and cancelling also
    need this browser to have proved the order's phone by a code sent to it. Staff never
    see the link nor the code, so they cannot rate or cancel on a resident's behalf."""
    return bool(order.resident_phone) and (
        verification.verified_phone(request.session) == order.resident_phone
    )


def _track_post(request: HttpRequest, order) -> RatingForm | FollowUpForm | None:
    """Prove the phone, rate, cancel or add a follow-up through the services; returns the
    rating or follow-up form when it had errors."""
    action = request.POST.get("action")
    if action == "send_code":
        level, text = _send_code(request, phone=order.resident_phone, area_path=order.area.path)
        (messages.success if level == "success" else messages.error)(request, text)
        return None
    if action == "verify":
        try:
            verification.ensure_verified(
                request.session,
                phone=order.resident_phone,
                code=request.POST.get("otp_code", ""),
                client_ip=client_ip(request),
            )
            messages.success(request, _("手机号码已验证，现在可以评价、撤销或补充。"))
        except OrderError as error:
            messages.error(request, error.message)
        return None
    if action in ("rate", "cancel", "add") and not is_the_resident(request, order):
        messages.error(
            request, _("为确认是您本人，请先获取短信验证码并完成验证，再评价、撤销或补充。")
        )
        return None
    try:
        if action == "rate":
            form = RatingForm(request.POST)
            if not form.is_valid():
                return form
            services.order_rate(
                order_id=order.pk,
                rating=form.cleaned_data["rating"],
                solved=solved_value(form.cleaned_data["solved"]),
                comment=form.cleaned_data["comment"],
                expected_status=Status.AWAITING_RATING,
            )
            messages.success(request, _("感谢您的评价！"))
        elif action == "add":
            form = FollowUpForm(request.POST, request.FILES)
            if not form.is_valid():
                return form
            services.order_resident_add(
                order_id=order.pk,
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
            messages.success(request, _("已收到您的补充，承办方会看到。"))
        elif action == "cancel":
            services.order_cancel(
                order_id=order.pk,
                reason=CancelReason.RESIDENT,
                expected_status=request.POST.get("seen_status") or order.status,
            )
            messages.success(request, _("工单已撤销。"))
        else:
            messages.error(request, _("无法识别的操作。"))
    except OrderError as error:
        messages.error(request, error.message)
    return None


def _results(order, events) -> dict:
    """The result the resident is rating (or rated), and the earlier ones a redo set aside:
    after 不满意 the first result stays visible while the order is handled again."""
    reported = [e for e in reversed(events) if e.action == Action.RESOLVE]
    if reported and order.status in (Status.AWAITING_RATING, Status.CLOSED):
        return {"current_result": reported[0], "earlier_results": reported[1:]}
    return {"current_result": None, "earlier_results": reported}


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, token: str) -> HttpResponse:
    try:
        order = sel.order_for_resident_token(token=token)
    except Http404:
        return _not_found(request, what="order")
    bound = None
    if request.method == "POST":
        bound = _track_post(request, order)
        if bound is None and not request.htmx:
            return redirect("orders:track", token=token)
        order = sel.order_for_resident_token(token=token)
    events = list(order.events.order_by("at", "id"))
    rating_form = bound if isinstance(bound, RatingForm) else None
    context = {
        "order": order,
        "timeline": resident_timeline(events),
        "question": resident_words.open_question(events),
        **_results(order, events),
        "followup_form": bound if isinstance(bound, FollowUpForm) else FollowUpForm(),
        "can_add": order.status in OPEN_STATUSES,
        "photos": list(sel.order_photos_for_token(token=token)),
        "rating_form": rating_form or RatingForm(),
        "can_rate": order.status == Status.AWAITING_RATING,
        "can_cancel": order.status in RESIDENT_CANCELLABLE,
        "proven": is_the_resident(request, order),
        "masked_phone": mask_phone(order.resident_phone),
        "sms_reachable": is_mobile(order.resident_phone),
        "area_names": sel.area_chain_names(area=order.area),
        "expected_by": resident_words.expected_by(order),
        "handled_by": resident_words.handled_by(order),
        "merged": sel.merged_progress(order=order),
    }
    return _private(render(request, _partial(request, TRACK, "main"), context))


@require_GET
def track_photo(request: HttpRequest, token: str, photo_id: int) -> HttpResponse:
    photo = sel.order_photo_for_token(token=token, photo_id=photo_id)
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    return _private(FileResponse(handle))


# --- my orders -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    form, otp_status = PhoneForm(), None
    action = request.POST.get("action")
    if action == "send_code":
        otp_status = _send_code(request)
        form = PhoneForm(initial=request.POST.dict())
    elif action == "forget":
        verification.forget_verified(request.session)
        return redirect("orders:mine")
    elif action == "erase":
        phone = verification.verified_phone(request.session)
        if not phone:
            messages.error(request, _("请先验证手机号码。"))
        elif request.POST.get("confirm") != "yes":
            messages.error(request, _("请勾选确认后再删除。"))
        else:
            count = services.resident_erase(phone=phone, ip=client_ip(request))
            verification.forget_verified(request.session)
            messages.success(
                request,
                _("已删除您的个人信息：%(n)s 件诉求不再带有您的称呼、电话和照片。") % {"n": count},
            )
        return redirect("orders:mine")
    elif action == "verify":
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                verification.ensure_verified(
                    request.session,
                    phone=form.cleaned_data["resident_phone"],
                    code=form.cleaned_data["otp_code"],
                    client_ip=client_ip(request),
                )
                return redirect("orders:mine")
            except OrderError as error:
                form.add_error("otp_code", error.message)
    phone = verification.verified_phone(request.session)
    context = {
        "form": form,
        "otp_status": otp_status,
        "phone": phone,
        "masked": mask_phone(phone) if phone else "",
        "orders": sel.orders_for_phone(phone=phone),
    }
    return _private(
        render(request, _partial(request, "orders/public/mine.html", "verify"), context)
    )


# --- the walls ------------------------------------------------------------------------


@require_GET
def wall(request: HttpRequest, code: str) -> HttpResponse:
    try:
        community = sel.wall_community(code=code)
    except Http404:
        return _not_found(request, what="community")
    tab = request.GET.get("tab") if request.GET.get("tab") in sel.WALL_TABS else "problems"
    page = Paginator(sel.wall_orders(community=community, tab=tab), 20).get_page(
        request.GET.get("page")
    )
    context = {
        "community": community,
        "tab": tab,
        "page": page,
        "rows": sel.wall_rows(page.object_list),
        "counts": sel.wall_counts(community=community),
    }
    return render(request, _partial(request, "orders/public/wall.html", "wall"), context)


urlpatterns = [
    path("r/", place, name="place"),
    path("r/<str:code>/", place, name="place_at"),
    path("r/<str:code>/qr.png", area_qr_png, name="area_qr"),
    path("t/<str:token>/", track, name="track"),
    path("t/<str:token>/ok/", placed, name="placed"),
    path("t/<str:token>/photos/<int:photo_id>/", track_photo, name="track_photo"),
    path("me/", mine, name="mine"),
    path("wall/<str:code>/", wall, name="wall"),
]
