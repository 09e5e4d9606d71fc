from django.urls import path

from devportal import views

app_name = "devportal"
urlpatterns = [path("", views.index, name="index")]
