"""Default time limits from hotline practice, and the 2026 public holidays.

The 2026 holidays and make-up working days are as published by the State Council
(国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04); verify and enter each new year
in the admin (节假日与调休).
"""

from datetime import date, timedelta

from django.db import migrations

# Categories handled as water/power/gas/heating or safety hazards: 24 hours round the clock.
UTILITIES = {"utilities", "hazard"}
# Complex matters: 15 working days.
COMPLEX = {"dispute", "elderly", "other"}


def policy_rows(code: str):
    """(urgency, sign_limit, sign_unit, resolve_limit, resolve_unit) for one category."""
    if code in UTILITIES:
        normal = (1, "working_days", 24, "hours")
        urgent = (2, "working_hours", 24, "hours")
    elif code in COMPLEX:
        normal = (1, "working_days", 15, "working_days")
        urgent = (2, "working_hours", 15, "working_days")
    else:
        normal = (1, "working_days", 7, "working_days")
        urgent = (2, "working_hours", 7, "working_days")
    # An emergency (特急) is resolved within 2 hours round the clock, so it must be signed
    # for within 1 hour round the clock (2 working hours could fall after the 2-hour limit).
    emergency = (1, "hours", 2, "hours")
    return [("normal", *normal), ("urgent", *urgent), ("emergency", *emergency)]


def _span(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


HOLIDAYS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKDAYS_2026 = [
    ("元旦调休上班", date(2026, 1, 4)),
    ("春节调休上班", date(2026, 2, 14)),
    ("春节调休上班", date(2026, 2, 28)),
    ("劳动节调休上班", date(2026, 5, 9)),
    ("国庆节调休上班", date(2026, 9, 20)),
    ("国庆节调休上班", date(2026, 10, 10)),
]


def seed(apps, schema_editor):
    Category = apps.get_model("orders", "Category")
    DeadlinePolicy = apps.get_model("orders", "DeadlinePolicy")
    CalendarDay = apps.get_model("orders", "CalendarDay")
    for category in Category.objects.all():
        for urgency, sign_limit, sign_unit, resolve_limit, resolve_unit in policy_rows(category.code):
            DeadlinePolicy.objects.get_or_create(
                category=category,
                urgency=urgency,
                defaults={
                    "sign_limit": sign_limit,
                    "sign_unit": sign_unit,
                    "resolve_limit": resolve_limit,
                    "resolve_unit": resolve_unit,
                },
            )
    for name, first, last in HOLIDAYS_2026:
        for day in _span(first, last):
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name})
    for name, day in WORKDAYS_2026:
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": "workday", "name": name})


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_deadlines")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
