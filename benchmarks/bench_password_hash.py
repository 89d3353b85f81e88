"""Argon2id cost of the production password hasher (target <= 250 ms per hash here).

python benchmarks/bench_password_hash.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")

import django

django.setup()

from apps.accounts.hashers import TunedArgon2PasswordHasher  # noqa: E402


def main() -> None:
    hasher = TunedArgon2PasswordHasher()
    hasher.encode("warm-up-password", hasher.salt())
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        encoded = hasher.encode("correct-horse-battery-9", hasher.salt())
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"argon2id t={hasher.time_cost} m={hasher.memory_cost} KiB p={hasher.parallelism}: "
        f"median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms per hash "
        f"(target <= 250 ms); {encoded.split('$')[1]} {encoded.split('$')[3]}"
    )


if __name__ == "__main__":
    main()
