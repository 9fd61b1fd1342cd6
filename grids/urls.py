from django.urls import path

from grids import views
from grids.disputes import views as dispute_views
from grids.visits import views as visit_views

app_name = "grids"

urlpatterns = (
    [
        path("areas/", views.area_tree, name="area_tree"),
        path("areas/import/", views.area_import, name="area_import"),
        path("areas/import/preview/", views.area_import_preview, name="area_import_preview"),
        path("areas/import/confirm/", views.area_import_confirm, name="area_import_confirm"),
    ]
    + visit_views.urlpatterns
    + dispute_views.urlpatterns
)
