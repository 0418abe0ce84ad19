"""cachebot under the Django ORM: the queries of django-cachebot's README.

For each query shape (SHAPES) three kinds of test, each a method of its own
(in HitTests, FreshnessTests, PrecisionTests; or, when it needs a feature
cachebot does not have yet, in that feature's class: FEATURES, PENDING):

- test_hit_<shape>: a fresh QuerySet evaluated twice; the first evaluation is
  a miss that fills, the second a hit (cachebot.stats() deltas of exactly that
  evaluation), with the same result as caching off;
- test_fresh_after_<write>_<shape>: the result served from the cache, then a
  write to one of its rows (save(), delete(), QuerySet.update(),
  bulk_update(), bulk_create(), and for shapes reading app_user a save() of
  the user): the next evaluation, caching on, equals what it gives with
  caching off, and differs from before;
- test_other_users_photo_keeps_hit_<shape>: the seed's precision: a save() of
  another user's photo (status 2, not in the result) keeps the hit.

Every test runs in autocommit (TransactionTestCase, as the application does):
writes commit, and their commit is what invalidates.
"""
import os
import unittest
from unittest import mock

from django.db import connection
from django.db.models import Q, Sum
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from .cache import hint
from .models import Message, Photo, User

# The features some assertions need, each with its own test class. A feature
# listed in CACHEBOT_PENDING (comma-separated; empty by default: cachebot has
# them all) makes its tests expected failures, for trying a build without it;
# one that passes anyway fails the run (unexpected success).
FEATURES = {
    'join_keys': 'row keys derived through a join (a photo scan keyed by the '
                 'user_id or id values its join partner fixes)',
    'or_as_in': 'id = 1 OR id = 2 keyed like id IN (1, 2)',
    'limit_cache_get': 'cache_get caches a unique lookup with a LIMIT (get() sends LIMIT 21)',
    'cursors': 'a server-side cursor (iterator(): DECLARE ... CURSOR WITH HOLD) is cached',
}
PENDING = set(filter(None, os.environ.get(
    'CACHEBOT_PENDING', '').split(',')))
assert PENDING <= set(FEATURES), PENDING - set(FEATURES)


# ---- reading the counters ----

def stats():
    with connection.cursor() as cur:
        cur.execute('SELECT hits, misses, fills FROM cachebot.stats')
        return cur.fetchone()


def measured(evaluate):
    """evaluate()'s result and the counters it moved."""
    before = stats()
    result = evaluate()
    after = stats()
    return result, dict(zip(('hits', 'misses', 'fills'), (a - b for a, b in zip(after, before))))


def uncached(evaluate):
    with connection.cursor() as cur:
        cur.execute('SET cachebot.enabled = off')
    try:
        return evaluate()
    finally:
        with connection.cursor() as cur:
            cur.execute('SET cachebot.enabled = on')


# ---- the query shapes ----

def row(photo):
    return None if photo is None else (photo.id, photo.user_id, photo.status, photo.title)


def rows(photos):
    return sorted(row(p) for p in photos)


def got(pk, photos=Photo.objects):
    try:
        return row(photos.get(pk=pk))
    except Photo.DoesNotExist:
        return None


def client_cursor(evaluate):
    with mock.patch.dict(connection.settings_dict, {'DISABLE_SERVER_SIDE_CURSORS': True}):
        return evaluate()


class Shape:
    """A query and what is relevant to it.

    evaluate(t): a fresh QuerySet's result, comparable; statements: how many
    statements it sends; relevant(t): the photo of the result the writes
    change; new(t): objects whose bulk_create() changes the result (None:
    no row bulk_create could add shows);
    reads_users: the result depends on app_user rows; hit_feature /
    precision_feature: what the hit / the precision test needs (FEATURES)."""

    def __init__(self, name, evaluate, new, statements=1, relevant='d1',
                 reads_users=False, hit_feature=None, precision_feature=None):
        self.name, self.evaluate, self.new = name, evaluate, new
        self.statements, self.relevant_name = statements, relevant
        self.reads_users = reads_users
        self.hit_feature, self.precision_feature = hit_feature, precision_feature

    def relevant(self, t):
        return Photo.objects.get(pk=getattr(t, self.relevant_name).pk)


