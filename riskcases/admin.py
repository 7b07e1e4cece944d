from django.contrib import admin

from riskcases.models import Intervention, RiskFactor

# Ratings, contacts and plans are history: they are written through the app's services and
# are never edited here. Only the catalogues are maintained in the admin.


@admin.register(RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
