from orders.views import (
    board,
    callbacks,
    dashboards,
    detail,
    inbox,
    intake,
    meetings,
    notices,
    outbox,
    party,
    projects,
    public,
    qrcodes,
    supervision,
    unit_reconcile,
    unit_wall,
    units,
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
    + units.urlpatterns
    + unit_reconcile.urlpatterns
    + unit_wall.urlpatterns
)
