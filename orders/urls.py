from orders.views import (
    board,
    bulk,
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
    patch,
    pool,
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
    + bulk.urlpatterns
    + inbox.urlpatterns
    + patch.urlpatterns
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
    + pool.urlpatterns
    + dashboards.urlpatterns
    + units.urlpatterns
    + unit_reconcile.urlpatterns
    + unit_wall.urlpatterns
    + joint.urlpatterns
)
