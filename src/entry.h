/*
 * entry.h
 *		The stored form of a cached result, shared by every backend.
 *
 *	header | fingerprint | dependencies {hash, gen} | MinimalTuples
 *
 * The header carries a magic number, a format version and a checksum of
 * everything after it: whatever else is read back is rejected.
 */
#ifndef CACHEBOT_ENTRY_H
#define CACHEBOT_ENTRY_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"

#include "cachebot.h"

#define ENTRY_MAGIC		0x43424f54	/* "CBOT" */
#define ENTRY_FORMAT	1

typedef struct EntryHeader
{
	uint32		magic;
	uint16		format;
	uint16		natts;
	uint32		total_len;
	uint32		fingerprint_len;
	uint32		ndeps;
	uint32		ntuples;
	int64		created;		/* TimestampTz */
	uint64		checksum;
} EntryHeader;

typedef struct EntryDep
{
	Hash128		key;
	uint64		gen;
} EntryDep;

/* Builds the results of a fill, tuple by tuple. */
typedef struct EntryBuilder
{
	StringInfoData buf;
	uint32		ntuples;
	Size		limit;			/* stop when the entry would exceed this */
	bool		too_large;
} EntryBuilder;

extern void entry_begin(EntryBuilder *b, const char *fingerprint, int fplen,
						int ndeps, const Hash128 *deps, const uint64 *gens,
						int natts, Size limit);
extern bool entry_add_tuple(EntryBuilder *b, TupleTableSlot *slot);
extern void entry_finish(EntryBuilder *b);

/* Why an entry read back cannot be served. */
typedef enum EntryCheck
{
	ENTRY_OK,
	ENTRY_CORRUPT,				/* not ours, truncated, bad checksum: an error */
	ENTRY_OTHER_KEY,			/* hash collision: another fingerprint */
	ENTRY_EXPIRED				/* older than cachebot.ttl */
} EntryCheck;

/* An entry opened for serving. */
typedef struct EntryView
{
	uint32		ndeps;
	EntryDep   *deps;			/* the dependencies it was stored with */
	uint32		ntuples;
	MinimalTuple *tuples;		/* pointing into the entry's bytes */
} EntryView;

/*
 * Checks an entry's integrity, fingerprint and age; on ENTRY_OK fills view.
 * data must be MAXALIGNed. Whether its dependencies are still current is
 * for the caller to check, against the versions it reads.
 */
extern EntryCheck entry_open(char *data, Size len, const char *fingerprint, int fplen,
							 int natts, EntryView *view);

#endif							/* CACHEBOT_ENTRY_H */
