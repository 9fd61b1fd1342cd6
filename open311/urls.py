from django.urls import path

from open311 import views

app_name = "open311"


def _both(route: str, view, name: str) -> list:
    """``route.json`` and ``route.xml`` (the standard's format suffix)."""
    return [
        path(f"{route}.{fmt}", view, {"fmt": fmt}, name=f"{name}_{fmt}") for fmt in ("json", "xml")
    ]


urlpatterns = [
    path("", views.discovery, {"fmt": "json"}, name="root"),
    path("openapi.json", views.openapi, {"fmt": "json"}, name="openapi"),
    *_both("discovery", views.discovery, "discovery"),
    *_both("services", views.service_list, "services"),
    *_both("services/<str:service_code>", views.service_definition, "service"),
    *_both("requests", views.requests, "requests"),
    *_both("requests/<str:request_id>", views.request_detail, "request"),
]
