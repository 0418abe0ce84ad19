/*
 * executor.h
 *		The executor hooks: serve hits by replaying cached tuples, capture
 *		misses into new entries (SPEC section 6, "Reads").
 */
#ifndef CACHEBOT_EXECUTOR_H
#define CACHEBOT_EXECUTOR_H

extern void executor_install_hooks(void);

/* Is a statement running (or finishing) in this backend right now? */
extern bool executor_is_running(void);

#endif							/* CACHEBOT_EXECUTOR_H */
