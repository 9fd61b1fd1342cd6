"""Staff forms: board filters, one form per order action, intake on a resident's behalf.

Action forms only parse input; the rules (who, from which status, what is required by
the lifecycle) live in ``orders.services``, which raises ``OrderError``. Each action form
carries ``expected_status`` — the status the user saw — so a stale click is refused.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.people import person_name
from core.phones import is_landline, is_mobile, normalise_landline
from grids.models import Area, AreaLevel
from orders import services
from orders.forms.common import MultipleImageField, OrderPlaceForm
from orders.lifecycle import Action, Status, Tier
from orders.models import STAFF_CHANNELS, CancelReason, Category, Channel, Order, Rating
from orders.selectors.staff import QUEUES, BoardFilters, board_sort_key

# --- the board -----------------------------------------------------------------


class BoardFilterForm(core_forms.Form):
    community = forms.CharField(required=False, widget=forms.HiddenInput)
    queue = forms.ChoiceField(required=False, choices=[(k, v[0]) for k, v in QUEUES.items()])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态"))] + Status.choices
    )
    # Choices read once in __init__ (one query draws and validates them; a ModelChoiceField
    # would read the categories to draw the select and again to check the pick).
    category = forms.TypedChoiceField(label=_("类别"), required=False, coerce=int, empty_value=None)
    grid = forms.ChoiceField(label=_("网格"), required=False)
    tier = forms.TypedChoiceField(
        label=_("层级"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部层级"))] + Tier.choices,
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部渠道"))] + Channel.choices
    )
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("编号、电话或描述")}),
    )
    # Any text: an unknown key falls back to the default order (board_sort_key).
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, grids: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.grids = {g.code: g for g in grids}
        self.fields["grid"].choices = [("", _("全部网格"))] + [(g.code, g.name) for g in grids]
        self.fields["category"].choices = [("", _("全部类别"))] + [
            (pk, name) for pk, name in Category.objects.values_list("pk", "name")
        ]
        # The filters sit in one row without visible labels: name each for screen readers.
        for field in self.fields.values():
            if field.label and not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", str(field.label))

    def filters(self) -> BoardFilters:
        """The filters to apply; a bad value is ignored rather than emptying the board."""
        data = self.cleaned_data if self.is_valid() else {}
        return BoardFilters(
            queue=data.get("queue") or BoardFilters.queue,
            status=data.get("status") or "",
            category_id=data.get("category"),
            grid=self.grids.get(data.get("grid") or ""),
            tier=data.get("tier"),
            channel=data.get("channel") or "",
            overdue=bool(data.get("overdue")),
            search=data.get("q") or "",
            sort=board_sort_key(data.get("sort") or ""),
        )


# --- order actions ------------------------------------------------------------------


class ActionForm(core_forms.Form):
    expected_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    # The order's version when the page was drawn: refuses moves made on a stale page even
    # when the status is unchanged (an escalation keeps 待签收).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, order: Order, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("expected_status", order.status)
        kwargs["initial"].setdefault("expected_version", getattr(order, "version", None))
        super().__init__(*args, **kwargs)
        self.order = order


class SignForm(ActionForm):
    pass


class DispatchForm(ActionForm):
    tier = forms.TypedChoiceField(label=_("派单层级"), choices=Tier.choices, coerce=int)
    handler = forms.ChoiceField(label=_("承办人 / 承办单位"))
    note = forms.CharField(
        label=_("派单说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        order: Order,
        tier: int,
        candidates: list,
        labels: dict[int, str] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("initial", {}).setdefault("tier", tier)
        super().__init__(*args, order=order, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}
        # ``labels``: each candidate's post and load (orders.selectors.candidates).
        labels = labels or {}
        self.fields["handler"].choices = [("", _("请选择"))] + [
            (
                str(c.pk),
                labels.get(c.pk) or (person_name(c) if tier != Tier.MEMBER_UNIT else c.name),
            )
            for c in candidates
        ]
        if len(candidates) == 1:
            self.fields["handler"].initial = str(candidates[0].pk)

    def clean_handler(self):
        chosen = self.candidates.get(self.cleaned_data["handler"])
        if chosen is None:
            raise ValidationError(_("请选择这一层级的承办人。"))
        return chosen

    def service_kwargs(self) -> dict:
        tier, handler = self.cleaned_data["tier"], self.cleaned_data["handler"]
        unit = tier == Tier.MEMBER_UNIT
        return {
            "tier": tier,
            "handler_user": None if unit else handler,
            "handler_unit": handler if unit else None,
            "note": self.cleaned_data["note"],
        }


class ReturnForm(ActionForm):
    reason = forms.CharField(
        label=_("退单理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestExtensionForm(ActionForm):
    until = forms.DateField(label=_("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("延期理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_until(self) -> datetime:
        # The end of the chosen day, local time: "until the 20th" means through the 20th.
        return timezone.make_aware(datetime.combine(self.cleaned_data["until"], time(23, 59)))


class ApproveExtensionForm(ActionForm):
    note = forms.CharField(label=_("备注"), required=False, max_length=2000)


class RefuseExtensionForm(ActionForm):
    note = forms.CharField(label=_("驳回理由"), max_length=500)


class EscalateForm(ActionForm):
    reason = forms.CharField(
        label=_("升级理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(ActionForm):
    result_note = forms.CharField(
        label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("结果照片（选填，最多 3 张）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On a phone the picker opens the back camera: the handler photographs the result.
        self.fields["photos"].widget.attrs["capture"] = "environment"


class RateForm(ActionForm):
    solved = forms.ChoiceField(
        label=_("问题是否解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(
        label=_("回访评价"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("居民意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("撤销原因"),
        choices=[
            (CancelReason.DUPLICATE, CancelReason.DUPLICATE.label),
            (CancelReason.INVALID, CancelReason.INVALID.label),
        ],
        widget=forms.RadioSelect,
    )
    original = forms.CharField(label=_("原工单编号（重复工单填写）"), required=False, max_length=32)
    note = forms.CharField(label=_("说明（无效工单必填）"), required=False, max_length=500)

    def __init__(self, *args, originals=None, **kwargs):
        """``originals``: the orders the user may name as the original (their scope)."""
        super().__init__(*args, **kwargs)
        self.originals = originals

    def clean(self):
        data = super().clean()
        data["duplicate_of"] = None
        reference = (data.get("original") or "").strip()
        reason = data.get("reason")
        if reason == CancelReason.DUPLICATE and reference:
            data["duplicate_of"] = self.originals.filter(reference=reference).first()
            if data["duplicate_of"] is None:
                self.add_error("original", _("找不到编号为 %(ref)s 的工单。") % {"ref": reference})
                return data
        if reason:
            # The service's own rules, shown next to the field they concern.
            refusal = services.staff_cancel_refusal(
                reason=reason,
                note=(data.get("note") or "").strip(),
                duplicate_of=data["duplicate_of"],
            )
            if refusal is not None:
                self.add_error(CANCEL_REFUSAL_FIELD.get(refusal.code), refusal.message)
        return data


# Which field a refused staff cancellation points at (``services.staff_cancel_refusal``).
CANCEL_REFUSAL_FIELD = {"missing_original": "original", "missing_note": "note"}


class NoteForm(ActionForm):
    note = forms.CharField(
        label=_("备注"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(ActionForm):
    original = forms.CharField(label=_("原工单编号"), max_length=32)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, originals=None, **kwargs):
        """``originals``: the orders the user may name as the original (their scope)."""
        order = kwargs.get("order")
        if order is not None and order.repeat_of_id:
            # The detail's selector annotates the reference (no query for the original).
            reference = getattr(order, "repeat_of_reference", None) or order.repeat_of.reference
            kwargs.setdefault("initial", {}).setdefault("original", reference)
        super().__init__(*args, **kwargs)
        self.originals = originals

    def clean_original(self) -> Order:
        reference = self.cleaned_data["original"].strip()
        found = self.originals.filter(reference=reference).first()
        if found is None:
            raise ValidationError(_("找不到编号为 %(ref)s 的工单。") % {"ref": reference})
        return found


class KeepBothForm(ActionForm):
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ChaseForm(ActionForm):
    note = forms.CharField(
        label=_("催办意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SuperviseForm(ActionForm):
    note = forms.CharField(
        label=_("督办意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AskResidentForm(ActionForm):
    question = forms.CharField(
        label=_("想请居民补充什么"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("居民会收到一条带进度链接的短信，在进度页上看到这段话并补充说明或照片。"),
    )


# --- the open pool (党员接单) ---------------------------------------------------------


class ToPoolForm(ActionForm):
    note = forms.CharField(
        label=_("说明（党员可见）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawPoolForm(ActionForm):
    reason = forms.CharField(
        label=_("撤回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(ActionForm):
    pass


class ReturnToPoolForm(ActionForm):
    reason = forms.CharField(
        label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.DISPATCH: DispatchForm,
    Action.SIGN: SignForm,
    Action.RETURN: ReturnForm,
    Action.REQUEST_EXTENSION: RequestExtensionForm,
    Action.APPROVE_EXTENSION: ApproveExtensionForm,
    Action.REFUSE_EXTENSION: RefuseExtensionForm,
    Action.ESCALATE: EscalateForm,
    Action.RESOLVE: ResolveForm,
    Action.RATE: RateForm,
    Action.CANCEL: CancelForm,
    Action.NOTE: NoteForm,
    Action.ASK_RESIDENT: AskResidentForm,
    Action.MERGE: MergeForm,
    Action.KEEP_BOTH: KeepBothForm,
    Action.CHASE: ChaseForm,
    Action.SUPERVISE: SuperviseForm,
    Action.TO_POOL: ToPoolForm,
    Action.WITHDRAW_POOL: WithdrawPoolForm,
    Action.CLAIM: ClaimForm,
    Action.RETURN_TO_POOL: ReturnToPoolForm,
}


# --- intake -----------------------------------------------------------------------------

PICKER_FIELDS = {
    AreaLevel.COMMUNITY: "loc_community",
    AreaLevel.GRID: "loc_grid",
    AreaLevel.COMPOUND: "loc_compound",
    AreaLevel.MICROGRID: "loc_microgrid",
}


def picked_codes(data) -> dict[int, str]:
    """The location picker's choices by level, from GET or POST data."""
    return {level: (data.get(name) or "").strip() for level, name in PICKER_FIELDS.items()}


