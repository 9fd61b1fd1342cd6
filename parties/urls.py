from parties.views import urlpatterns  # noqa: F401

app_name = "parties"