def new_david_photo(t):
    return [Photo(user=t.david, status=2, title='new')]


def new_missing_photo(t):
    return [Photo(id=t.missing, user=t.david, status=2, title='new')]


def new_david_message(t):
    return [Message(sender=t.david, photo=t.d2, text='new')]


SHAPES = [
    # the seed's query, narrowed to the user: Photo.objects.cache('user').filter(user=user, status=2)
    Shape('seed_user_status',
          lambda t: rows(Photo.objects.cache('user').filter(user=t.david, status=2)),
          new_david_photo),
    # a join: WHERE app_user.username = 'david'
    Shape('join_username',
          lambda t: rows(Photo.objects.cache('user').filter(user__username='david', status=2)),
          new_david_photo, reads_users=True, precision_feature='join_keys'),
    # the seed's reverse relation: photos david sent a message about (one join)
    Shape('join_message_sender',
          lambda t: rows(Photo.objects.cache('message__sender')
                         .filter(message__sender=t.david, status=2)),
          new_david_message, precision_feature='join_keys'),
    # two joins: photo -> message -> user
    Shape('two_joins_sender_username',
          lambda t: rows(Photo.objects.cache('message__sender')
                         .filter(message__sender__username='david')),
          new_david_message, reads_users=True, precision_feature='join_keys'),
    # id IN (...), one id without a row yet
    Shape('pk_in',
          lambda t: rows(Photo.objects.cache().filter(pk__in=[t.d1.pk, t.d2.pk, t.missing])),
          new_missing_photo),
    # id = .. OR id = .. OR id = ..
    Shape('q_or',
          lambda t: rows(Photo.objects.cache()
                         .filter(Q(pk=t.d1.pk) | Q(pk=t.d2.pk) | Q(pk=t.missing))),
          new_missing_photo, precision_feature='or_as_in'),
    # get() without a hint, under cache_get (settings.py): WHERE id = .. LIMIT 21;
    # an existing and a missing pk
    Shape('get_cache_get',
          lambda t: [got(t.d1.pk), got(t.missing)],
          new_missing_photo, statements=2,
          hit_feature='limit_cache_get', precision_feature='limit_cache_get'),
    # first(): ORDER BY id DESC LIMIT 1 (the newest, so that bulk_create shows)
    Shape('first',
          lambda t: row(Photo.objects.cache('user').filter(user=t.david).order_by('-pk').first()),
          lambda t: [Photo(user=t.david, status=1, title='new')], relevant='d3'),
    # iterator(): a server-side cursor, DECLARE ... NO SCROLL CURSOR WITH HOLD FOR SELECT ...
    Shape('iterator',
          lambda t: rows(Photo.objects.cache('user').filter(user=t.david, status=2).iterator()),
          new_david_photo, hit_feature='cursors', precision_feature='cursors'),
    # the same with DATABASES' DISABLE_SERVER_SIDE_CURSORS: a plain SELECT
    Shape('iterator_client_cursor',
          lambda t: client_cursor(lambda: rows(Photo.objects.cache('user')
                                               .filter(user=t.david, status=2).iterator())),
          new_david_photo),
    # get() with the hint: cached whatever cache_get does
    Shape('hinted_get',
          lambda t: got(t.d1.pk, Photo.objects.cache()),
          None),
    # select_related: one statement, photo JOIN user
    Shape('select_related',
          lambda t: sorted((p.id, p.status, p.title, p.user.username) for p in
                           Photo.objects.cache('user').select_related('user')
                           .filter(user=t.david, status=2)),
          new_david_photo, reads_users=True),
    # prefetch_related: two statements, the users, then their photos (user_id IN (...))
    Shape('prefetch_related',
          lambda t: [(u.username, rows(u.photo_set.all())) for u in
                     User.objects.cache().filter(username='david').prefetch_related('photo_set')],
          new_david_photo, statements=2, reads_users=True),
    Shape('count',
          lambda t: Photo.objects.cache('user').filter(user=t.david, status=2).count(),
          new_david_photo),
    Shape('aggregate_sum',
          lambda t: Photo.objects.cache('user').filter(user=t.david).aggregate(Sum('status')),
          new_david_photo),
]


