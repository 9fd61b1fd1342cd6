"""Community notices (公告) and the phones opted in to their SMS digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.models import Area


class Notice(models.Model):
    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="notices"
    )
    community_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=5000)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"))
    # Empty: the whole community; else these compounds.
    targets = models.ManyToManyField(Area, verbose_name=_("面向小区"), blank=True, related_name="+")
    pinned = models.BooleanField(_("置顶"), default=False)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "valid_until"], name="notice_community_valid"),
            models.Index(fields=["published_at"], name="notice_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="notice_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeSubscription(models.Model):
    community = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=11)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "phone"], name="noticesub_unique")
        ]
