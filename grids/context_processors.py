from django.http import HttpRequest

from grids.access import access_for
from grids.navigation import account_for, menu_for, navigation_for


def staff_navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    nav = navigation_for(access)
    return {
        "staff_access": access,
        "staff_nav": nav,
        "staff_menu": menu_for(nav),
        "staff_account": account_for(nav),
    }
