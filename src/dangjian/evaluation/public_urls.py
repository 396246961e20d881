app_name = "evaluation_public"
urlpatterns = []
