/*
 * tracking.h
 *		Which tables are tracked, and how: read from cachebot's row trigger.
 *
 * track() installs, on the table, an AFTER INSERT OR UPDATE OR DELETE row
 * trigger named cachebot_invalidate and an AFTER TRUNCATE statement trigger
 * named cachebot_truncate, both enabled ALWAYS, both calling
 * cachebot._invalidate_trigger() with the same arguments:
 *
 *	'cachebot:2', 'cache_all=<t|f|>;cache_get=<t|f|>', keyed column, ...
 *
 * Columns are named, not numbered, and no OID appears, so the arguments stay
 * right through pg_dump and restore and through dropped columns. tracking.c
 * is the only code that writes or reads this format (the tracked_tables
 * view reads it through cachebot_tracking_decode_tgargs). Partitions carry PostgreSQL's clones of the row trigger:
 * the tracked table whose keys their writes bump (their root) is the
 * ancestor that holds the original.
 *
 * A table counts as tracked only while its row trigger is cachebot's, has
 * that exact shape (no WHEN, no column list, not a constraint trigger) and
 * is enabled ALWAYS, so that no write, in any session_replication_role,
 * goes unseen. Nobody but track() can create such a trigger: EXECUTE on the
 * trigger function is revoked from PUBLIC, and track() creates the triggers
 * as the function's owner once it has checked that the caller owns the
 * table.
 */
#ifndef CACHEBOT_TRACKING_H
#define CACHEBOT_TRACKING_H

#include "access/attnum.h"
#include "nodes/parsenodes.h"
#include "utils/relcache.h"

#define TRACK_MAX_KEYED 64

/* The first trigger argument: the format of the others. */
#define TRACK_ARGS_FORMAT "cachebot:2"

typedef struct TrackInfo
{
	Oid			root;			/* tracked table whose keys writes bump */
	int			nkeyed;			/* keyed columns; none on a partition */
	AttrNumber	keyed[TRACK_MAX_KEYED];	/* of the relation itself */
	int8		cache_all;		/* -1: as the setting says; 0 off; 1 on */
	int8		cache_get;
	int			ttl;			/* seconds an entry that reads it lives; 0: as
								 * cachebot.ttl says */
} TrackInfo;

/* What track() was asked for, besides the keyed columns. */
typedef struct TrackOptions
{
	int8		cache_all;		/* -1: as the setting says; 0 off; 1 on */
	int8		cache_get;
	int			ttl;			/* seconds; 0: as cachebot.ttl says */
} TrackOptions;

/* Fills *info and returns true if rel is tracked. */
extern bool cachebot_tracking_lookup(Relation rel, TrackInfo *info);

/*
 * The same for the trigger firing on rel (its arguments are the ones
 * track() wrote there). Raises an ERROR if they are not cachebot's.
 */
extern void cachebot_tracking_of_trigger(Relation rel, int nargs, char **args, TrackInfo *info);

/* Is attnum a keyed column? */
extern bool cachebot_tracking_is_keyed(const TrackInfo *info, AttrNumber attnum);

/*
 * Does a tracked table of this database turn cache_all or cache_get on for
 * itself? (Known per backend, relearnt after any relation changes.)
 */
extern bool cachebot_tracking_any_implicit(void);

/*
 * Installs (or replaces) the triggers of a table the current user owns,
 * with these options (-1: as the setting says) and keyed columns.
 */
extern void cachebot_tracking_install(Oid relid, const TrackOptions *options,
									  List *keyed_names);

/*
 * Decodes a trigger's arguments as stored in pg_trigger.tgargs; false if
 * they are not in the format track() writes.
 */
extern bool cachebot_tracking_decode_tgargs(bytea *tgargs, List **keyed_names,
											TrackOptions *options);

/*
 * The argument of a track() call for relid, for hints: its qualified, quoted
 * name as a literal (palloc'd); NULL if it no longer exists.
 */
extern char *cachebot_tracking_name_literal(Oid relid);


/*
 * Around a utility command: a partition created in or attached to a
 * tracked table gets clones of its triggers (the current user is lent
 * EXECUTE on the trigger function for that command only), a tracked table
 * attached as a partition gives up its own triggers for the clones, and
 * ENABLE TRIGGER (ALL, USER or cachebot's) leaves cachebot's triggers
 * enabled ALWAYS, as track() made them, and CREATE TRIGGER of one of
 * cachebot's triggers where the table has it already (a restore re-creating
 * what auto_track installed when it created the table) replaces it. before
 * returns what after needs.
 */
extern bool cachebot_tracking_before_utility(Node *parsetree);
extern void cachebot_tracking_after_utility(Node *parsetree, bool lent);

/*
 * cachebot.auto_track: the tables a utility command creates are tracked
 * when it has finished, with track()'s defaults (ordinary and partitioned
 * permanent tables the current user owns; not partitions, which follow
 * their root, nor an extension's tables, nor during CREATE EXTENSION).
 * Around each utility command: enter starts its list and returns the
 * enclosing command's, leave restores that and returns the command's own
 * (also after an error: the list is then dropped), auto_track tracks them
 * (after a command that succeeded). The object access hook notes each
 * relation created.
 */
extern List *cachebot_tracking_auto_enter(void);
extern List *cachebot_tracking_auto_leave(List *outer);
extern void cachebot_tracking_auto_track(List *created);
extern void cachebot_tracking_note_created(Oid relid);

/*
 * Registers the invalidation callbacks that keep this backend's knowledge of
 * tracked tables current (from _PG_init).
 */
extern void cachebot_tracking_init(void);

#endif							/* CACHEBOT_TRACKING_H */
