-- Set-up shared by the keys_* tests: three tracked tables (app_user, photo keyed
-- by id, user_id and status, the many-to-many user_friend) with known rows,
-- statistics, an empty cache and zeroed counters, and two helpers: last_read()
-- (what the last statement did to the cache: hit, miss, or the counters; it
-- resets them) and deps() (cachebot.explain()'s verdict and dependencies).
-- Each test drops all of it at its end (test/sql/include/keys_cleanup.sql).
CREATE TABLE app_user (id int PRIMARY KEY, username varchar(40) UNIQUE, note text);
CREATE TABLE photo (id int PRIMARY KEY, user_id int REFERENCES app_user, status int,
                    title text, created timestamptz DEFAULT '2020-01-01');
CREATE TABLE user_friend (user_id int REFERENCES app_user, friend_id int REFERENCES app_user,
                          PRIMARY KEY (user_id, friend_id));
SELECT cachebot.track('app_user');
SELECT cachebot.track('photo', columns => '{id,user_id,status}');
SELECT cachebot.track('user_friend');
SELECT * FROM cachebot.tracked_tables
 WHERE "table" IN ('app_user'::regclass, 'photo'::regclass, 'user_friend'::regclass)
 ORDER BY "table"::text;
-- users 1..11 (5 is david, 11 has no photo); photos 1..40: user_id = 1 + id % 10, status = id % 4
INSERT INTO app_user SELECT g, CASE g WHEN 5 THEN 'david' ELSE 'user' || g END FROM generate_series(1, 11) g;
INSERT INTO photo (id, user_id, status, title)
  SELECT g, 1 + g % 10, g % 4, 'p' || g FROM generate_series(1, 40) g;
INSERT INTO user_friend VALUES (1, 2), (1, 3), (2, 1);
-- statistics decide the column when a scan fixes several (user_id: 10 distinct, status: 4)
ANALYZE app_user, photo, user_friend;
SELECT cachebot.flush();
SELECT cachebot.reset_stats();
-- what the last statement did to the cache: hit, miss (and filled), or the counters; resets them
CREATE FUNCTION last_read() RETURNS text LANGUAGE plpgsql AS $$
DECLARE s record;
BEGIN
  SELECT * INTO s FROM cachebot.stats;
  PERFORM cachebot.reset_stats();
  RETURN CASE WHEN s.hits = 1 AND s.misses = 0 AND s.skips = 0 THEN 'hit'
              WHEN s.hits = 0 AND s.misses = 1 AND s.fills = 1 AND s.skips = 0 THEN 'miss'
              ELSE format('hits=%s misses=%s fills=%s skips=%s', s.hits, s.misses, s.fills,
                          coalesce(s.skips_by_reason::text, '{}')) END;
END $$;
CREATE FUNCTION deps(q text) RETURNS TABLE (cacheable bool, reason text, dependencies text[])
LANGUAGE sql AS $$ SELECT cacheable, reason, dependencies FROM cachebot.explain(q) $$;
