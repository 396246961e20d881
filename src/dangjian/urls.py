"""Top-level URL map: every route is an explicit path() so it can be found by grepping."""

from django.contrib import admin
from django.urls import include, path

from dangjian.api import api
from dangjian.core import converters  # noqa: F401  registers <id:…> before any route below uses it
from dangjian.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("dangjian.accounts.urls")),
    path("core/", include("dangjian.core.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("life/", include("dangjian.life.urls")),
    path("development/", include("dangjian.development.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("dual-reporting/", include("dangjian.dual_reporting.urls")),
    path("volunteering/", include("dangjian.volunteering.urls")),
    path("posts/", include("dangjian.service_posts.urls")),
    path("publicity/", include("dangjian.publicity.urls")),
    path("proposals/", include("dangjian.proposals.urls")),
    path("mailbox/", include("dangjian.mailbox.urls")),
    path("activities/", include("dangjian.activities.urls")),
    path("help-pairs/", include("dangjian.help_pairs.urls")),
    path("privacy/", include("dangjian.privacy.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("member-points/", include("dangjian.member_points.urls")),
    path("demonstration/", include("dangjian.demonstration.urls")),
    path("learning/", include("dangjian.learning.urls")),
    path("evaluation/", include("dangjian.evaluation.urls")),
    path("deliberation/", include("dangjian.deliberation.urls")),
    path("dashboard/", include("dangjian.dashboard.urls")),
    path("search/", include("dangjian.search.urls")),
    path("elections/", include("dangjian.elections.urls")),
    path("service/", include("dangjian.service.urls")),
    path("portal/posts/", include("dangjian.service_posts.public_urls")),
    path("portal/announcements/", include("dangjian.publicity.public_urls")),
    path("portal/proposals/", include("dangjian.proposals.public_urls")),
    path("portal/mailbox/", include("dangjian.mailbox.public_urls")),
    path("portal/rating/", include("dangjian.evaluation.public_urls")),
    path("portal/deliberation/", include("dangjian.deliberation.public_urls")),
    path("portal/", include("dangjian.portal.urls")),
    path("mine/", include("dangjian.mine.urls")),
    path("open311/v2/", include("dangjian.service.open311_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Error pages in the site's frame and the reader's language (core.errors); the API and Open311
# keep JSON answers, the portal gets its own frame.
handler403 = "dangjian.core.errors.permission_denied"
handler404 = "dangjian.core.errors.page_not_found"
handler500 = "dangjian.core.errors.server_error"