# ---- the writes ----

def write_save(t, shape):
    photo = shape.relevant(t)
    photo.status, photo.title = 3, 'saved'
    photo.save()


def write_delete(t, shape):
    shape.relevant(t).delete()


def write_update(t, shape):
    Photo.objects.filter(pk=shape.relevant(t).pk).update(status=3, title='updated')


def write_bulk_update(t, shape):
    photo = shape.relevant(t)
    photo.status, photo.title = 3, 'bulk'
    Photo.objects.bulk_update([photo], ['status', 'title'])


def write_bulk_create(t, shape):
    objs = shape.new(t)
    type(objs[0]).objects.bulk_create(objs)


def write_user_save(t, shape):
    t.david.username = 'david2'
    t.david.save()


WRITES = [('save', write_save), ('delete', write_delete), ('update', write_update),
          ('bulk_update', write_bulk_update), ('bulk_create', write_bulk_create)]


# ---- the tests ----

class CachebotTestCase(TransactionTestCase):
    """david: d1, d2 (status 2), d3 (status 1); alice: a1, a2 (status 2).
    Messages: david about d1, alice about d2, david about a1."""

    def setUp(self):
        self.david = User.objects.create(username='david')
        self.alice = User.objects.create(username='alice')
        photo = Photo.objects.create
        self.d1 = photo(user=self.david, status=2, title='d1')
        self.d2 = photo(user=self.david, status=2, title='d2')
        self.d3 = photo(user=self.david, status=1, title='d3')
        self.a1 = photo(user=self.alice, status=2, title='a1')
        self.a2 = photo(user=self.alice, status=2, title='a2')
        Message.objects.create(sender=self.david, photo=self.d1, text='m1')
        Message.objects.create(sender=self.alice, photo=self.d2, text='m2')
        Message.objects.create(sender=self.david, photo=self.a1, text='m3')
        self.missing = self.a2.pk + 1000   # a pk without a row

    def assertDelta(self, delta, hits, misses, what):
        self.assertEqual((delta['hits'], delta['misses']), (hits, misses),
                         '%s: expected %d hit(s), %d miss(es); counters moved %s'
                         % (what, hits, misses, delta))

    def warm(self, shape):
        """Evaluate twice: a miss that fills, then a hit. The result."""
        first, delta = measured(lambda: shape.evaluate(self))
        self.assertDelta(delta, 0, shape.statements, 'first evaluation')
        self.assertEqual(delta['fills'], shape.statements, 'first evaluation fills: %s' % delta)
        second, delta = measured(lambda: shape.evaluate(self))
        self.assertDelta(delta, shape.statements, 0, 'second evaluation')
        self.assertEqual(second, first)
        return second


def check_hit(self, shape):
    result = self.warm(shape)
    self.assertEqual(result, uncached(lambda: shape.evaluate(self)))


def check_fresh(self, shape, write):
    # the read before the write is a hit: a stale entry is there to be served
    before = shape.evaluate(self)
    _, delta = measured(lambda: shape.evaluate(self))
    self.assertDelta(delta, shape.statements, 0, 'evaluation before the write')
    write(self, shape)
    after = shape.evaluate(self)           # caching on
    truth = uncached(lambda: shape.evaluate(self))
    self.assertNotEqual(truth, before, 'the write should change the result')
    self.assertEqual(after, truth, 'stale result after the write')


def check_precision(self, shape):
    before = self.warm(shape)
    other = Photo.objects.get(pk=self.a2.pk)   # alice's, status 2, in no shape's result
    other.title = 'other'
    other.save()
    after, delta = measured(lambda: shape.evaluate(self))
    self.assertDelta(delta, shape.statements, 0, "evaluation after a write to another user's photo")
    self.assertEqual(after, before)


class HitTests(CachebotTestCase):
    """The second evaluation of each shape is a hit."""


class FreshnessTests(CachebotTestCase):
    """After a write to a row of its result, each shape's next result is fresh."""


