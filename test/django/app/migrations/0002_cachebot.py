"""Track the app's tables with cachebot: what a Django project adds to opt in.

CREATE EXTENSION needs a superuser (or create it once, by hand, beforehand);
track() needs ownership of the table. Keyed columns are track()'s defaults:
the primary key, every column leading an index, every foreign key.
"""
from django.db import migrations

TABLES = ['app_user', 'app_photo', 'app_message']


class Migration(migrations.Migration):
    dependencies = [('app', '0001_initial')]

    operations = [
        migrations.RunSQL('CREATE EXTENSION IF NOT EXISTS cachebot', migrations.RunSQL.noop),
    ] + [
        migrations.RunSQL("SELECT cachebot.track('%s')" % t, "SELECT cachebot.untrack('%s')" % t)
        for t in TABLES
    ]
