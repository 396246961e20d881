"""Pages of the two trees. Routes live in page_urls (tree pages) and import_urls (Excel)."""

from dangjian.orgs import import_urls, page_urls

app_name = "orgs"
urlpatterns = page_urls.urlpatterns + import_urls.urlpatterns
