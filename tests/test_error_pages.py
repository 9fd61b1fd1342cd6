"""The error pages: friendly, in Chinese, pointing home and to the resident form, and
renderable without the context a failed request may lack."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory
from django.views import defaults


@pytest.mark.django_db
def test_an_unknown_url_shows_the_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page
    assert 'href="/r/"' in page and 'href="/"' in page
    assert "/static/css/sidan.css" in page


@pytest.mark.django_db
def test_an_out_of_scope_order_shows_the_same_404(client, settings, django_user_model):
    settings.DEBUG = False
    client.force_login(django_user_model.objects.create_user("nobody", password="pw"))
    response = client.get("/staff/orders/99999999999999999999/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()


def test_the_500_page_renders_with_an_empty_context():
    page = loader.get_template("500.html").render({})
    assert "系统暂时出错了" in page
    assert 'href="/static/css/sidan.css"' in page and 'href="/r/"' in page
    assert "{%" not in page and "{{" not in page


@pytest.mark.parametrize(
    ("view", "status", "text"),
    [
        (defaults.bad_request, 400, "这个请求无法处理"),
        (defaults.permission_denied, 403, "无法完成这个操作"),
        (defaults.page_not_found, 404, "找不到这个页面"),
        (defaults.server_error, 500, "系统暂时出错了"),
    ],
)
def test_each_error_page_renders_for_a_bare_request(view, status, text):
    """No middleware ran (a 400 can come from the host check): no user, no session."""
    request = RequestFactory().get("/x/")
    response = view(request) if view is defaults.server_error else view(request, Exception("boom"))
    assert response.status_code == status
    assert text in response.content.decode()
