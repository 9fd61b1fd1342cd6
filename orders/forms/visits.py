"""The visit form a grid worker fills on a phone: kind, what was found, and a need that
may become an order in the same step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from grids.models import VisitKind
from orders.models import Category, Urgency


class VisitForm(core_forms.Form):
    kind = forms.ChoiceField(
        label=_("方式"), choices=VisitKind.choices, initial=VisitKind.DOOR, widget=forms.RadioSelect
    )
    found = forms.CharField(
        label=_("走访情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    need = forms.CharField(
        label=_("发现的需求"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("没有可不填；只填需求不选类别，记为需求事项。"),
    )
    category = forms.ModelChoiceField(
        label=_("转为工单（类别）"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("不转工单"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("category") and not (data.get("need") or "").strip():
            self.add_error("need", _("转为工单时请填写发现的需求。"))
        return data
