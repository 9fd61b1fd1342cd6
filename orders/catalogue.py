"""The default community category catalogue: (code, name, default tier, sign-for h, resolve h).

Names are stored in Chinese; ``_`` only marks them for the catalogue, which translates
them where they are shown (``Category.__str__``)."""

from django.utils.translation import gettext_noop as _

CATALOGUE = [
    ("environment", _("环境卫生"), 1, 24, 72),
    ("property", _("物业管理"), 1, 24, 168),
    ("facility", _("设施维修"), 1, 24, 168),
    ("utilities", _("水电气暖"), 1, 2, 24),
    ("noise", _("噪音扰民"), 2, 24, 72),
    ("parking", _("停车管理"), 1, 24, 168),
    ("dispute", _("邻里纠纷"), 2, 24, 168),
    ("elderly", _("养老助老"), 3, 24, 168),
    ("paperwork", _("事务代办"), 2, 24, 168),
    ("hazard", _("安全隐患"), 2, 2, 24),
    ("other", _("其他"), 2, 24, 360),
]


def ensure_catalogue(category_model=None) -> None:
    """Create the default categories that are missing (used by the data migration, the demo
    and tests whose transactional flush removed the migration's rows)."""
    if category_model is None:
        from orders.models import Category as category_model
    for position, (code, name, tier, sign_h, resolve_h) in enumerate(CATALOGUE):
        category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "default_tier": tier,
                "sign_for_hours": sign_h,
                "resolve_hours": resolve_h,
                "sort_order": position,
            },
        )
