import time

from django.core.management.base import BaseCommand

from accounts.demo import enrol_demo_devices, refuse_in_production
from demo.grid_work import build_demo_grid_work
from demo.joint import build_demo_joint
from demo.orders import build_demo_orders
from demo.party import build_demo_party
from demo.street import build_demo
from demo.units import build_demo_units
from grids.models import Area, AreaLevel
from orders.qr import area_public_url


class Command(BaseCommand):
    help = (
        "Load the Luoxing demo street (1+13+69+91+2826), member units, demo logins and a few "
        "hundred orders in every status. Safe to rerun."
    )

    def handle(self, *args, **options) -> None:
        refuse_in_production("load_demo")
        started = time.monotonic()
        report = build_demo()
        orders = build_demo_orders()
        grid = build_demo_grid_work()
        party = build_demo_party()
        alliance = build_demo_units()
        joint = build_demo_joint()
        # The dashboards read the figures' rollup; build it now rather than at beat's next tick.
        from orders.stats import rollup

        rollup.fill(full=True)
        elapsed = time.monotonic() - started
        made = "already there" if orders.skipped else f"{orders.created} orders"
        grid_work = (
            "already there"
            if grid.skipped
            else f"{grid.households} households, {grid.visits} visits, {grid.disputes} disputes, "
            f"{grid.meetings} meetings, {grid.projects} projects, {grid.notices} notices"
        )
        party_work = (
            "already there"
            if party.skipped
            else f"{party.members} members, {party.wishes} wishes, "
            f"{party.commitments} commitments, {party.pool_orders} pool orders"
        )
        alliance_work = (
            "already there"
            if alliance.skipped
            else f"{alliance.resources} resources, {alliance.demands} demand items, "
            f"{alliance.projects} projects, {alliance.party_orgs} party organisations"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report.areas_created} areas, {report.units_created} member units, "
                f"{report.users_created} users, {report.posts_created} posts; demo orders: {made} "
                f"; grid work: {grid_work}; party: {party_work}; alliance: {alliance_work} "
                f"in {elapsed:.1f}s."
            )
        )
        joint_work = (
            "already there"
            if joint.skipped
            else f"{joint.departments} departments, {joint.whistles} whistles, "
            f"{joint.cohandled} co-handlers"
        )
        self.stdout.write(f"Departments and co-handling: {joint_work}.")
        rows = [("username", "role", "area", "password"), *report.logins, *joint.logins]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        enrolled = enrol_demo_devices(usernames=[row[0] for row in report.logins])
        if enrolled:
            self.stdout.write(
                "Two-factor login is required for these accounts; after the password, enter "
                "the 6-digit code that `python manage.py demo_totp USERNAME` prints, or add "
                "the secret to an authenticator app:"
            )
            for username, secret in enrolled:
                self.stdout.write(f"  {username}  secret {secret}  (demo_totp {username})")
        self._resident_hint()

    def _resident_hint(self) -> None:
        """Where a resident starts, and where the demo's one-time codes can be read."""
        microgrid = Area.objects.filter(level=AreaLevel.MICROGRID).order_by("path").first()
        if microgrid is None:
            return
        where = f"micro-grid {microgrid.code} {microgrid.name}"
        self.stdout.write(f"Resident form (the QR code of {where}): {area_public_url(microgrid)}")
        self.stdout.write(
            "One-time codes are never shown to staff; in the demo (`make run`) the worker log "
            "prints each SMS (look for 验证码) and the staff outbox page /staff/outbox/ "
            "(demo_dispatcher) shows it unmasked."
        )


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))
