from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grids import selectors
from grids.access import access_for
from grids.roles import ROLE_GUIDE


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    posts = selectors.posts_for_user(user=request.user)
    guides = [
        ROLE_GUIDE[role] | {"role": role} for role in sorted(access.roles) if role in ROLE_GUIDE
    ]
    return render(request, "grids/home.html", {"posts": posts, "guides": guides, "access": access})


@login_required
def area_tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.scope_roots(user=request.user)
    focus = (
        selectors.area_for_user(user=request.user, code=request.GET.get("code"))
        if request.GET.get("code")
        else None
    )
    node = focus or (roots[0] if len(roots) == 1 else None)
    context = {
        "roots": roots,
        "node": node,
        "ancestors": selectors.area_ancestors(area=node) if node else [],
        "children": selectors.area_children_with_counts(area=node) if node else [],
    }
    return render(request, "grids/area_tree.html", context)
