"""The area tree (street → community → grid → compound/building → micro-grid) and staff posts.

Every node keeps a materialised ``path`` of its ancestors' codes ("LX/LX01/LX01-03/"),
so a subtree is one ``path LIKE 'prefix%'`` query on an index and the ancestors are
one ``code IN (...)`` query, whatever the depth or the size of the tree.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.vocabulary import seeded

PATH_SEPARATOR = "/"

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("编码只能包含字母、数字、点、下划线和连字符，且以字母或数字开头。"),
)


class AreaLevel(models.IntegerChoices):
    STREET = 1, _("街道")
    COMMUNITY = 2, _("社区")
    GRID = 3, _("网格")
    COMPOUND = 4, _("小区/楼栋")
    MICROGRID = 5, _("微网格")

    @classmethod
    def child_of(cls, level: int) -> int | None:
        return level + 1 if level < cls.MICROGRID else None


class AreaQuerySet(models.QuerySet):
    def subtree_of(self, area: Area, *, include_self: bool = True) -> AreaQuerySet:
        qs = self.filter(path__startswith=area.path)
        return qs if include_self else qs.exclude(pk=area.pk)

    def within_paths(self, paths: list[str]) -> AreaQuerySet:
        return self.filter(paths_q(paths, "path"))


def ancestor_paths(path: str) -> list[str]:
    """The paths from the root down to and including ``path`` ("LX/", "LX/LX01/", ...)."""
    codes = [c for c in path.split(PATH_SEPARATOR) if c]
    return [PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]


def paths_q(paths: list[str], field: str) -> Q:
    """A Q matching rows whose ``field`` lies under any of ``paths`` (nothing when empty)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class Area(models.Model):
    code = models.CharField(_("编码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        # The communities (or grids) of a street or of the whole city, in tree order: the
        # resident form's community list, the board's places, a unit's communities.
        indexes = [models.Index(fields=["level", "path"], name="area_level_path")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="area_level_range"
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.STREET, parent__isnull=True)
                | Q(level__gt=AreaLevel.STREET, parent__isnull=False),
                name="area_only_streets_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to and including this node, read off the path."""
        return [c for c in self.path.split(PATH_SEPARATOR) if c]

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)

    @staticmethod
    def build_path(parent: Area | None, code: str) -> str:
        return (parent.path if parent else "") + code + PATH_SEPARATOR


class PostRole(models.TextChoices):
    STREET_OFFICIAL = "street_official", _("街道干部")
    COMMUNITY_DISPATCHER = "community_dispatcher", _("社区派单员")
    GRID_LEADER = "grid_leader", _("网格长")
    GRID_WORKER = "grid_worker", _("网格员")
    BUILDING_HEAD = "building_head", _("楼栋长")
    MICROGRID_LEADER = "microgrid_leader", _("微网格长")
    PROPERTY_MANAGER = "property_manager", _("物业")
    UNIT_LIAISON = "unit_liaison", _("成员单位联络员")
    PARTY_MEMBER = "party_member", _("在职党员")
    # Posts the community grants a verified party member (parties.members.member_grant_post).
    SECOND_BUILDING_HEAD = "second_building_head", _("第二楼组长")
    GRID_VOLUNTEER = "grid_volunteer", _("网格志愿者")
    # A functional department's staff (职能部门, issue 12): no area scope of its own — it
    # sees only what was whistled to it (docs/departments.md).
    DEPARTMENT_STAFF = "department_staff", _("职能部门工作人员")


# The level of node each role is posted to.
ROLE_LEVEL: dict[str, int] = {
    PostRole.STREET_OFFICIAL: AreaLevel.STREET,
    PostRole.COMMUNITY_DISPATCHER: AreaLevel.COMMUNITY,
    PostRole.GRID_LEADER: AreaLevel.GRID,
    PostRole.GRID_WORKER: AreaLevel.GRID,
    PostRole.BUILDING_HEAD: AreaLevel.COMPOUND,
    PostRole.MICROGRID_LEADER: AreaLevel.MICROGRID,
    PostRole.PROPERTY_MANAGER: AreaLevel.COMPOUND,
    PostRole.UNIT_LIAISON: AreaLevel.COMMUNITY,
    PostRole.PARTY_MEMBER: AreaLevel.COMMUNITY,
    PostRole.SECOND_BUILDING_HEAD: AreaLevel.COMPOUND,
    PostRole.GRID_VOLUNTEER: AreaLevel.GRID,
    PostRole.DEPARTMENT_STAFF: AreaLevel.STREET,
}

# Roles whose post's area gives no scope: the post only says which street the holder
# answers to; what they see comes from elsewhere (a department: its whistles).
AREALESS_ROLES = frozenset({PostRole.DEPARTMENT_STAFF})


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    POLICE = "police", _("派出所")
    COMPANY = "company", _("企业")
    SOCIAL = "social", _("社会组织")
    OTHER = "other", _("其他")


class MemberUnit(models.Model):
    """A member unit of a community's big party committee (大党委成员单位): takes tier-3
    orders through its liaisons (posts with role ``UNIT_LIAISON``).

    Lives in ``grids`` (its table is still ``parties_memberunit``) because a liaison post
    points at it and ``grids`` sits below ``parties`` (docs/architecture.md)."""

    name = models.CharField(_("单位名称"), max_length=100)
    community = models.ForeignKey(
        Area,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="member_units",
        limit_choices_to={"level": AreaLevel.COMMUNITY},
    )
    remit = models.CharField(_("服务领域"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    kind = models.CharField(
        _("单位类型"), max_length=16, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("单位地址"), max_length=200, blank=True)
    # 结对包建: the communities or compounds this unit is paired with (besides its own).
    paired_areas = models.ManyToManyField(
        Area, verbose_name=_("结对包建"), blank=True, related_name="paired_units"
    )
    active_from = models.DateField(_("共建起始"), null=True, blank=True)
    active_until = models.DateField(_("共建截止"), null=True, blank=True)

    class Meta:
        db_table = "parties_memberunit"
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["community__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="memberunit_unique_name"),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="memberunit_active_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    MARKET = "market", _("市场监管")
    URBAN = "urban", _("城市管理")
    HOUSING = "housing", _("住房建设")
    POLICE = "police", _("公安派出所")
    ENVIRONMENT = "environment", _("生态环境")
    WATER = "water", _("水务")
    CIVIL = "civil", _("民政")
    OTHER = "other", _("其他")


class DepartmentLevel(models.TextChoices):
    STREET = "street", _("街道")
    DISTRICT = "district", _("区县")


class Department(models.Model):
    """A functional department (职能部门) at street or district level that a dispatcher or
    street official may whistle to from an order (小区吹哨、部门报到): a kind of handler
    above the street tier (县级部门快办). Its staff hold posts with role
    ``DEPARTMENT_STAFF``; ``street`` is the street whose whistles it answers (a district
    department serving several streets is registered once per street)."""

    name = models.CharField(_("部门名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=DepartmentKind.choices)
    level = models.CharField(
        _("层级"), max_length=8, choices=DepartmentLevel.choices, default=DepartmentLevel.STREET
    )
    street = models.ForeignKey(
        Area,
        verbose_name=_("服务街道"),
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"level": AreaLevel.STREET},
    )
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["street_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="department_unique_name")
        ]
        indexes = [models.Index(fields=["street", "is_active"], name="department_street_active")]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A staff user's role on one node; a user's scope is the union of their posts' subtrees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    role = models.CharField(_("岗位"), max_length=32, choices=PostRole.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="posts"
    )
    member_unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="liaison_posts",
        help_text=_("仅成员单位联络员需要填写。"),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("职能部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_posts",
        help_text=_("仅职能部门工作人员需要填写。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="post_unique_user_role_area"
            ),
            models.CheckConstraint(
                condition=Q(role=PostRole.UNIT_LIAISON, member_unit__isnull=False)
                | (~Q(role=PostRole.UNIT_LIAISON) & Q(member_unit__isnull=True)),
                name="post_member_unit_only_for_liaisons",
            ),
            models.CheckConstraint(
                condition=Q(role=PostRole.DEPARTMENT_STAFF, department__isnull=False)
                | (~Q(role=PostRole.DEPARTMENT_STAFF) & Q(department__isnull=True)),
                name="post_department_only_for_department_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.area}"


# --- households and visits (走访) --------------------------------------------------

# Days between visits for a household in no care category (每月对居民户走访一次以上).
DEFAULT_VISIT_EVERY_DAYS = 30


class CareCategory(models.Model):
    """A group that needs closer care (特殊人群), with how often its households are visited."""

    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访周期（天）"), default=7, help_text=_("特殊人群默认每周走访一次。")
    )

    class Meta:
        verbose_name = _("关怀类别")
        verbose_name_plural = _("关怀类别")
        ordering = ["visit_every_days", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_every_days__gte=1, visit_every_days__lte=366),
                name="carecategory_visit_every_days_range",
            )
        ]

    def __str__(self) -> str:
        return seeded(self.name)


class Household(models.Model):
    """A household on a compound/building or micro-grid; ``area_path`` copies the area's
    path so scope and due lists are one indexed prefix query."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("小区/楼栋或微网格"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    area_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    unit_room = models.CharField(_("单元/房号"), max_length=40)
    head_name = models.CharField(_("户主"), max_length=40)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    members = models.PositiveSmallIntegerField(_("人数"), default=1)
    care = models.ManyToManyField(
        CareCategory, verbose_name=_("关怀类别"), blank=True, related_name="households"
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("走访周期（天）"), default=DEFAULT_VISIT_EVERY_DAYS
    )
    last_visit_at = models.DateTimeField(_("最近走访"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次走访截止"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["area_path", "unit_room"]
        constraints = [
            models.UniqueConstraint(fields=["area", "unit_room"], name="household_unique_room"),
            models.CheckConstraint(
                condition=Q(members__gte=1, members__lte=99), name="household_members_range"
            ),
            models.CheckConstraint(
                condition=Q(visit_every_days__gte=1), name="household_visit_every_days_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "next_visit_due"], name="household_path_due"),
            models.Index(fields=["next_visit_due"], name="household_due"),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.unit_room}"


class VisitKind(models.TextChoices):
    DOOR = "door", _("入户走访")
    PHONE = "phone", _("电话走访")
    NIGHT = "night", _("网格夜访")


class Visit(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), on_delete=models.CASCADE, related_name="visits"
    )
    area_path = models.CharField(max_length=255, editable=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        related_name="grid_visits",
    )
    kind = models.CharField(_("方式"), max_length=8, choices=VisitKind.choices)
    visited_at = models.DateTimeField(_("走访时间"))
    found = models.TextField(_("走访情况"), max_length=1000)
    need = models.TextField(_("发现的需求"), max_length=1000, blank=True)
    # Whether the visit came on or before the household's due date (for coverage).
    on_time = models.BooleanField(_("按时"), default=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["worker", "visited_at"], name="visit_worker_at"),
            models.Index(fields=["area_path", "visited_at"], name="visit_path_at"),
            models.Index(fields=["household", "visited_at"], name="visit_household_at"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_kind_display()}"


# --- disputes and the four-colour risk list ------------------------------------------


class Dispute(models.Model):
    """A dispute found on a visit or reported as an order; status and colour change only
    through ``grids.disputes.services``."""

    area = models.ForeignKey(
        Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="disputes"
    )
    area_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("事由"), max_length=100)
    description = models.TextField(_("情况"), max_length=2000)
    source = models.CharField(_("来源"), max_length=16)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("走访记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    order_reference = models.CharField(_("工单编号"), max_length=32, blank=True)
    colour = models.PositiveSmallIntegerField(_("风险等级"))
    colour_reason = models.CharField(_("定级理由"), max_length=300)
    status = models.CharField(_("环节"), max_length=12)
    handling_level = models.CharField(_("处置层级"), max_length=12, blank=True)
    assignee = models.CharField(_("承办"), max_length=100, blank=True)
    outcome = models.TextField(_("评估结果"), max_length=1000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="reported_disputes",
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["colour", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__gte=1, colour__lte=4), name="dispute_colour_range"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["screened", "assessed", "assigned", "handled", "evaluated"]
                ),
                name="dispute_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "status", "colour"], name="dispute_path_status"),
        ]

    def __str__(self) -> str:
        return self.title


class DisputeEvent(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["dispute", "at"], name="disputeevent_dispute_at")]
