"""The user admin: disabling a user (unticking "active" or the list action) ends their
sessions through the accounts services."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.services import sessions_end_for_user, users_disable

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    actions = ["disable_users"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            ended = sessions_end_for_user(user=obj)
            self.message_user(
                request, f"{obj.get_username()} is disabled; {ended} session(s) ended."
            )

    @admin.action(description="Disable the selected users and end their sessions")
    def disable_users(self, request, queryset):
        ended = users_disable(users=queryset.filter(is_active=True))
        self.message_user(
            request, f"Users disabled; {ended} session(s) ended.", level=messages.SUCCESS
        )
