from django.urls import path

from orders.views import public, qrcodes, staff

app_name = "orders"

urlpatterns = public.urlpatterns + staff.urlpatterns + qrcodes.urlpatterns
