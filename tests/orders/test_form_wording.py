"""Form errors name their field in the product's words, never Django's stock wording."""

from __future__ import annotations

from django.test import override_settings
from django.utils import translation

from core import forms as core_forms
from orders.forms.common import OrderPlaceForm
from orders.forms.public import RatingForm
from tests.orders.public_helpers import last_code, order_data, send_code


def errors_of(form) -> list[str]:
    form.is_valid()
    return [str(e) for errors in form.errors.values() for e in errors]


def test_the_resident_form_says_which_field_is_too_long(client, world):
    send_code(client, f"/r/{world.microgrid.code}/")
    response = client.post(
        f"/r/{world.microgrid.code}/",
        order_data(world, description="灯" * 2001, otp_code=last_code()),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "问题描述最多 2000 字。" in html
    assert "确保该变量" not in html and "字符数" not in html


def test_required_choice_and_length_messages_name_the_field(world):
    form = OrderPlaceForm(data={"category": "999999", "description": "", "nature": "nope"})
    messages = errors_of(form)
    assert "请填写问题描述。" in messages
    assert "请从列表中选择问题类别。" in messages
    assert "请从列表中选择诉求性质。" in messages
    assert "请填写手机号码。" in messages
    assert not any("这个字段" in m or "有效" in m for m in messages)


def test_a_message_the_form_set_itself_is_kept(db):
    messages = errors_of(RatingForm(data={}))
    assert "请选择满意、基本满意或不满意。" in messages


def test_the_wording_follows_the_request_language(world):
    with translation.override("en"):
        messages = errors_of(OrderPlaceForm(data={"description": "x" * 2001}))
    assert "Description: at most 2000 characters." in messages
    assert "Mobile number: please fill this in." in messages
    assert not any("Ensure this value" in m for m in messages)


def test_asides_in_labels_are_left_out_and_percent_signs_survive():
    class Sample(core_forms.Form):
        name = core_forms.forms.CharField(label="称呼（选填）", max_length=3)
        share = core_forms.forms.IntegerField(label="比例%", max_value=100)

    with override_settings(LANGUAGE_CODE="zh-hans"), translation.override("zh-hans"):
        messages = errors_of(Sample(data={"name": "张三丰啊", "share": "101"}))
    assert messages == ["称呼最多 3 字。", "比例%不能大于 100。"]
