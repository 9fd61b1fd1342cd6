from django.http import Http404
from django.urls import path


def track(request, token):
    raise Http404


urlpatterns = [path("t/<str:token>/", track, name="track")]
