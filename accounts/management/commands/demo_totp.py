from django.core.management.base import BaseCommand

from accounts.demo import current_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo login (development only; refused under "
        "DJANGO_ENV=production). Stands in for an authenticator app on a newcomer's machine."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        self.stdout.write(current_code(username=username))
