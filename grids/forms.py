from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from grids.importing import MAX_FILE_BYTES


class AreaImportForm(core_forms.Form):
    file = forms.FileField(
        label=_("区域文件"),
        help_text=_(
            "Excel（.xlsx）或 CSV（UTF-8 / GBK），列：编码、名称、层级、上级编码；"
            "最大 5 MB，最多 20000 行。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件太大，最多 5 MB。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload
