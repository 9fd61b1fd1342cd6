"""Forms that speak the product's words: every error names its field ("问题描述最多 2000 字。").

Django's stock messages ("确保该变量最多包含 2000 个字符…", "这个字段是必填项。")
do not say which field they are about on a phone, where the message may sit far from
its box. ``Form`` and ``ModelForm`` here replace the stock messages of every field — the
required, choice and format errors and the length and range validators — with one that
names the field by its label. A message a form sets itself is left alone.
"""

from __future__ import annotations

import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# "称呼（选填）" → "称呼"; "照片（选填，最多 3 张）" → "照片"; "Name (optional)" → "Name".
_ASIDE = re.compile(r"\s*[（(].*?[)）]\s*")


def field_name(field: forms.Field, fallback: str) -> str:
    label = str(field.label) if field.label else fallback.replace("_", " ")
    return _ASIDE.sub("", label).strip().rstrip("：:").replace("%", "%%") or fallback


def _is_stock(field: forms.Field, key: str) -> bool:
    """True when ``field``'s message for ``key`` is Django's own, not one a form set."""
    current = field.error_messages.get(key)
    if current is None:
        return False
    for klass in type(field).__mro__:
        stock = getattr(klass, "default_error_messages", {}).get(key)
        if stock is not None and str(stock) == str(current):
            return True
    return False


def word(field: forms.Field, name: str) -> None:
    """Give ``field`` the product's messages (in the language active now)."""
    what = field_name(field, name)
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    uploading = isinstance(field, forms.FileField)
    if _is_stock(field, "required"):
        if uploading:
            field.error_messages["required"] = _("请上传%(field)s。") % {"field": what}
        elif choosing:
            field.error_messages["required"] = _("请选择%(field)s。") % {"field": what}
        else:
            field.error_messages["required"] = _("请填写%(field)s。") % {"field": what}
    if _is_stock(field, "invalid_choice"):
        field.error_messages["invalid_choice"] = _("请从列表中选择%(field)s。") % {"field": what}
    if _is_stock(field, "invalid"):
        field.error_messages["invalid"] = _("%(field)s的格式不正确。") % {"field": what}
    field.validators = [_worded_validator(v, what) for v in field.validators]


def _worded_validator(validator, what: str):
    kinds = (
        (validators.MaxLengthValidator, _("%(field)s最多 %%(limit_value)d 字。")),
        (validators.MinLengthValidator, _("%(field)s至少 %%(limit_value)d 字。")),
        (validators.MaxValueValidator, _("%(field)s不能大于 %%(limit_value)s。")),
        (validators.MinValueValidator, _("%(field)s不能小于 %%(limit_value)s。")),
    )
    for kind, message in kinds:
        if type(validator) is kind and validator.message == kind.message:
            return kind(validator.limit_value, message=message % {"field": what})
    return validator


def _attrs_html(attrs: dict) -> str:
    """Django's ``attrs.html``: ``True`` → the bare name, ``False`` → left out."""
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(value)}"')
    return "".join(out)


class QuickSelect(forms.Select):
    """``forms.Select`` drawn in Python: the same HTML as Django's ``select.html`` (option
    groups, the first match selected, every attribute), without rendering a template per
    option. A board's five filter selects took 2 ms a request through the templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        has_selected = False
        parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(final)}>']
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{conditional_escape(group_value)}">')
                choices, closing = group_label, "\n  </optgroup>"
            else:
                choices, closing = [(group_value, group_label)], ""
            for option_value, option_label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = not has_selected and option_value in chosen
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(option_value)}"'
                    f"{' selected' if selected else ''}>{conditional_escape(option_label)}</option>"
                )
            parts.append(closing)
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class QuickRadioSelect(forms.RadioSelect):
    """``forms.RadioSelect`` drawn in Python, the same HTML as Django's ``radio.html``
    (a ``<div>`` per option, the label wrapping the input); flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        base_id = final.get("id")
        has_selected = False
        head = f' id="{conditional_escape(base_id)}"' if base_id else ""
        if final.get("class"):
            head += f' class="{conditional_escape(final["class"])}"'
        parts = [f"<div{head}>"]
        for index, (option_value, option_label) in enumerate(self.choices):
            option_value = "" if option_value is None else str(option_value)
            option = dict(final)
            if base_id:
                option["id"] = self.id_for_label(base_id, str(index))
            selected = not has_selected and option_value in chosen
            has_selected |= selected
            if selected:
                option["checked"] = True
            label_for = f' for="{conditional_escape(option["id"])}"' if base_id else ""
            parts.append(
                f'<div>\n    <label{label_for}><input type="radio"'
                f' name="{conditional_escape(name)}"'
                f' value="{conditional_escape(option_value)}"{_attrs_html(option)}>\n'
                f" {conditional_escape(option_label)}</label>\n\n</div>"
            )
        parts.append("\n</div>")
        return mark_safe("".join(parts))


def _grouped(field: forms.Field) -> bool:
    return any(isinstance(label, (list, tuple)) for _value, label in field.widget.choices)


class ProductWording:
    """Mixin for a form class: its fields' stock messages become the product's, and its
    plain selects and radio buttons are drawn by ``QuickSelect`` / ``QuickRadioSelect``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            word(field, name)
            if type(field.widget) is forms.Select:
                field.widget.__class__ = QuickSelect
            elif type(field.widget) is forms.RadioSelect and not _grouped(field):
                field.widget.__class__ = QuickRadioSelect


class Form(ProductWording, forms.Form):
    pass


class ModelForm(ProductWording, forms.ModelForm):
    pass


# --- photos -------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3  # per upload (an order's report, result or follow-up; orders.services)


def _checked_photo(field: forms.ImageField, f, initial):
    """One upload: no larger than 5 MB and a real image (Pillow opens it), else a clear
    message naming the file."""
    if f.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("照片“%(name)s”超过 5 MB，请压缩后再上传。"), params={"name": f.name}
        )
    return forms.ImageField.clean(field, f, initial)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Up to ``MAX_PHOTOS`` images, each a real image no larger than 5 MB."""

    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/*")

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)s 张照片。"), params={"n": MAX_PHOTOS})
        return [_checked_photo(self, f, initial) for f in files]


class PhotoField(forms.ImageField):
    """One optional image (a fulfilment's photo), checked like ``MultipleImageField``'s."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/*")

    def clean(self, data, initial=None):
        if not data:
            return super().clean(data, initial)
        return _checked_photo(self, data, initial)
