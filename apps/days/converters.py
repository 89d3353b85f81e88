from datetime import date


class IsoDateConverter:
    """`YYYY-MM-DD` path segments as dates; impossible dates (2026-02-30) do not match (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date) -> str:
        return value.isoformat()
