/*
 * utility.h
 *		The object access and ProcessUtility hooks: what a command does,
 *		handed to the module that owns it.
 *
 *	- created, altered and dropped objects, and utility commands that may
 *	  change the catalog: ddl.h;
 *	- TRUNCATE: the table's generation, collected like a write (xact.h);
 *	- PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED: xact.h;
 *	- ATTACH PARTITION, CREATE TABLE ... PARTITION OF and ENABLE TRIGGER on
 *	  tracked tables, CREATE TRIGGER of cachebot's triggers, and the tables
 *	  created under cachebot.auto_track: tracking.h;
 *	- the statements a utility command runs are nested in it (nesting.h),
 *	  but for the commands that only run the client's own query (EXECUTE,
 *	  DECLARE, FETCH, CLOSE, EXPLAIN, PREPARE).
 */
#ifndef CACHEBOT_UTILITY_H
#define CACHEBOT_UTILITY_H

/* Installs the two hooks (from _PG_init), after any loaded before. */
extern void cachebot_utility_install_hooks(void);

#endif							/* CACHEBOT_UTILITY_H */
