/*
 * filled_texts.c
 *		Which statement texts may have an entry (see filled_texts.h).
 *
 * Two bits per hash of (database, text), both in one 64-bit word of 2^20
 * bits: 128 kB, small enough to stay in the CPU's caches (a probe of a larger
 * region can miss the TLB, which costs more than the decision it spares),
 * and one word so that a probe reads one cache line. With a quarter of the
 * bits set, a text never noted finds both of its bits set about one time in
 * 15 (one in 4 with a single bit; two bits in one word, which now and then
 * coincide, do a little worse than two anywhere); each such false yes costs
 * a decision and a lookup before planning. A text sets up to two bits, so
 * the filter clears after about half as many texts as with one. Bits are set with an atomic OR and no lock.
 * Clearing races with setting: a bit set meanwhile may be lost, which the
 * filter allows (a clear bit costs one planning).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "port/pg_bitutils.h"
#include "storage/shmem.h"

#include "filled_texts.h"

#define FILTER_BITS_LOG2	20
#define FILTER_WORDS_LOG2	(FILTER_BITS_LOG2 - 6)
#define FILTER_WORDS		(1 << FILTER_WORDS_LOG2)
/* past this many bits set (a quarter), about one text in 15 would answer yes wrongly */
#define FILTER_CLEAR_AT		((1 << FILTER_BITS_LOG2) / 4)

typedef struct FilledTexts
{
	pg_atomic_uint32 nset;		/* bits set since the last clearing */
	pg_atomic_uint32 clearing;	/* 1 while a backend clears */
	pg_atomic_uint64 words[FILTER_WORDS];
} FilledTexts;

static FilledTexts *filter = NULL;

void
cachebot_filled_texts_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(FilledTexts)));
}

void
cachebot_filled_texts_startup(void)
{
	bool		found;

	filter = ShmemInitStruct("cachebot filled texts", sizeof(FilledTexts), &found);
	if (!found)
	{
		pg_atomic_init_u32(&filter->nset, 0);
		pg_atomic_init_u32(&filter->clearing, 0);
		for (int i = 0; i < FILTER_WORDS; i++)
			pg_atomic_init_u64(&filter->words[i], 0);
	}
}

/* The word of text's bits, and the mask of the two bits in it. */
static inline pg_atomic_uint64 *
text_bits(const char *text, int len, uint64 *mask)
{
	uint64		h = hash_bytes_extended((const unsigned char *) text, len, MyDatabaseId);

	*mask = (UINT64CONST(1) << ((h >> FILTER_WORDS_LOG2) % 64)) |
		(UINT64CONST(1) << ((h >> (FILTER_WORDS_LOG2 + 6)) % 64));
	return &filter->words[h % FILTER_WORDS];
}

bool
cachebot_filled_texts_may_have(const char *text, int len)
{
	pg_atomic_uint64 *word;
	uint64		mask;

	if (filter == NULL)
		return true;
	word = text_bits(text, len, &mask);
	return (pg_atomic_read_u64(word) & mask) == mask;
}

void
cachebot_filled_texts_clear(void)
{
	uint32		expected = 0;

	if (filter == NULL)
		return;
	if (!pg_atomic_compare_exchange_u32(&filter->clearing, &expected, 1))
		return;					/* another backend clears it */
	for (int i = 0; i < FILTER_WORDS; i++)
		pg_atomic_write_u64(&filter->words[i], 0);
	pg_atomic_write_u32(&filter->nset, 0);
	pg_atomic_write_u32(&filter->clearing, 0);
}

void
cachebot_filled_texts_note(const char *text, int len)
{
	pg_atomic_uint64 *word;
	uint64		mask;
	uint64		was;

	if (filter == NULL)
		return;
	word = text_bits(text, len, &mask);
	/* (read first: hits of a hot text would all write one cache line) */
	if ((pg_atomic_read_u64(word) & mask) == mask)
		return;
	was = pg_atomic_fetch_or_u64(word, mask);
	if ((was & mask) != mask &&
		pg_atomic_add_fetch_u32(&filter->nset, pg_popcount64(mask & ~was)) > FILTER_CLEAR_AT)
		cachebot_filled_texts_clear();
}
