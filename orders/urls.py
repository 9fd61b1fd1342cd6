from orders.views import public, qrcodes, staff, supervision

app_name = "orders"

urlpatterns = public.urlpatterns + staff.urlpatterns + qrcodes.urlpatterns + supervision.urlpatterns
