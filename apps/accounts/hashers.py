"""Argon2id tuned for this hardware: ~0.1-0.2 s per hash on 2 cores instead of Django's ~0.6 s.

Parameters follow the OWASP floor (m ≥ 19 MiB, t ≥ 2); measured with
`python benchmarks/bench_password_hash.py`.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TunedArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 3
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 2
