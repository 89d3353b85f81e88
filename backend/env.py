"""The one place that reads the process environment (DESIGN.md rule 10).

Every variable is documented in `.env.example`. A `.env` file beside manage.py is read
when present, so `make up` and docker-compose share one configuration.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv), overwrite=False)

__all__ = ["BASE_DIR", "env"]
