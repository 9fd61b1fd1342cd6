"""Large order-list exports run as a Celery task on an ExportJob row: progress on the
job's page, the file downloadable only by the user who asked, read in their scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core import clock
from orders.models import ExportJob, ExportStatus
from orders.stats import exports
from tests.stats.test_dashboards import NOW, month, sheet  # noqa: F401  (fixture)


def export_params(w, **extra):
    return {"area": w.street.code, "month": "2026-03", "figure": "received", **extra}


@pytest.fixture
def small_limit(settings):
    settings.SIDAN_EXPORT_SYNC_MAX_ROWS = 2


def test_a_long_list_exports_in_the_background_and_only_its_owner_downloads_it(
    month,  # noqa: F811
    client,
    small_limit,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    w = month.world
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(reverse("orders:stats_orders"), export_params(w, format="xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:export_job", args=[job.pk])
    assert (job.status, job.rows_total, job.user) == (ExportStatus.QUEUED, 6, w.street_official)
    assert "format" not in job.params and job.filename == "罗星街道_2026-03_受理的工单.xlsx"
    # Before the task runs the page shows progress and polls itself.
    with django_assert_max_num_queries(6):
        page = client.get(reverse("orders:export_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "export-download" not in page
    assert client.get(reverse("orders:export_download", args=[job.pk])).status_code == 404
    with clock.travel_to(NOW):
        for callback in queued:  # the worker picks the task up
            callback()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.percent) == (ExportStatus.DONE, 6, 100)
    partial = client.get(reverse("orders:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert (
        "every 2s" not in partial.content.decode() and "export-download" in partial.content.decode()
    )
    download = client.get(reverse("orders:export_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = sheet(download)
    assert rows[0][0] == "编号"
    assert {r[0] for r in rows[1:]} == {
        getattr(month, o).reference for o in ("a", "b", "c", "d", "e", "f")
    }
    # Nobody else sees the job or its file, not even staff of the same street.
    client.force_login(w.dispatcher)
    assert client.get(reverse("orders:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("orders:export_download", args=[job.pk])).status_code == 404


def test_a_short_list_downloads_at_once(month, client):  # noqa: F811
    w = month.world
    client.force_login(w.street_official)
    with clock.travel_to(NOW):
        response = client.get(reverse("orders:stats_orders"), export_params(w, format="xlsx"))
    assert response.status_code == 200 and not ExportJob.objects.exists()
    assert len(sheet(response)) == 7


def test_the_task_runs_once_and_reads_in_the_askers_scope_when_it_runs(month):  # noqa: F811
    w = month.world
    with clock.travel_to(NOW):
        job = ExportJob.objects.create(
            user=w.dispatcher, params=export_params(w), filename="x.xlsx"
        )
        # The dispatcher's scope is their community, not the street: the export is refused.
        assert exports.run(job.pk) == "failed"
        job.refresh_from_db()
        assert job.status == ExportStatus.FAILED and "无权" in job.error and not job.file
        assert exports.run(job.pk) == "skipped"  # a redelivered task does nothing
        ok = ExportJob.objects.create(
            user=w.dispatcher,
            params={"area": w.community.code, "month": "2026-03"},
            filename="y.xlsx",
        )
        assert exports.run(ok.pk) == "done"
        assert exports.run(ok.pk) == "skipped"
    ok.refresh_from_db()
    assert ok.rows_done == 5 and ok.file.name.startswith("exports/")


def test_a_job_of_another_user_or_unknown_answers_404(month, client):  # noqa: F811
    client.force_login(month.world.street_official)
    assert client.get(reverse("orders:export_job", args=[999])).status_code == 404
    assert client.get(reverse("orders:export_download", args=[999])).status_code == 404


def test_old_exports_are_purged_with_their_files(month, settings):  # noqa: F811
    from datetime import timedelta

    w = month.world
    with clock.travel_to(NOW):
        job = ExportJob.objects.create(
            user=w.dispatcher, params={"area": w.community.code, "month": "2026-03"}
        )
        exports.run(job.pk)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    with clock.travel_to(NOW + timedelta(hours=settings.SIDAN_EXPORT_KEEP_HOURS - 1)):
        assert exports.purge() == 0
    with clock.travel_to(NOW + timedelta(hours=settings.SIDAN_EXPORT_KEEP_HOURS + 1)):
        assert exports.purge() == 1
    assert not storage.exists(name) and not ExportJob.objects.exists()


def test_the_board_and_the_patch_list_export_under_their_filters(month, client, settings):  # noqa: F811
    from orders.models import Category

    w = month.world
    client.force_login(w.dispatcher)
    facility = Category.objects.get(code="facility")
    with clock.travel_to(NOW):
        page = client.get(reverse("orders:staff_board"), {"queue": "all"}).content.decode()
        assert 'id="export-board"' in page and "format=xlsx" in page
        rows = sheet(
            client.get(
                reverse("orders:staff_board"),
                {"queue": "all", "category": facility.pk, "format": "xlsx"},
            )
        )
    assert rows[0][0] == "编号"
    # The board lists the dispatcher's community: A and F are its facility orders.
    assert {r[0] for r in rows[1:]} == {month.a.reference, month.f.reference}
    # Longer than the limit: an export job of kind "board", run in the asker's scope.
    settings.SIDAN_EXPORT_SYNC_MAX_ROWS = 1
    with clock.travel_to(NOW):
        response = client.get(reverse("orders:staff_board"), {"queue": "all", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == "board" and job.params["queue"] == "all"
    with clock.travel_to(NOW):
        assert exports.run(job.pk) == "done"
    job.refresh_from_db()
    assert job.rows_done == job.rows_total >= 2
    # 本片工单 of a grid worker exports too; a user without a board gets 404.
    client.force_login(w.property_manager)
    with clock.travel_to(NOW):
        assert client.get(reverse("orders:staff_board"), {"format": "xlsx"}).status_code == 404
        patch = client.get(reverse("orders:staff_patch"), {"queue": "all", "format": "xlsx"})
    assert patch.status_code in (200, 302)
