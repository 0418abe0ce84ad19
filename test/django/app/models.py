"""django-cachebot's README models: users, their photos, messages about photos."""
from django.db import models

from .cache import CacheQuerySet


class User(models.Model):
    username = models.CharField(max_length=150, unique=True)
    objects = CacheQuerySet.as_manager()


class Photo(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    status = models.IntegerField()
    title = models.CharField(max_length=100, default='')
    objects = CacheQuerySet.as_manager()


class Message(models.Model):
    sender = models.ForeignKey(User, on_delete=models.CASCADE)
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE)
    text = models.TextField()
    objects = CacheQuerySet.as_manager()
