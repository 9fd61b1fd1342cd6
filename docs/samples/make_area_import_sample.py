"""Write area-import-sample.csv and .xlsx next to this script (run from the repo root:
``.venv/bin/python docs/samples/make_area_import_sample.py``)."""

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
HEADER = ["编码", "名称", "层级", "上级编码"]
ROWS = [
    ["HX", "横溪街道", "街道", ""],
    ["HX01", "东湖社区", "社区", "HX"],
    ["HX02", "西城社区", "社区", "HX"],
    ["HX01-G01", "第1网格", "网格", "HX01"],
    ["HX01-G02", "第2网格", "网格", "HX01"],
    ["HX02-G01", "第1网格", "网格", "HX02"],
    ["HX01-G01-C01", "桂花苑", "小区楼栋", "HX01-G01"],
    ["HX01-G02-C01", "翠竹花园", "小区楼栋", "HX01-G02"],
    ["HX02-G01-C01", "锦绣家园", "小区楼栋", "HX02-G01"],
    ["HX01-G01-C01-M001", "1栋1单元", "微网格", "HX01-G01-C01"],
    ["HX01-G01-C01-M002", "1栋2单元", "微网格", "HX01-G01-C01"],
    ["HX01-G02-C01-M001", "1栋1单元", "微网格", "HX01-G02-C01"],
    ["HX01-G02-C01-M002", "2栋1单元", "微网格", "HX01-G02-C01"],
    ["HX02-G01-C01-M001", "1栋1单元", "微网格", "HX02-G01-C01"],
    ["HX02-G01-C01-M002", "1栋2单元", "微网格", "HX02-G01-C01"],
]


def main() -> None:
    # UTF-8 with BOM so that Excel on Windows opens it with the right encoding.
    with open(HERE / "area-import-sample.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(ROWS)

    wb = Workbook()
    ws = wb.active
    ws.title = "区域"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ROWS:
        ws.append(row)
    for column, width in zip("ABCD", (22, 14, 10, 18)):
        ws.column_dimensions[column].width = width
    wb.save(HERE / "area-import-sample.xlsx")


if __name__ == "__main__":
    main()
