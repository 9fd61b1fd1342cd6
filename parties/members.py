"""The one writer of party-member registrations (在职党员回社区报到).

A member registers from a phone the caller proved by a one-time code (the view checks it
through ``orders.verification``; this module takes the proved phone), with a password of
their choosing, kept only as a hash. Community staff verify the registration — which
creates the member's staff-side login (username = the phone) holding the party-member
post on the community — or decline it with a reason.

Why a staff-side login rather than a phone-code login: it reuses the hardened login
(lockout, session control, audit, password rules) and ``grids.access`` scoping as it is;
a code login would need a second session kind for one role and send an SMS at every
sign-in.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import audit, clock, writer
from grids import access
from grids.models import ROLE_LEVEL, Area, AreaLevel, Post, PostRole
from parties.errors import PartyError
from parties.models import MemberStatus, PartyMember

# Community staff who verify members, wishes and record redemptions.
STAFF_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)


def clean(value: str, *, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise PartyError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise PartyError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def member_register(
    *,
    community: Area,
    phone: str,
    name: str,
    employer: str,
    branch: str,
    skills: str = "",
    availability: str = "",
    password: str,
    show_initials: bool = True,
) -> PartyMember:
    """A registration waiting for the community's check; ``phone`` is already proved."""
    if community.level != AreaLevel.COMMUNITY:
        raise PartyError("bad_area", _("请选择社区。"))
    if not phone:
        raise PartyError("unverified", _("请先验证手机号。"))
    try:
        validate_password(password or "")
    except ValidationError as exc:
        raise PartyError("bad_password", " ".join(exc.messages)) from None
    member = PartyMember(
        community=community,
        community_path=community.path,
        phone=phone,
        name=clean(name, what=_("姓名"), limit=40),
        employer=clean(employer, what=_("工作单位"), limit=100),
        branch=clean(branch, what=_("所在党支部"), limit=100),
        skills=clean(skills, what=_("特长"), limit=200, required=False),
        availability=clean(availability, what=_("可服务时间"), limit=100, required=False),
        show_initials=bool(show_initials),
        password_hash=make_password(password),
        registered_at=clock.now(),
    )
    try:
        with transaction.atomic():
            member.save(force_insert=True)
    except IntegrityError:
        raise PartyError(
            "already_registered", _("这个手机号已经在本社区报到，请等待社区审核。")
        ) from None
    return member


def lock_member(member_id: int) -> PartyMember:
    return writer.lock_row(
        PartyMember.objects.all(),
        member_id,
        related=("community",),
        missing=lambda: PartyError("not_found", _("报到记录不存在。")),
    )


def _decide(*, member_id: int, actor) -> PartyMember:
    member = lock_member(member_id)
    if not access.area_in_scope(actor, member.community, roles=STAFF_ROLES):
        raise PartyError("not_found", _("报到记录不存在。"))
    if member.status != MemberStatus.PENDING:
        raise PartyError("decided", _("这条报到已经审核过了。"))
    return member


def member_verify(*, member_id: int, actor, login=None) -> PartyMember:
    """Verify: create the member's login (username = the phone, the password they chose)
    with the party-member post on the community. ``login``: an existing account to give
    the post instead (it keeps its password) — the demo's fixed party-member login."""
    User = get_user_model()
    with transaction.atomic():
        member = _decide(member_id=member_id, actor=actor)
        user = login or User.objects.filter(username=member.phone).first()
        if user is not None and PartyMember.objects.filter(user=user).exists():
            raise PartyError("login_taken", _("这个手机号已有其他登录账号，请联系街道管理员处理。"))
        if user is None:
            user = User(username=member.phone, first_name=member.name[:150])
            user.password = member.password_hash
            user.save()
        elif login is None:
            if user.posts.exists():
                raise PartyError(
                    "login_taken", _("这个手机号已有其他登录账号，请联系街道管理员处理。")
                )
            user.password, user.is_active = member.password_hash, True
            user.save()
        Post.objects.get_or_create(user=user, role=PostRole.PARTY_MEMBER, area=member.community)
        access.forget_access(user)
        member.user = user
        member.status = MemberStatus.VERIFIED
        member.decided_at, member.decided_by = clock.now(), actor
        member.save()
    return member


