"""Forms of the public resident pages (no account): the order form with its one-time code,
phone verification for "my orders", rating and cancelling from the tracking page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from orders.forms.common import MultipleImageField, OrderPlaceForm
from orders.models import Rating, phone_validator


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "size": 8,
            }
        ),
    )


class ResidentOrderForm(OrderPlaceForm):
    """The resident's order form: the location arrives as a hidden code (QR or picker) and the
    phone is proved by a one-time code in the same submit, so uploaded photos are never lost."""

    otp_code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].widget = forms.HiddenInput()
        self.fields["area_code"].error_messages["required"] = _("请先选择位置。")
        self.order_fields(
            [
                "area_code",
                "category",
                "nature",
                "urgency",
                "description",
                "photos",
                "resident_name",
                "hide_from_wall",
                "resident_phone",
                "otp_code",
            ]
        )


class PhoneForm(core_forms.Form):
    resident_phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    otp_code = _code_field()


SOLVED_CHOICES = [("yes", _("已解决")), ("no", _("未解决"))]


def solved_value(answer: str) -> bool | None:
    """The form's 已解决/未解决 answer as the service's ``solved`` (None: not answered)."""
    return {"yes": True, "no": False}.get(answer or "")


class RatingForm(core_forms.Form):
    solved = forms.ChoiceField(
        label=_("您反映的问题解决了吗？"),
        choices=SOLVED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择已解决或未解决。"),
            "invalid_choice": _("请选择已解决或未解决。"),
        },
    )
    rating = forms.ChoiceField(
        label=_("您对办理结果满意吗？"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("评价意见（选填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(core_forms.Form):
    """The resident adds detail or photos to their own open order."""

    text = forms.CharField(
        label=_("补充说明"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("比如更准确的位置、问题的新变化，或承办方问到的情况。"),
    )
    photos = MultipleImageField(label=_("照片（选填，最多 3 张）"))
