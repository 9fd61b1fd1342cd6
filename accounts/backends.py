"""django-axes' lockout check, for logins that come with an HTTP request.

Every login page passes the request (Django's LoginView, the admin), so every attempt an
outsider can make is counted and locked out. Code that authenticates without a request
(the test client's ``login``, a management command) has no address to lock and is left to
the next backend, which checks the password as usual.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
