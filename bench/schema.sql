-- cachebot benchmark data set: the seed's photo/user example.
--   app_user(id, username)                      2,000 rows
--   photo(id, user_id, status, title, created)  200,000 rows (tracked)
--   photo_untracked: an identical copy of photo that cachebot does not track
--                    (the baseline of the write scenario)
-- Deterministic contents, so every run measures the same thing.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS cachebot;

DROP TABLE IF EXISTS photo, photo_untracked, app_user;

CREATE TABLE app_user (
    id       int PRIMARY KEY,
    username text NOT NULL UNIQUE
);

CREATE TABLE photo (
    id      int PRIMARY KEY,
    user_id int NOT NULL REFERENCES app_user(id),
    status  int NOT NULL,
    title   text NOT NULL,
    created timestamptz NOT NULL
);
CREATE INDEX photo_user_id_idx ON photo (user_id);

INSERT INTO app_user (id, username)
SELECT i, 'user' || i FROM generate_series(1, 2000) AS i;

-- status 0..4 (0 = hidden, about 20%); users spread evenly (100 photos each).
INSERT INTO photo (id, user_id, status, title, created)
SELECT i,
       1 + (i * 7919) % 2000,
       (i * 31) % 5,
       'photo number ' || i,
       timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute'
  FROM generate_series(1, 200000) AS i;

-- The identical untracked twin (same columns, keys, indexes, contents).
CREATE TABLE photo_untracked (LIKE photo INCLUDING ALL);
ALTER TABLE photo_untracked
  ADD FOREIGN KEY (user_id) REFERENCES app_user(id);
INSERT INTO photo_untracked SELECT * FROM photo;

-- No autovacuum in the middle of a timed run on one table but not its twin.
ALTER TABLE photo SET (autovacuum_enabled = off);
ALTER TABLE photo_untracked SET (autovacuum_enabled = off);
ALTER TABLE app_user SET (autovacuum_enabled = off);

SELECT cachebot.track('app_user');
SELECT cachebot.track('photo');

VACUUM (FREEZE, ANALYZE) app_user, photo, photo_untracked;
