from django.http import HttpRequest

from grids.access import access_for
from grids.navigation import navigation_for


def staff_navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    return {"staff_access": access, "staff_nav": navigation_for(access)}
