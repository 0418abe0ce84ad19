/*
 * entry.c
 *		The stored form of a cached result.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/heaptoast.h"
#include "access/xact.h"
#include "access/htup_details.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "utils/timestamp.h"

#include "entry.h"

#define CHECKSUM_SEED UINT64CONST(0x5bd1e9955bd1e995)

static void
pad_to_maxalign(StringInfo buf)
{
	while (buf->len != MAXALIGN(buf->len))
		appendStringInfoChar(buf, '\0');
}

void
entry_begin(EntryBuilder *b, const char *fingerprint, int fplen,
			int ndeps, const Hash128 *deps, const uint64 *gens,
			int natts, Size limit)
{
	EntryHeader hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = ENTRY_MAGIC;
	hdr.format = ENTRY_FORMAT;
	hdr.natts = natts;
	hdr.fingerprint_len = fplen;
	hdr.ndeps = ndeps;
	hdr.created = GetCurrentStatementStartTimestamp();

	initStringInfo(&b->buf);
	appendBinaryStringInfo(&b->buf, (char *) &hdr, sizeof(hdr));
	pad_to_maxalign(&b->buf);
	appendBinaryStringInfo(&b->buf, fingerprint, fplen);
	pad_to_maxalign(&b->buf);
	for (int i = 0; i < ndeps; i++)
	{
		EntryDep	d;

		d.key = deps[i];
		d.gen = gens[i];
		appendBinaryStringInfo(&b->buf, (char *) &d, sizeof(d));
	}
	pad_to_maxalign(&b->buf);
	b->ntuples = 0;
	b->limit = limit;
	b->too_large = (Size) b->buf.len > limit;
}

/*
 * Appends the slot's tuple, with out-of-line values fetched, so the entry
 * stands alone. Returns false once the entry would pass its size limit.
 */
bool
entry_add_tuple(EntryBuilder *b, TupleTableSlot *slot)
{
	TupleDesc	desc = slot->tts_tupleDescriptor;
	Datum	   *values;
	bool		any_external = false;
	MinimalTuple tup;

	if (b->too_large)
		return false;

	slot_getallattrs(slot);
	values = slot->tts_values;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attlen == -1 && !slot->tts_isnull[i] &&
			VARATT_IS_EXTERNAL(DatumGetPointer(slot->tts_values[i])))
		{
			if (!any_external)
			{
				values = palloc(desc->natts * sizeof(Datum));
				memcpy(values, slot->tts_values, desc->natts * sizeof(Datum));
				any_external = true;
			}
			values[i] = PointerGetDatum(detoast_external_attr(
							(struct varlena *) DatumGetPointer(slot->tts_values[i])));
		}
	}
	tup = heap_form_minimal_tuple(desc, values, slot->tts_isnull);
	if ((Size) b->buf.len + MAXALIGN(tup->t_len) > b->limit)
		b->too_large = true;
	else
	{
		appendBinaryStringInfo(&b->buf, (char *) tup, tup->t_len);
		pad_to_maxalign(&b->buf);
		b->ntuples++;
	}
	if (any_external)
	{
		for (int i = 0; i < desc->natts; i++)
			if (values[i] != slot->tts_values[i])
				pfree(DatumGetPointer(values[i]));
		pfree(values);
	}
	pfree(tup);
	return !b->too_large;
}

void
entry_finish(EntryBuilder *b)
{
	EntryHeader *hdr = (EntryHeader *) b->buf.data;
	Size		hdrlen = MAXALIGN(sizeof(EntryHeader));

	hdr->total_len = b->buf.len;
	hdr->ntuples = b->ntuples;
	hdr->checksum = hash_bytes_extended((unsigned char *) b->buf.data + hdrlen,
										b->buf.len - hdrlen, CHECKSUM_SEED);
}

EntryCheck
entry_open(char *data, Size len, const char *fingerprint, int fplen,
		   int natts, EntryView *view)
{
	EntryHeader hdr;
	Size		hdrlen = MAXALIGN(sizeof(EntryHeader));
	Size		off;
	MinimalTuple *tups;

	if (len < hdrlen)
		return ENTRY_CORRUPT;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != ENTRY_MAGIC || hdr.format != ENTRY_FORMAT ||
		hdr.total_len != len)
		return ENTRY_CORRUPT;
	if (hash_bytes_extended((unsigned char *) data + hdrlen, len - hdrlen,
							CHECKSUM_SEED) != hdr.checksum)
		return ENTRY_CORRUPT;

	off = hdrlen;
	if (hdr.fingerprint_len > len - off)
		return ENTRY_CORRUPT;
	if (hdr.fingerprint_len != (uint32) fplen ||
		memcmp(data + off, fingerprint, fplen) != 0)
		return ENTRY_OTHER_KEY;
	off = MAXALIGN(off + hdr.fingerprint_len);
	if (hdr.natts != natts)
		return ENTRY_OTHER_KEY;

	if ((Size) hdr.ndeps * sizeof(EntryDep) > len - off)
		return ENTRY_CORRUPT;
	view->ndeps = hdr.ndeps;
	view->deps = (EntryDep *) (data + off);
	off = MAXALIGN(off + hdr.ndeps * sizeof(EntryDep));

	if (GetCurrentStatementStartTimestamp() - hdr.created >
		(int64) cachebot_ttl * USECS_PER_SEC)
		return ENTRY_EXPIRED;

	tups = palloc(Max(hdr.ntuples, 1) * sizeof(MinimalTuple));
	for (uint32 i = 0; i < hdr.ntuples; i++)
	{
		MinimalTuple t = (MinimalTuple) (data + off);

		if (off + offsetof(MinimalTupleData, t_bits) > len ||
			t->t_len < offsetof(MinimalTupleData, t_bits) ||
			t->t_len > len - off ||
			(t->t_infomask2 & HEAP_NATTS_MASK) > natts)
		{
			pfree(tups);
			return ENTRY_CORRUPT;
		}
		tups[i] = t;
		off = MAXALIGN(off + t->t_len);
	}
	if (off != len)
	{
		pfree(tups);
		return ENTRY_CORRUPT;
	}
	view->tuples = tups;
	view->ntuples = hdr.ntuples;
	return ENTRY_OK;
}
