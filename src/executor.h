/*
 * executor.h
 *		The executor hooks: serve hits by replaying cached tuples, capture
 *		misses into new entries.
 */
#ifndef CACHEBOT_EXECUTOR_H
#define CACHEBOT_EXECUTOR_H

extern void cachebot_executor_install_hooks(void);

#endif							/* CACHEBOT_EXECUTOR_H */
