/*
 * entry.h
 *		The stored form of a cached result, shared by every backend.
 *
 *	header | fingerprint | dependencies {hash, gen} | notes | permissions |
 *	functions | MinimalTuples
 *
 * The header carries a magic number, a format version and, where the
 * caller's seal asks for one, a checksum of everything after it, keyed with
 * the seal's seed: the store's incarnation (a number chosen at server start,
 * see store.h), so that an entry of another run of the server never checks
 * out. What is read back is untrusted input all the same, checksum or not:
 * every count, length and offset is checked against the entry's size and
 * every tuple against the statement's result columns (their number,
 * lengths and alignment; values stored in line, never compressed or out of
 * line) before a byte of it is used. Whatever fails is a miss, counted as
 * an error. The values themselves are trusted as far as their lengths go:
 * the store must be reachable by this server's trusted peers only.
 *
 * The permissions are the relation privileges the plan that computed the
 * result checked (its range table: relation, role checked as, privileges,
 * columns), no more, no fewer: a hit served without a plan checks exactly
 * those, as running the statement would have (a relation the planner
 * dropped, such as an unused CTE's, is not checked by PostgreSQL either).
 * Likewise the functions are those the plan calls, whose EXECUTE privilege
 * initializing its expressions checks: not those the planner folded away.
 * The notes are text for people (explain() shows them): the row keys a fill
 * derived while it ran, with their values ("photo.user_id = 5"), which the
 * dependencies hold only as hashes.
 */
#ifndef CACHEBOT_ENTRY_H
#define CACHEBOT_ENTRY_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"

#include "keys.h"

#define ENTRY_MAGIC		0x43424f54	/* "CBOT" */
#define ENTRY_FORMAT	5

/* An entry depends on at most this many keys (a fill with more is not stored). */
#define ENTRY_MAX_DEPS	4096

/* An entry names at most this many functions (a fill with more is not stored). */
#define ENTRY_MAX_FUNCTIONS 4096

typedef struct EntryHeader
{
	uint32		magic;
	uint16		format;
	uint16		natts;
	uint32		total_len;
	uint32		fingerprint_len;
	uint32		ndeps;
	uint32		npermissions;
	uint32		nfunctions;
	uint32		ntuples;
	uint32		nnotes;
	uint32		notes_len;		/* bytes: nnotes NUL-terminated strings */
	int64		created;		/* TimestampTz */
	uint64		checksum;
} EntryHeader;

typedef struct EntryDep
{
	Hash128		key;
	uint64		gen;
} EntryDep;

/*
 * Whether an entry carries a checksum (the header's is 0 if not), and its
 * key. Chosen by the store (cachebot_store_entry_seal()).
 */
typedef struct EntrySeal
{
	bool		checksummed;
	uint64		seed;
} EntrySeal;

/* Builds the results of a fill, tuple by tuple. */
typedef struct EntryBuilder
{
	StringInfoData buf;
	uint32		ntuples;
	Size		limit;			/* stop when the entry would exceed this */
	EntrySeal	seal;
	bool		too_large;
} EntryBuilder;

/*
 * Starts an entry in CurrentMemoryContext: its fingerprint, the
 * dependencies deps[0..ndeps) with the gens read for them, the privileges
 * the plan checks (from its range table, and the OIDs of the functions it
 * calls), natts result columns. It stops
 * growing past limit bytes (see too_large).
 */
struct List;
extern void cachebot_entry_begin(EntryBuilder *b, const char *fingerprint, int fplen,
								 int ndeps, const Hash128 *deps, const uint64 *gens,
								 struct List *rtable, struct List *functions, int natts,
								 Size limit, EntrySeal seal);

/*
 * Appends the slot's tuple (out-of-line and compressed values expanded);
 * false once the entry would pass its limit, and nothing more is added.
 */
extern bool cachebot_entry_add_tuple(EntryBuilder *b, TupleTableSlot *slot);

/*
 * Replaces the dependencies given to cachebot_entry_begin (a fill's row keys
 * derived while it ran, see capture.h), and sets the notes (strings).
 */
extern void cachebot_entry_set_deps(EntryBuilder *b, int ndeps, const Hash128 *deps,
									const uint64 *gens, struct List *notes);

/* Completes the header (counts, checksum): b->buf is then the entry. */
extern void cachebot_entry_finish(EntryBuilder *b);

/* Why an entry read back cannot be served. */
typedef enum EntryCheck
{
	ENTRY_OK,
	ENTRY_CORRUPT,				/* not ours, truncated, bad checksum, another
								 * key's: an error */
	ENTRY_EXPIRED				/* older than cachebot.ttl */
} EntryCheck;

/* An entry opened for serving. */
typedef struct EntryView
{
	uint32		ndeps;
	EntryDep   *deps;			/* the dependencies it was stored with */
	struct List *permissions;	/* RangeTblEntry: what the plan checked */
	struct List *functions;		/* OIDs: whose EXECUTE the plan checked */
	struct List *notes;			/* strings, pointing into the entry */
	uint32		ntuples;
	MinimalTuple *tuples;		/* pointing into the entry's bytes */
} EntryView;

/*
 * Checks an entry's integrity (its checksum, if seal has one), fingerprint, age
 * (at most ttl seconds) and tuples (natts columns stored as columns says);
 * on ENTRY_OK fills view. data must be MAXALIGNed.
 * Whether its dependencies are still current is for the caller to check,
 * against the versions it reads.
 */
struct ColumnLayout;
extern EntryCheck cachebot_entry_open(char *data, Size len, const char *fingerprint, int fplen,
							 int natts, const struct ColumnLayout *columns,
							 int ttl, EntrySeal seal, EntryView *view);

/* For the tests: damages an entry as a broken store could (see entry.c). */
extern bool cachebot_entry_corrupt(char **data, Size *len, const char *what, EntrySeal seal);

#endif							/* CACHEBOT_ENTRY_H */
