from django.core.management.base import BaseCommand

from apps.demo.services import DEMO_COACH, DEMO_MEMBER, DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create the demo member and coach with history (idempotent)."

    def handle(self, *args, **options) -> None:
        self.stdout.write("==> Loading demo data")
        demo_seed(say=lambda line: self.stdout.write(f"    {line}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo logins (password {DEMO_PASSWORD}): member {DEMO_MEMBER}, coach {DEMO_COACH}"
            )
        )
