from django.urls import path

from newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("preferences/mine/", views.my_preferences, name="my-preferences"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]
