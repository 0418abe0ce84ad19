/*
 * tracking.h
 *		Which tables are tracked, and how: read from cachebot's row trigger.
 *
 * track() installs the trigger with arguments (tracked table OID, options,
 * keyed column numbers...). Partitions carry clones of their root's trigger,
 * so the same arguments name the root. Reading them from the relcache needs
 * no catalog access and follows every change of the trigger.
 */
#ifndef CACHEBOT_TRACKING_H
#define CACHEBOT_TRACKING_H

#include "access/attnum.h"
#include "utils/relcache.h"

#define TRACK_MAX_KEYED 64

typedef struct TrackInfo
{
	Oid			root;			/* tracked table whose keys writes bump */
	int			nkeyed;
	AttrNumber	keyed[TRACK_MAX_KEYED];	/* keyed columns of root */
	int8		cache_all;		/* -1: as the setting says; 0 off; 1 on */
	int8		cache_get;
} TrackInfo;

/* Parses trigger arguments; self is the relation the trigger is on. */
extern void tracking_parse(int nargs, char **args, Oid self, TrackInfo *info);

/* Fills *info and returns true if rel carries cachebot's enabled row trigger. */
extern bool tracking_lookup(Relation rel, TrackInfo *info);

/* Is attnum a keyed column? */
extern bool tracking_is_keyed(const TrackInfo *info, AttrNumber attnum);

/*
 * Does a tracked table of this database turn cache_all or cache_get on for
 * itself? (Known per backend, relearnt after any relation changes.)
 */
extern bool tracking_any_implicit(void);

extern void tracking_init(void);

#endif							/* CACHEBOT_TRACKING_H */
