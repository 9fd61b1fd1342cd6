"""URLs under config.settings.bench: the application's, plus the benchmark's ceiling view."""

from django.urls import path

from config import bench_views
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/ceiling/", bench_views.ceiling, name="bench_ceiling"), *app_urlpatterns]
