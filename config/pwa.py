"""The resident web app's service worker, served at the site root so it may control the
resident pages (``/r/``, ``/t/``, ``/me/``, ``/wall/``); the script is templates/sw.js."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # Registered as /sw.js?lang=<the page's language>: the offline notice follows the page
    # the resident was reading, not the browser's Accept-Language. Anything else: ignored.
    lang = request.GET.get("lang", "")
    if lang in dict(settings.LANGUAGES):
        with translation.override(lang):
            return _service_worker(request)
    return _service_worker(request)


def _service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "offline_title": _("网络已断开"),
        "offline_text": _(
            "您在点单页填写的内容已保存在这部手机上（手机号、称呼和验证码除外），"
            "恢复网络后重新打开点单页即可继续提交。"
        ),
        "offline_retry": _("重新打开点单页"),
        "version": "",
    }
    body = render_to_string("sw.js", context, request=request)
    # The cache name follows the script's content (the static URLs are hashed in production).
    context["version"] = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = render_to_string("sw.js", context, request=request)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
