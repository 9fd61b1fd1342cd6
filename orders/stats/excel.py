"""Tables as .xlsx downloads (openpyxl): Chinese headers, the period in the file name."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in "=+-@":
        return "'" + value  # never a formula from user text
    return value


def workbook_bytes(*, title: str, headers: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(*, filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    response = HttpResponse(workbook_bytes(title=title, headers=headers, rows=rows), XLSX)
    ascii_name = "sidan-export.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