class PrecisionTests(CachebotTestCase):
    """A write to another user's photo keeps the hit: keys cachebot has now."""


class JoinKeysTests(CachebotTestCase):
    __doc__ = 'Needs ' + FEATURES['join_keys']


class OrAsInTests(CachebotTestCase):
    __doc__ = 'Needs ' + FEATURES['or_as_in']


class LimitCacheGetTests(CachebotTestCase):
    __doc__ = 'Needs ' + FEATURES['limit_cache_get']


class CursorTests(CachebotTestCase):
    __doc__ = 'Needs ' + FEATURES['cursors']


FEATURE_CLASSES = {None: None, 'join_keys': JoinKeysTests, 'or_as_in': OrAsInTests,
                   'limit_cache_get': LimitCacheGetTests, 'cursors': CursorTests}


def add_test(cls, name, body, feature):
    if feature in PENDING:
        body = unittest.expectedFailure(body)
    body.__name__ = name
    setattr(cls, name, body)


for _shape in SHAPES:
    add_test(FEATURE_CLASSES[_shape.hit_feature] or HitTests, 'test_hit_' + _shape.name,
             lambda self, s=_shape: check_hit(self, s), _shape.hit_feature)
    add_test(FEATURE_CLASSES[_shape.precision_feature] or PrecisionTests,
             'test_other_users_photo_keeps_hit_' + _shape.name,
             lambda self, s=_shape: check_precision(self, s), _shape.precision_feature)
    _writes = [w for w in WRITES if _shape.new or w[0] != 'bulk_create']
    _writes += [('user_save', write_user_save)] if _shape.reads_users else []
    for _write_name, _write in _writes:
        add_test(FEATURE_CLASSES[_shape.hit_feature] or FreshnessTests,
                 'test_fresh_after_%s_%s' % (_write_name, _shape.name),
                 lambda self, s=_shape, w=_write: check_fresh(self, s, w), _shape.hit_feature)


class SetupTests(CachebotTestCase):
    """How the project turns caching on: the migration, the hint, the settings."""

    def test_migration_tracks_tables(self):
        with connection.cursor() as cur:
            cur.execute('SELECT "table"::text FROM cachebot.tracked_tables ORDER BY 1')
            self.assertEqual([r[0] for r in cur.fetchall()], ['app_message', 'app_photo', 'app_user'])

    def test_options_turn_cache_get_on(self):
        with connection.cursor() as cur:
            cur.execute('SHOW cachebot.cache_get')
            self.assertEqual(cur.fetchone()[0], 'on')

    def test_hint_text(self):
        self.assertEqual(hint(Photo, ()), '/* cache */')
        self.assertEqual(hint(Photo, ('user', 'message__sender')),
                         '/* cache(app_photo.user_id, app_message.sender_id) */')

    def test_hint_follows_leading_select(self):
        with CaptureQueriesContext(connection) as queries:
            list(Photo.objects.cache('user').filter(user=self.david))
            Photo.objects.cache().count()
            Photo.objects.cache().aggregate(Sum('status'))
            Photo.objects.cache().exists()
            list(Photo.objects.cache().iterator())
        self.assertEqual(len(queries), 5)
        for q in queries:
            # iterator(): psycopg2 wraps it in DECLARE "<a new name each time>" ... FOR
            self.assertRegex(q['sql'], r'^(DECLARE "\w+" NO SCROLL CURSOR WITH HOLD FOR )?'
                                       r'SELECT /\* cache(\(app_photo\.user_id\))? \*/ ')

    def test_unhinted_queryset_is_not_cached(self):
        for _ in range(2):
            _, delta = measured(lambda: rows(Photo.objects.filter(user=self.david, status=2)))
            self.assertEqual(delta, {'hits': 0, 'misses': 0, 'fills': 0})

    def test_hint_does_not_leak_to_other_querysets(self):
        qs = Photo.objects.cache()
        list(qs)
        with CaptureQueriesContext(connection) as queries:
            list(Photo.objects.all())
        self.assertNotIn('cache', queries[0]['sql'])
