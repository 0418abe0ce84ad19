# cachebot: PGXS build, and the two commands of the README.
MODULE_big = cachebot
OBJS = src/cachebot.o src/settings.o src/hint.o src/fingerprint.o src/entry.o \
       src/eligibility.o src/exprcheck.o src/tracking.o src/deps.o src/keys.o \
       src/lookup.o src/capture.o src/nesting.o src/explain.o src/report.o src/executor.o src/replay.o src/planner.o src/ddl.o src/utility.o src/catalog_gen.o src/filled_texts.o src/committing.o \
       src/xact.o src/trigger.o src/store.o src/store_shmem.o src/memcached_wire.o src/store_memcached.o \
       src/stats.o src/statements.o src/functions.o
EXTENSION = cachebot
DATA = sql/cachebot--0.1.sql
PGFILEDESC = "cachebot - result cache with precise invalidation"

REGRESS = hints hint_fuzz eligibility transactions errors store keys_rows keys_in_lists keys_ranges keys_joins keys_derived keys_derived_edges keys_union_exists \
          keys_prepared keys_hints keys_outer_joins keys_overflow implicit cursors parallel types privileges entries catalog nesting results tracking settings filled_texts functions_settings auto_track robustness observe demo
REGRESS_OPTS = --inputdir=test --load-extension=cachebot
ISOLATION = pending_invisible_writer fill_lease derived_keys derived_keys_hash fill_while_writer_open writer_rollback savepoint_rollback \
            two_writers commit_between_lookup_and_store truncate \
            invalidate_object_rollback repeatable_read temp_objects ddl_race \
            partition_clones detach_concurrently
ISOLATION_OPTS = --inputdir=test --load-extension=cachebot
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK = -lmemcached
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Every object depends on every header: the modules share their structs.
$(OBJS): $(wildcard $(srcdir)/src/*.h)

.PHONY: demo test bench print-regress prove_installcheck
print-regress:
	@echo $(REGRESS)
# The TAP tests alone (make installcheck runs them after pg_regress and the
# isolation specs): make prove_installcheck [PROVE_TESTS=test/t/001_stress.pl]
prove_installcheck:
	$(prove_installcheck)
demo:
	bash tools/run.sh demo
test:
	bash tools/run.sh test
bench:
	bash tools/run.sh bench
