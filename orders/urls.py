from django.urls import path

from orders.views import public, staff, supervision

app_name = "orders"

urlpatterns = public.urlpatterns + staff.urlpatterns + supervision.urlpatterns