def member_decline(*, member_id: int, actor, reason: str) -> PartyMember:
    reason = clean(reason, what=_("不通过原因"), limit=200)
    with transaction.atomic():
        member = _decide(member_id=member_id, actor=actor)
        member.status = MemberStatus.DECLINED
        member.decline_reason = reason
        member.decided_at, member.decided_by = clock.now(), actor
        member.save()
    return member


def member_for_user(user) -> PartyMember | None:
    """The verified registration behind a party-member login (one query), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        PartyMember.objects.select_related("community")
        .filter(user=user, status=MemberStatus.VERIFIED)
        .first()
    )


# --- posts the community grants a member (第二楼组长, 网格志愿者) ----------------------------

# The posts community staff may grant a verified member, within the member's community.
MEMBER_POSTS = (PostRole.SECOND_BUILDING_HEAD, PostRole.GRID_VOLUNTEER)


def _verified_in_scope(*, member_id: int, actor) -> PartyMember:
    member = lock_member(member_id)
    if not access.area_in_scope(actor, member.community, roles=STAFF_ROLES):
        raise PartyError("not_found", _("报到记录不存在。"))
    if member.status != MemberStatus.VERIFIED or member.user_id is None:
        raise PartyError("not_verified", _("只有审核通过的党员可以授予岗位。"))
    return member


def member_grant_post(*, member_id: int, actor, role: str, area_code: str) -> Post:
    """Grant a verified member a second-building-head post on a compound, or a grid
    volunteer's on a grid, of their own community (a repeat is a no-op)."""
    if role not in MEMBER_POSTS:
        raise PartyError("bad_role", _("请选择第二楼组长或网格志愿者。"))
    with transaction.atomic():
        member = _verified_in_scope(member_id=member_id, actor=actor)
        area = Area.objects.filter(
            code=(area_code or "").strip()[:64],
            level=ROLE_LEVEL[role],
            path__startswith=member.community_path,
        ).first()
        if area is None:
            what = _("小区") if ROLE_LEVEL[role] == AreaLevel.COMPOUND else _("网格")
            raise PartyError("bad_area", _("请选择本社区的一个%(what)s。") % {"what": what})
        post, created = Post.objects.get_or_create(user=member.user, role=role, area=area)
        if created:
            audit.record(
                action="post.grant",
                actor=actor,
                target=post,
                summary=f"{member.name}: {role} @ {area.code}",
            )
        access.forget_access(member.user)
    return post


def member_revoke_post(*, member_id: int, actor, post_id) -> None:
    """Take back a post granted with ``member_grant_post`` (not the party-member post)."""
    with transaction.atomic():
        member = _verified_in_scope(member_id=member_id, actor=actor)
        try:
            post_pk = int(str(post_id))
        except (TypeError, ValueError):
            post_pk = 0
        post = Post.objects.filter(pk=post_pk, user=member.user, role__in=MEMBER_POSTS).first()
        if post is None:
            raise PartyError("not_found", _("这个岗位不存在。"))
        audit.record(
            action="post.revoke",
            actor=actor,
            target=post,
            summary=f"{member.name}: {post.role} @ {post.area_id}",
        )
        post.delete()
        access.forget_access(member.user)


def member_posts(*, member: PartyMember) -> list[Post]:
    """The posts granted to the member (one query)."""
    if member.user_id is None:
        return []
    return list(
        Post.objects.filter(user_id=member.user_id, role__in=MEMBER_POSTS)
        .select_related("area")
        .order_by("role", "area__path")
    )


def grantable_areas(*, member: PartyMember) -> list[Area]:
    """Compounds and grids of the member's community, for the grant form (one query)."""
    return list(
        Area.objects.filter(
            path__startswith=member.community_path,
            level__in=[ROLE_LEVEL[r] for r in MEMBER_POSTS],
        ).order_by("level", "path")[:300]
    )
