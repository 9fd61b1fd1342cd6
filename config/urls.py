from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import health, pwa
from grids import views as grid_views

urlpatterns = [
    path("", grid_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("grids/", include("grids.urls")),
    path("open311/v2/", include("open311.urls")),
    path("party/", include("parties.urls")),
    path("", include("orders.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
