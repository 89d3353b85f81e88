"""The compose file and Procfile are not run here (no Docker engine): check what we can."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_parses_and_names_the_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= services.keys()
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."  # one image, from the YAML anchor
        assert services[name]["env_file"] == ".env"
    assert "celery -A backend worker" in services["worker"]["command"]
    assert "celery -A backend beat" in services["beat"]["command"]


def test_procfile_runs_web_worker_and_beat():
    entries = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(entries) == {"web", "worker", "beat"}
    assert "gunicorn backend.wsgi" in entries["web"]


def test_every_env_variable_read_is_documented():
    import re

    documented = (ROOT / ".env.example").read_text()
    read = set()
    for path in (ROOT / "backend").rglob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*["\']([A-Z_]+)["\']', path.read_text()))
    missing = {name for name in read if name not in documented}
    assert not missing, f"undocumented environment variables: {sorted(missing)}"


def test_dockerfile_builds_the_same_coach_static_files_as_make():
    import re

    def vendored(text: str) -> set[str]:
        return set(re.findall(r"node_modules/([\w./-]+\.js)", text))

    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert vendored(dockerfile) and vendored(dockerfile) == vendored(makefile)
    assert "COPY --from=coach-static" in dockerfile  # before collectstatic
    assert dockerfile.index("COPY --from=coach-static") < dockerfile.index("collectstatic")
