"""schemathesis against a live gunicorn on PostgreSQL, with two users as peers so that its
`object_level_authorization` check looks for BOLA. Fixed seed, bounded examples.

    python tests/e2e/fuzz/run_schemathesis.py [--max-examples N]

Exits non-zero on any server error or BOLA finding. Run by `make fuzz` and by CI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from support import access_token, gunicorn, setup_django  # noqa: E402

SEED = 20261126


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ["THROTTLE_USER"] = "1000000/min"
    os.environ["THROTTLE_ANON"] = "1000000/min"
    setup_django("lowtide_fuzz")
    from django.db import connection

    from apps.accounts.services import user_register

    users = {
        name: user_register(
            email=f"{name}@fuzz.local", password="fuzz-pass-2026-x", timezone_name=tz
        )
        for name, tz in (("alice", "Europe/Berlin"), ("bob", "Asia/Kolkata"))
    }
    tokens = {name: access_token(user) for name, user in users.items()}
    connection.close()
    with tempfile.TemporaryDirectory() as tmp:
        auth = Path(tmp) / "auth.json"
        auth.write_text(
            json.dumps(
                {
                    "auth": [
                        {
                            "name": name,
                            "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {t}"}],
                        }
                        for name, t in tokens.items()
                    ]
                }
            )
        )
        config = Path(tmp) / "schemathesis.toml"
        config.write_text(
            f'[auth.wfc]\npath = "{auth}"\npeers = ["alice", "bob"]\n'
            "[generation]\nallow-x00 = false\n"
        )
        with gunicorn(workers=2) as base:
            command = [
                str(Path(sys.executable).parent / "schemathesis"),
                "--no-color",
                "--config-file",
                str(config),
                "run",
                f"{base}/api/schema/?format=json",
                "--checks",
                "not_a_server_error,object_level_authorization",
                "--max-examples",
                str(args.max_examples),
                "--seed",
                str(SEED),
                "--workers",
                str(args.workers),
                "--request-timeout",
                "30",
            ]
            print("$", " ".join(command[1:]), flush=True)
            return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
