"""Routes of the volunteering app; each part keeps its own list (ledger, lists, matchmaking)."""

from django.urls import include, path

from dangjian.volunteering.ledger.urls import urlpatterns as ledger_urls
from dangjian.volunteering.lists.urls import urlpatterns as lists_urls
from dangjian.volunteering.matchmaking.urls import urlpatterns as matchmaking_urls

app_name = "volunteering"

urlpatterns = [
    path("", include(ledger_urls)),
    path("", include(lists_urls)),
    path("", include(matchmaking_urls)),
]
