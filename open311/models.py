"""API clients (one hashed key each) and the media fetches their requests asked for."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models import Channel


class ApiClient(models.Model):
    """A system that talks to Sidan through Open311 (a WeChat mini program, a 12345 hotline
    system, a FixMyStreet-style app). Its key is shown once when issued; only its prefix and
    a SHA-256 digest are stored."""

    name = models.CharField(_("客户端名称"), max_length=100, unique=True)
    area = models.ForeignKey(
        "grids.Area",
        verbose_name=_("服务区域"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("客户端只能在这个区域内提交和查看工单（一般是街道）。"),
    )
    channel = models.CharField(
        _("工单渠道"), max_length=16, choices=Channel.choices, default=Channel.MOBILE
    )
    verifies_phone = models.BooleanField(
        _("客户端已核验居民手机号"),
        default=False,
        help_text=_("只有承诺自行核验居民手机号的客户端才能提交工单。"),
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        _("每分钟请求上限"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    key_prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True, editable=False)
    key_digest = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FetchStatus(models.TextChoices):
    PENDING = "pending", _("待下载")
    DONE = "done", _("已保存")
    FAILED = "failed", _("未保存")


class MediaFetch(models.Model):
    """A ``media_url`` posted with a request: downloaded by a Celery task, checked for size
    and type, and saved as the order's report photo."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="media_fetches")
    url = models.URLField(max_length=1000)
    status = models.CharField(
        max_length=8, choices=FetchStatus.choices, default=FetchStatus.PENDING, db_index=True
    )
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("图片下载")
        verbose_name_plural = _("图片下载")
        ordering = ["-created_at"]
