-- End of a keys_* test: drops what test/sql/include/keys_setup.sql created.
DROP TABLE user_friend, photo, app_user;
DROP FUNCTION last_read(), deps(text);
