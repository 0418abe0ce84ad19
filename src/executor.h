/*
 * executor.h
 *		The executor hooks: serve hits by replaying cached tuples, capture
 *		misses into new entries.
 */
#ifndef CACHEBOT_EXECUTOR_H
#define CACHEBOT_EXECUTOR_H

/*
 * Installs the ExecutorStart, Run, Finish and End hooks (from _PG_init),
 * after any loaded before; each calls the one it replaced, hits included.
 */
extern void cachebot_executor_install_hooks(void);

#endif							/* CACHEBOT_EXECUTOR_H */
