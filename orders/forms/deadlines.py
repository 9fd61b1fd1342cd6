"""Forms for supervision notes and callback records."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from orders.models import Rating

YES_NO = [("yes", _("是")), ("no", _("否"))]


class SupervisionNoteForm(core_forms.Form):
    note = forms.CharField(
        label=_("督办意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallbackForm(core_forms.Form):
    reached = forms.ChoiceField(label=_("是否联系上居民"), choices=YES_NO, widget=forms.RadioSelect)
    resolved = forms.ChoiceField(
        label=_("问题是否解决"), choices=[("", _("未答复"))] + YES_NO, required=False
    )
    rating = forms.ChoiceField(
        label=_("居民评价"), choices=[("", _("未评价"))] + list(Rating.choices), required=False
    )
    note = forms.CharField(
        label=_("回访记录"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reached") == "no" and (data.get("rating") or data.get("resolved")):
            raise ValidationError(_("未联系上居民时不能登记评价或解决情况。"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        resolved = {"yes": True, "no": False}.get(data.get("resolved") or "")
        return {
            "reached": data["reached"] == "yes",
            "resolved": resolved,
            "rating": data.get("rating") or "",
            "note": data.get("note") or "",
        }
