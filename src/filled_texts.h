/*
 * filled_texts.h
 *		Which statement texts may have an entry: a filter the planner asks
 *		before it decides.
 *
 * The planner hook decides about a query and looks it up before planning,
 * so that a hit costs no planning; for a statement that has no entry (a
 * text never filled, as when an ORM inlines every value into the text),
 * that decision and lookup are spent for nothing, and the executor makes
 * its own on the plan anyway. So every fill and every hit of a text (but
 * hits with parameters: the planner looks up no such statement) sets a bit
 * for it, by a hash of the database and the statement's own text, in a
 * bitmap in this server's shared memory; the planner looks before planning
 * only where the bit is set.
 *
 * The filter decides nothing about correctness: a bit wrongly set (another
 * text with the same bit) costs the lookup it would have made anyway, and a
 * bit wrongly clear (an entry filled on another server sharing a memcached
 * pool, or before the bitmap was cleared) costs one planning: the executor
 * decides and looks up every statement it runs, finds the entry, serves it
 * and sets the bit. When a quarter of the bits are set, the next fill
 * clears them all. (Each text has two bits, both of which must be set.)
 */
#ifndef CACHEBOT_FILLED_TEXTS_H
#define CACHEBOT_FILLED_TEXTS_H

/* The bitmap's shared memory: requested, then set up (postmaster). */
extern void cachebot_filled_texts_request(void);
extern void cachebot_filled_texts_startup(void);

/* May the statement text[0..len) of this database have an entry? */
extern bool cachebot_filled_texts_may_have(const char *text, int len);

/* text[0..len) has an entry now (filled or served). Never raises an ERROR. */
extern void cachebot_filled_texts_note(const char *text, int len);

/* Clears every bit (unless another backend is clearing them). */
extern void cachebot_filled_texts_clear(void);

#endif							/* CACHEBOT_FILLED_TEXTS_H */
