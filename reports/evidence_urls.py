from django.urls import path

from reports import evidence_views

# Mounted under /learners/.
urlpatterns = [
    path("<int:pk>/evidence-pack/", evidence_views.evidence_pack, name="evidence_pack"),
]
