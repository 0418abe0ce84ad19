-- The demo (tools/demo.sql), whose output this test checks.
\i tools/demo.sql
SELECT cachebot.untrack('photo');
SELECT cachebot.untrack('app_user');
DROP TABLE photo, app_user;
