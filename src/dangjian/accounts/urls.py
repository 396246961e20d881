"""Pages of the accounts app: sign in/out, two-step sign-in and the user's API tokens."""

from django.urls import path

from dangjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout, name="logout"),
    path("confirm/", views.reauth, name="reauth"),
    path("two-step/", views.totp_setup, name="totp_setup"),
    path("two-step/disable/", views.totp_disable, name="totp_disable"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
