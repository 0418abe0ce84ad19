"""QuerySet.cache(*fields): run a queryset's SELECTs with a cachebot hint.

    Photo.objects.cache('user').filter(user=user, status=2)

inserts /* cache(app_photo.user_id) */ right after the leading SELECT of
every statement the queryset runs (its prefetch_related queries included),
through connection.execute_wrapper. Fields are Django lookup paths
('user', 'message__sender'), turned into table.column; .cache() without
fields is /* cache */ (cachebot picks the keys).
"""
import re
from contextlib import contextmanager

from django.db import connections, models

_LEADING_SELECT = re.compile(r'^\s*SELECT\b', re.IGNORECASE)


def _column(model, path):
    """'message__sender' on Photo -> 'app_message.sender_id'."""
    *hops, last = path.split('__')
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    field = model._meta.get_field(last)
    if not getattr(field, 'column', None):
        raise ValueError('cache(%r): %s is not a column' % (path, last))
    return '%s.%s' % (model._meta.db_table, field.column)


def hint(model, fields):
    if not fields:
        return '/* cache */'
    return '/* cache(%s) */' % ', '.join(_column(model, f) for f in fields)


class CacheQuerySet(models.QuerySet):
    _cache_hint = None

    def cache(self, *fields):
        clone = self._chain()
        clone._cache_hint = hint(self.model, fields)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._cache_hint = self._cache_hint
        return clone

    @contextmanager
    def _hinted(self):
        if self._cache_hint is None:
            yield
            return
        text = self._cache_hint

        def add_hint(execute, sql, params, many, context):
            sql = _LEADING_SELECT.sub(lambda m: m.group(0) + ' ' + text, sql, count=1)
            return execute(sql, params, many, context)

        with connections[self.db].execute_wrapper(add_hint):
            yield

    # Every way a queryset runs SQL: iteration (and so get(), first(),
    # list(), prefetch_related), iterator(), count(), aggregate(), exists().
    def _fetch_all(self):
        with self._hinted():
            super()._fetch_all()

    def iterator(self, chunk_size=2000):
        with self._hinted():
            yield from super().iterator(chunk_size)

    def count(self):
        with self._hinted():
            return super().count()

    def aggregate(self, *args, **kwargs):
        with self._hinted():
            return super().aggregate(*args, **kwargs)

    def exists(self):
        with self._hinted():
            return super().exists()
