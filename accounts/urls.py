from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # The same address and name as Django's login view in config.urls, with the e-mail form; found first.
    path("login/", views.LoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("verify/resend/", views.resend, name="resend"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
