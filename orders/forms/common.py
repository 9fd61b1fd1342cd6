"""The order form shared by residents (mobile, QR) and staff intake: one set of rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from grids.models import Area, AreaLevel
from orders.models import Category, Nature, Urgency, phone_validator

# The photo fields live in ``core.forms`` (party fulfilment photos use them too).
MAX_PHOTO_BYTES = core_forms.MAX_PHOTO_BYTES
MultipleImageField = core_forms.MultipleImageField


class OrderPlaceForm(core_forms.Form):
    category = forms.ModelChoiceField(
        label=_("问题类别"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("请选择类别"),
    )
    nature = forms.ChoiceField(label=_("诉求性质"), choices=Nature.choices, initial=Nature.HELP)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    area_code = forms.CharField(label=_("位置编码"), max_length=40)
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写清楚在哪里、发生了什么、希望怎样解决。"),
    )
    resident_phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    resident_name = forms.CharField(label=_("称呼（选填）"), max_length=40, required=False)
    photos = MultipleImageField(label=_("照片（选填，最多 3 张）"))
    hide_from_wall = forms.BooleanField(
        label=_("不在社区问题墙上公开我的描述"),
        required=False,
        help_text=_("问题墙只显示类别、小区和进度；电话、姓名、门牌等信息一律隐去。"),
    )

    def __init__(self, *args, areas=None, **kwargs):
        """``areas``: the queryset the location must come from (staff: their scope)."""
        super().__init__(*args, **kwargs)
        self.areas = areas if areas is not None else Area.objects.all()

    def clean_area_code(self) -> Area:
        code = self.cleaned_data["area_code"].strip()
        area = self.areas.filter(code=code).first()
        if area is None:
            raise ValidationError(_("找不到这个位置，请重新选择或扫描楼栋二维码。"))
        if area.level < AreaLevel.GRID:
            raise ValidationError(_("请选择具体的网格、小区或楼栋。"))
        return area

    def clean_resident_phone(self) -> str:
        return self.cleaned_data["resident_phone"].strip()

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(text) < 5:
            raise ValidationError(_("请多写几个字，把问题说清楚（至少 5 个字）。"))
        return text
