#!/usr/bin/env bash
# The Django tests (test/django) against a running server with cachebot
# preloaded, reached through PGHOST (the socket directory), PGPORT and PGUSER
# (a superuser: the migration creates the extension). Django's test runner
# creates the database test_cachebot_django (dropping a leftover one), runs
# the migrations (which track the tables), runs the tests, and drops it.
# Needs Debian's python3-django (3.2) and python3-psycopg2.
#   bash test/django/run.sh [test labels, e.g. app.tests.HitTests]
set -euo pipefail
cd "$(dirname "$0")"
# Debian's packages install for Debian's interpreter, not one earlier on PATH
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PYTHONDONTWRITEBYTECODE=1
exec "$py" manage.py test --noinput --verbosity 2 "$@"
