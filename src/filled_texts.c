/*
 * filled_texts.c
 *		Which statement texts may have an entry (see filled_texts.h).
 *
 * One bit per hash of (database, text) in 2^20 bits: 128 kB, small enough
 * to stay in the CPU's caches (a probe of a larger region can miss the TLB,
 * which costs more than the decision it spares). Bits are set with an atomic
 * OR and no lock. Clearing races with setting: a bit set meanwhile may be
 * lost, which the filter allows (a clear bit costs one planning).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/shmem.h"

#include "filled_texts.h"

#define FILTER_BITS_LOG2	20
#define FILTER_WORDS		((1 << FILTER_BITS_LOG2) / 64)
/* past this many bits set (a quarter), one bit in four answers yes wrongly */
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

static inline uint32
text_bit(const char *text, int len)
{
	return hash_bytes_extended((const unsigned char *) text, len, MyDatabaseId) &
		((1 << FILTER_BITS_LOG2) - 1);
}

bool
cachebot_filled_texts_may_have(const char *text, int len)
{
	uint32		bit;

	if (filter == NULL)
		return true;
	bit = text_bit(text, len);
	return (pg_atomic_read_u64(&filter->words[bit / 64]) & (UINT64CONST(1) << (bit % 64))) != 0;
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
	uint32		bit;
	uint64		mask;
	pg_atomic_uint64 *word;

	if (filter == NULL)
		return;
	bit = text_bit(text, len);
	mask = UINT64CONST(1) << (bit % 64);
	word = &filter->words[bit / 64];
	/* (read first: hits of a hot text would all write one cache line) */
	if ((pg_atomic_read_u64(word) & mask) != 0)
		return;
	if ((pg_atomic_fetch_or_u64(word, mask) & mask) == 0 &&
		pg_atomic_add_fetch_u32(&filter->nset, 1) > FILTER_CLEAR_AT)
		cachebot_filled_texts_clear();
}