class StaffIntakeForm(OrderPlaceForm):
    """The resident's form and rules, plus the staff channel; the location must be in scope.

    The location comes from ``area_code`` (typed, or from a building QR code) or, when that
    is empty, from the deepest level picked in the cascading selects.
    """

    channel = forms.ChoiceField(
        label=_("受理渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS]
    )
    # A hotline caller on a landline, or an elderly resident without a phone, can be taken.
    resident_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_(
            "手机、带区号的座机（如 0573-84123456），或留空：没有手机的居民由社区电话回访或上门，"
            "不发短信。"
        ),
    )
    field_order = (
        "channel",
        "category",
        "nature",
        "urgency",
        "area_code",
        "description",
        "resident_phone",
        "resident_name",
        "photos",
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not (data.get("area_code") or "").strip():
            picks = picked_codes(data)
            deepest = next((picks[lv] for lv in sorted(picks, reverse=True) if picks[lv]), "")
            if deepest:
                data = data.copy()
                data["area_code"] = deepest
        super().__init__(data, *args, **kwargs)
        self.fields["area_code"].required = True
        self.fields["area_code"].label = _("位置编码（或在上方逐级选择）")

    def clean_resident_phone(self) -> str:
        value = self.cleaned_data["resident_phone"].strip()
        if value and not (is_mobile(value) or is_landline(value)):
            raise ValidationError(
                _("请输入 11 位手机号码、带区号的座机号码（如 0573-84123456），或留空。")
            )
        return normalise_landline(value) if is_landline(value) else value
