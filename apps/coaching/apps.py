from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "apps.coaching"
    label = "coaching"

    def ready(self) -> None:
        # After django.contrib.admin's ready() has imported every admin module.
        from django.contrib import admin

        from apps.coaching.admin_audit import audit_admin_site

        audit_admin_site(admin.site)
