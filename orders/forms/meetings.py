"""Meeting forms: a new meeting, a topic, a vote, and one batch-intake row."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from orders.meetings.lifecycle import TopicSource
from orders.models import Urgency, phone_validator


class MeetingForm(core_forms.Form):
    community = forms.ChoiceField(label=_("社区"))
    title = forms.CharField(label=_("会议名称"), max_length=100)
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=100)
    attendees = forms.CharField(
        label=_("参会人员"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.code, c.name) for c in communities]


class TopicForm(core_forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=TopicSource.choices)


class VoteForm(core_forms.Form):
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0, max_value=10000)
    against = forms.IntegerField(label=_("反对"), min_value=0, max_value=10000)
    abstain = forms.IntegerField(label=_("弃权"), min_value=0, max_value=10000)
    decision = forms.CharField(label=_("决议"), max_length=300, required=False)


class IntakeRowForm(core_forms.Form):
    """One resident's order in the batch; a row left entirely blank is skipped."""

    area = forms.ChoiceField(label=_("位置"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    description = forms.CharField(label=_("诉求"), max_length=1000, required=False)
    resident_phone = forms.CharField(
        label=_("电话"), max_length=11, required=False, validators=[phone_validator]
    )
    resident_name = forms.CharField(label=_("称呼"), max_length=40, required=False)
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )

    def __init__(self, *args, areas, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {a.code: a for a in areas}
        self.categories = {str(c.pk): c for c in categories}
        self.fields["area"].choices = [("", "—")] + [
            (a.code, f"{a.name}（{a.code}）") for a in areas
        ]
        self.fields["category"].choices = [("", "—")] + [(str(c.pk), c.name) for c in categories]

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        keys = ("area", "category", "description", "resident_phone", "resident_name")
        return not any((data.get(k) or "").strip() for k in keys)

    def clean(self):
        data = super().clean()
        if self.is_blank:
            return data
        for key in ("area", "category", "description", "resident_phone"):
            if not (data.get(key) or "").strip() and key not in self.errors:
                self.add_error(key, _("必填。"))
        return data

    def row_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "area": self.areas[data["area"]],
            "category": self.categories[data["category"]],
            "description": data["description"].strip(),
            "resident_phone": data["resident_phone"].strip(),
            "resident_name": data["resident_name"].strip(),
            "urgency": data["urgency"] or Urgency.NORMAL,
        }
