from django.core.management.base import BaseCommand

from core.demo import seed
from core.env import envint, envstr


class Command(BaseCommand):
    help = (
        "Create (or keep) the demo tenant, its users and a published API on the demo upstream "
        "(a stand-in for the LLM vendors)."
    )

    def add_arguments(self, parser) -> None:
        local = f"http://127.0.0.1:{envint('MOCK_PORT', 8090)}"
        parser.add_argument("--mock-url", default=envstr("DEMO_UPSTREAM_URL", local))
        parser.add_argument(
            "--show-logins",
            action="store_true",
            help="Also print the demo users' passwords and the demo key (for the compose demo).",
        )

    def handle(self, *args, mock_url: str, show_logins: bool, **options) -> None:
        info = seed(mock_url)
        self.stdout.write(f"Demo tenant '{info.tenant}' ready; users: {', '.join(info.passwords)}.")
        if show_logins:
            for user, password in info.passwords.items():
                self.stdout.write(f"  {user:<10} password {password}")
            self.stdout.write(f"  demo API /{info.api_route}  key {info.production_key}")
