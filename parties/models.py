"""Party organisations and member units. For now: the member units of a community's
big party committee (大党委成员单位), which take tier-3 orders through their liaisons."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.models import Area, AreaLevel


class MemberUnit(models.Model):
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

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["community__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="memberunit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
