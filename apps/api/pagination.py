from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Opaque cursors: stable under inserts, cheap on large tables (API.md: 100, max 1000)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-created_at"


class TimeCursorPagination(CursorPagination):
    """Time-series lists: oldest first by the field the view names in `ordering`."""

    ordering = "created_at"
