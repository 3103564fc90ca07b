"""allauth's account pages, in front of Oscar's URLs that they replace."""

from django.urls import include, path

from accounts import views

# Mounted at /accounts/ before Oscar's customer URLs (bookshop/urls.py). Oscar's login and
# logout share allauth's paths, so `customer:login` already leads to allauth's sign-in.
urlpatterns = [
    path("register/", views.moved, {"to": "account_signup"}),
    path("change-password/", views.moved, {"to": "account_change_password"}),
    # In place of Oscar's profile pages: its delete removes the user row, which the payment
    # records (through the baskets) protect; ours keeps the orders, anonymised.
    path("profile/", views.profile, name="account-profile"),
    # Oscar's edit form changed the email address without verifying it.
    path("profile/edit/", views.moved, {"to": "account-profile"}),
    path("profile/delete/", views.close_account, name="account-close"),
    path("profile/export/", views.export_account, name="account-export"),
    path("orders/<str:order_number>/buy-again/", views.buy_again_view, name="account-buy-again"),
    path("", include("allauth.urls")),
]

# Mounted before each admin UI's own URLs.
admin_login_urls = [
    path("admin/login/", views.admin_login, {"home": "/admin/"}, name="wagtail-login"),
    path("dashboard/login/", views.admin_login, {"home": "/dashboard/"}, name="dashboard-login"),
    path("django-admin/login/", views.admin_login, {"home": "/django-admin/"}, name="django-admin-login"),
    # Oscar's password reset lived at the site root.
    path("password-reset/", views.moved, {"to": "account_reset_password"}),
]
