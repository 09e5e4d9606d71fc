from django.core.management.base import BaseCommand

from core.demo import seed
from core.env import envint


class Command(BaseCommand):
    help = "Create (or keep) the demo tenant, its users and a published API on the mock provider."

    def add_arguments(self, parser) -> None:
        default_mock = f"http://127.0.0.1:{envint('MOCK_PORT', 8090)}"
        parser.add_argument("--mock-url", default=default_mock)

    def handle(self, *args, mock_url: str, **options) -> None:
        info = seed(mock_url)
        self.stdout.write(f"Demo tenant '{info.tenant}' ready; users: {', '.join(info.passwords)}.")
