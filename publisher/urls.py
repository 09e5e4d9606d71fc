from django.urls import path

from publisher import views

app_name = "publisher"
urlpatterns = [path("", views.index, name="index")]
