from django.core.management.base import BaseCommand

from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demo data (this year's programme, calls in every state, organisations, accounts)."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present.")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}): " + ", ".join(a[0] for a in DEMO_ACCOUNTS))
