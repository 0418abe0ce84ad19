"""Settings of the cachebot test project: one app, one PostgreSQL database.

The connection comes from libpq's environment (PGHOST, PGPORT, PGUSER); the
test runner creates the database test_<NAME>, migrates it and drops it.
"""
import os

SECRET_KEY = 'cachebot-tests'
USE_TZ = True
INSTALLED_APPS = ['app']
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
TEST_RUNNER = 'app.runner.Runner'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': os.environ.get('PGDATABASE', 'cachebot_django'),
        'HOST': os.environ.get('PGHOST', ''),
        'PORT': os.environ.get('PGPORT', ''),
        'USER': os.environ.get('PGUSER', ''),
        # Implicit caching: every session caches lookups that fix a unique
        # index (get(pk=...), get(username=...)) without a hint.
        'OPTIONS': {'options': '-c cachebot.cache_get=on'},
    },
}
