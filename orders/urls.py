from orders.views import (
    board,
    callbacks,
    dashboards,
    detail,
    inbox,
    intake,
    joint,
    meetings,
    notices,
    outbox,
    party,
    projects,
    public,
    qrcodes,
    supervision,
    visits,
)

app_name = "orders"

urlpatterns = (
    public.urlpatterns
    + board.urlpatterns
    + inbox.urlpatterns
    + intake.urlpatterns
    + detail.urlpatterns
    + qrcodes.urlpatterns
    + supervision.urlpatterns
    + callbacks.urlpatterns
    + outbox.urlpatterns
    + visits.urlpatterns
    + meetings.urlpatterns
    + projects.urlpatterns
    + notices.urlpatterns
    + party.urlpatterns
    + dashboards.urlpatterns
    + joint.urlpatterns
)
