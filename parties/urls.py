from parties.units import views as unit_views
from parties.views import urlpatterns as party_urlpatterns

app_name = "parties"

urlpatterns = party_urlpatterns + unit_views.urlpatterns
