from django.urls import path

from grids import views

app_name = "grids"

urlpatterns = [
    path("areas/", views.area_tree, name="area_tree"),
]
