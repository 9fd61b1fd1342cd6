"""Demo data at the real scale of Luoxing street ("1+13+69+91+2826").

``build_demo`` is deterministic (a seeded ``random.Random``) and idempotent: codes,
names and usernames are the same on every run, and only what is missing is created,
so running it twice leaves the database as the first run did.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from grids import services
from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole

STREET_CODE = "LX"
STREET_NAME = "罗星街道"
LUOXING_SCALE = {"communities": 13, "grids": 69, "compounds": 91, "microgrids": 2826}

COMMUNITY_NAMES = [
    "东湖社区",
    "罗星社区",
    "西城社区",
    "南门社区",
    "北苑社区",
    "新华社区",
    "光明社区",
    "文昌社区",
    "桥头社区",
    "河滨社区",
    "梧桐社区",
    "青山社区",
    "龙泉社区",
    "金桥社区",
    "玉兰社区",
    "振兴社区",
    "朝阳社区",
    "和平社区",
    "长安社区",
    "春晖社区",
]
COMPOUND_PREFIXES = [
    "桂花",
    "翠竹",
    "东湖",
    "锦绣",
    "阳光",
    "金色",
    "紫荆",
    "枫林",
    "碧水",
    "和平",
    "幸福",
    "星河",
    "滨江",
    "书香",
    "银杏",
    "紫薇",
    "丽景",
    "康乐",
    "明珠",
    "红旗",
    "罗星",
    "春华",
    "秋实",
    "海棠",
]
COMPOUND_SUFFIXES = ["苑", "花园", "小区", "家园", "新村", "雅居", "公寓", "华庭"]
UNIT_TEMPLATES = [
    ("区城管局", "市容环境、占道经营、违章搭建"),
    ("区住建局", "房屋安全、老旧小区改造"),
    ("供电公司罗星所", "供电线路、停电抢修"),
    ("自来水公司罗星营业所", "供水管网、水压水质"),
    ("派出所{short}警务室", "治安、邻里纠纷、消防通道"),
    ("社区卫生服务中心", "家庭医生、慢病随访"),
    ("区市场监管局", "食品安全、价格投诉"),
    ("区民政局", "养老服务、困难救助"),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎"
)
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建国",
    "玉兰",
    "志强",
    "海燕",
    "文博",
    "晓东",
    "春梅",
    "国庆",
    "丽华",
    "德明",
]

# The fixed demo logins: (username, role, how to find the area, Chinese last/first name).
DEMO_LOGINS = [
    ("demo_street", PostRole.STREET_OFFICIAL, "street", "罗", "建华"),
    ("demo_dispatcher", PostRole.COMMUNITY_DISPATCHER, "community", "陈", "丽萍"),
    ("demo_grid_leader", PostRole.GRID_LEADER, "grid", "王", "志强"),
    ("demo_grid_worker", PostRole.GRID_WORKER, "grid", "李", "晓燕"),
    ("demo_building_head", PostRole.BUILDING_HEAD, "compound", "张", "国庆"),
    ("demo_microgrid_leader", PostRole.MICROGRID_LEADER, "microgrid", "刘", "秀英"),
    ("demo_property", PostRole.PROPERTY_MANAGER, "compound", "赵", "海涛"),
    ("demo_unit", PostRole.UNIT_LIAISON, "community", "周", "文博"),
    ("demo_party_member", PostRole.PARTY_MEMBER, "community", "孙", "春梅"),
    # Verified party members the community granted a post (demo/party.py registers them).
    ("demo_second_building_head", PostRole.SECOND_BUILDING_HEAD, "compound", "何", "志明"),
    ("demo_grid_volunteer", PostRole.GRID_VOLUNTEER, "grid", "许", "佳怡"),
]


@dataclass
class DemoReport:
    areas_created: int = 0
    units_created: int = 0
    users_created: int = 0
    posts_created: int = 0
    logins: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # username, role, area, password


def spread(*, total: int, buckets: int, rng: random.Random) -> list[int]:
    """Split ``total`` items over ``buckets`` so each gets at least one, unevenly."""
    if buckets <= 0 or total < buckets:
        raise ValueError(
            f"cannot spread {total} items over {buckets} buckets with at least one each"
        )
    counts = [1] * buckets
    weights = [rng.uniform(0.5, 1.5) for _ in range(buckets)]
    for index in rng.choices(range(buckets), weights=weights, k=total - buckets):
        counts[index] += 1
    return counts


def _person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)


def demo_tree(
    *, communities: int, grids: int, compounds: int, microgrids: int, seed: int = 2826
) -> list[tuple[str, str, int, str | None]]:
    """The nodes as ``(code, name, level, parent_code)`` in top-down order."""
    rng = random.Random(seed)
    nodes: list[tuple[str, str, int, str | None]] = [
        (STREET_CODE, STREET_NAME, AreaLevel.STREET, None)
    ]
    community_codes = [f"{STREET_CODE}{i:02d}" for i in range(1, communities + 1)]
    for i, code in enumerate(community_codes):
        name = COMMUNITY_NAMES[i] if i < len(COMMUNITY_NAMES) else f"第{i + 1}社区"
        nodes.append((code, name, AreaLevel.COMMUNITY, STREET_CODE))

    grid_codes: list[str] = []
    for community, n in zip(community_codes, spread(total=grids, buckets=communities, rng=rng)):
        for g in range(1, n + 1):
            code = f"{community}-G{g:02d}"
            grid_codes.append(code)
            nodes.append((code, f"第{g}网格", AreaLevel.GRID, community))

    compound_names = [p + s for p in COMPOUND_PREFIXES for s in COMPOUND_SUFFIXES]
    rng.shuffle(compound_names)
    compound_codes: list[str] = []
    for grid, n in zip(grid_codes, spread(total=compounds, buckets=len(grid_codes), rng=rng)):
        for c in range(1, n + 1):
            code = f"{grid}-C{c:02d}"
            k = len(compound_codes)
            name = compound_names[k % len(compound_names)]
            if k >= len(compound_names):
                name += f"{k // len(compound_names) + 1}期"
            compound_codes.append(code)
            nodes.append((code, name, AreaLevel.COMPOUND, grid))

    for compound, n in zip(
        compound_codes, spread(total=microgrids, buckets=len(compound_codes), rng=rng)
    ):
        units_per_building = rng.choice([2, 3, 4])
        for m in range(n):
            building, unit = divmod(m, units_per_building)
            code = f"{compound}-M{m + 1:03d}"
            nodes.append((code, f"{building + 1}栋{unit + 1}单元", AreaLevel.MICROGRID, compound))
    return nodes


@transaction.atomic
def build_demo(
    *,
    communities: int = LUOXING_SCALE["communities"],
    grids: int = LUOXING_SCALE["grids"],
    compounds: int = LUOXING_SCALE["compounds"],
    microgrids: int = LUOXING_SCALE["microgrids"],
    seed: int = 2826,
    password: str | None = None,
) -> DemoReport:
    """Create (or complete) the demo street, member units, users and posts."""
    report = DemoReport()
    password = password or settings.SIDAN_DEMO_PASSWORD
    rng = random.Random(seed + 1)

    # --- the tree: create only the codes that are missing -------------------
    nodes = demo_tree(
        communities=communities, grids=grids, compounds=compounds, microgrids=microgrids, seed=seed
    )
    existing = set(
        Area.objects.filter(path__startswith=f"{STREET_CODE}/").values_list("code", flat=True)
    )
    report.areas_created = services.areas_bulk_create(
        nodes=[n for n in nodes if n[0] not in existing]
    )
    areas = {
        a.code: a
        for a in Area.objects.filter(path__startswith=f"{STREET_CODE}/").only(
            "id", "code", "name", "level", "path"
        )
    }
    by_level: dict[int, list[Area]] = {level: [] for level in AreaLevel}
    for code, _name, level, _parent in nodes:
        by_level[level].append(areas[code])

    # --- member units: 3 or 4 per community ----------------------------------
    have_units = set(
        MemberUnit.objects.filter(community__in=by_level[AreaLevel.COMMUNITY]).values_list(
            "community_id", "name"
        )
    )
    new_units = []
    for community in by_level[AreaLevel.COMMUNITY]:
        short = community.name.removesuffix("社区")
        for template, remit in rng.sample(UNIT_TEMPLATES, rng.choice([3, 4])):
            name = template.format(short=short)
            if (community.pk, name) not in have_units:
                new_units.append(MemberUnit(name=name, community=community, remit=remit))
    MemberUnit.objects.bulk_create(new_units)
    report.units_created = len(new_units)
    units_by_community: dict[int, list[MemberUnit]] = {}
    for unit in MemberUnit.objects.filter(community__in=by_level[AreaLevel.COMMUNITY]).order_by(
        "community_id", "id"
    ):
        units_by_community.setdefault(unit.community_id, []).append(unit)

    # --- users and posts ------------------------------------------------------
    first_community = areas[f"{STREET_CODE}01"]
    first_grid = next(
        a for a in by_level[AreaLevel.GRID] if a.path.startswith(first_community.path)
    )
    first_compound = next(
        a for a in by_level[AreaLevel.COMPOUND] if a.path.startswith(first_grid.path)
    )
    first_microgrid = next(
        a for a in by_level[AreaLevel.MICROGRID] if a.path.startswith(first_compound.path)
    )
    demo_areas = {
        "street": areas[STREET_CODE],
        "community": first_community,
        "grid": first_grid,
        "compound": first_compound,
        "microgrid": first_microgrid,
    }
    first_unit = units_by_community[first_community.pk][0]

    # (username, last, first, role, area, member unit)
    wanted: list[tuple[str, str, str, str, Area, MemberUnit | None]] = []
    for username, role, where, last, first in DEMO_LOGINS:
        unit = first_unit if role == PostRole.UNIT_LIAISON else None
        wanted.append((username, last, first, role, demo_areas[where], unit))
    for community in by_level[AreaLevel.COMMUNITY]:
        wanted.append(
            (
                f"disp_{community.code}",
                *_person_name(rng),
                PostRole.COMMUNITY_DISPATCHER,
                community,
                None,
            )
        )
        for i, unit in enumerate(units_by_community.get(community.pk, []), start=1):
            wanted.append(
                (
                    f"unit_{community.code}-{i}",
                    *_person_name(rng),
                    PostRole.UNIT_LIAISON,
                    community,
                    unit,
                )
            )
    for grid in by_level[AreaLevel.GRID]:
        wanted.append((f"gl_{grid.code}", *_person_name(rng), PostRole.GRID_LEADER, grid, None))
    for compound in by_level[AreaLevel.COMPOUND]:
        wanted.append(
            (f"pm_{compound.code}", *_person_name(rng), PostRole.PROPERTY_MANAGER, compound, None)
        )

    User = get_user_model()
    usernames = [w[0] for w in wanted] + ["admin"]
    have_users = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    password_hash = make_password(password)  # hashing once keeps a few hundred users fast
    new_users = [
        User(
            username=username,
            last_name=last,
            first_name=first,
            password=password_hash,
            is_active=True,
        )
        for username, last, first, *_rest in wanted
        if username not in have_users
    ]
    if "admin" not in have_users:
        new_users.append(
            User(
                username="admin",
                last_name="系统",
                first_name="管理员",
                password=password_hash,
                is_staff=True,
                is_superuser=True,
            )
        )
    User.objects.bulk_create(new_users, batch_size=500)
    report.users_created = len(new_users)
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))

    have_posts = set(
        Post.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "role", "area_id")
    )
    demo_usernames = {login[0] for login in DEMO_LOGINS}
    new_posts = []
    for username, _last, _first, role, area, unit in wanted:
        if (user_ids[username], role, area.pk) in have_posts:
            continue
        if username in demo_usernames:
            # The named logins go through the one writer of posts; the staff below are
            # checked by the same rule and bulk-created for speed.
            services.post_create(
                user=User(pk=user_ids[username]), role=role, area=area, member_unit=unit
            )
            report.posts_created += 1
            continue
        services.post_check(role=role, area=area, member_unit=unit)
        new_posts.append(Post(user_id=user_ids[username], role=role, area=area, member_unit=unit))
    Post.objects.bulk_create(new_posts, batch_size=500)
    report.posts_created += len(new_posts)

    for username, role, where, _last, _first in DEMO_LOGINS:
        area = demo_areas[where]
        report.logins.append(
            (username, PostRole(role).label, f"{area.name} ({area.code})", password)
        )
    report.logins.append(("admin", "超级管理员", "—", password))
    return report
