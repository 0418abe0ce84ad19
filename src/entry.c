/*
 * entry.c
 *		The stored form of a cached result.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/heaptoast.h"
#include "access/xact.h"
#include "access/htup_details.h"
#include "access/sysattr.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "storage/lockdefs.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "entry.h"
#include "fingerprint.h"

#define CHECKSUM_SEED UINT64CONST(0x5bd1e9955bd1e995)

/* One relation privilege check, then its columns (bitmap members). */
typedef struct EntryPermission
{
	Oid			relid;
	Oid			checkAsUser;
	uint32		requiredPerms;	/* AclMode */
	uint32		ncolumns;
	/* int32 members of selectedCols follow */
} EntryPermission;

/* Keyed with the seal's seed, or none (0): see entry.h. */
static uint64
checksum(const char *data, Size len, EntrySeal seal)
{
	if (!seal.checksummed)
		return 0;
	return hash_bytes_extended((const unsigned char *) data, (int) len,
							   CHECKSUM_SEED ^ seal.seed);
}

static void
pad_to_maxalign(StringInfo buf)
{
	while (buf->len != MAXALIGN(buf->len))
		appendStringInfoChar(buf, '\0');
}

/* The privilege checks of a plan's range table, appended to buf. */
static uint32
append_permissions(StringInfo buf, List *rtable)
{
	ListCell   *lc;
	uint32		n = 0;

	foreach(lc, rtable)
	{
		RangeTblEntry *rte = lfirst_node(RangeTblEntry, lc);
		EntryPermission perm;
		int			col = -1;

		if (rte->rtekind != RTE_RELATION || rte->requiredPerms == 0)
			continue;
		perm.relid = rte->relid;
		perm.checkAsUser = rte->checkAsUser;
		perm.requiredPerms = (uint32) rte->requiredPerms;
		perm.ncolumns = bms_num_members(rte->selectedCols);
		appendBinaryStringInfo(buf, (char *) &perm, sizeof(perm));
		while ((col = bms_next_member(rte->selectedCols, col)) >= 0)
		{
			int32		member = col;

			appendBinaryStringInfo(buf, (char *) &member, sizeof(member));
		}
		n++;
	}
	return n;
}

void
cachebot_entry_begin(EntryBuilder *b, const char *fingerprint, int fplen,
					 int ndeps, const Hash128 *deps, const uint64 *gens,
					 List *rtable, List *functions, int natts, Size limit, EntrySeal seal)
{
	EntryHeader hdr;
	ListCell   *lc;
	uint32		npermissions;

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
	/*
	 * No notes: cachebot_entry_set_deps() may add some. (The count is set
	 * after the append: appending may move the buffer, and the header with it.)
	 */
	npermissions = append_permissions(&b->buf, rtable);
	((EntryHeader *) b->buf.data)->npermissions = npermissions;
	pad_to_maxalign(&b->buf);
	((EntryHeader *) b->buf.data)->nfunctions = list_length(functions);
	foreach(lc, functions)
	{
		Oid			fn = lfirst_oid(lc);

		appendBinaryStringInfo(&b->buf, (char *) &fn, sizeof(fn));
	}
	pad_to_maxalign(&b->buf);
	b->ntuples = 0;
	b->limit = limit;
	b->seal = seal;
	b->too_large = (Size) b->buf.len > limit;
}

/* Where an entry's dependencies start, and its notes. */
static Size
deps_offset(const EntryHeader *hdr)
{
	return MAXALIGN(sizeof(EntryHeader)) + MAXALIGN(hdr->fingerprint_len);
}

static Size
notes_offset(const EntryHeader *hdr)
{
	return deps_offset(hdr) + MAXALIGN(hdr->ndeps * sizeof(EntryDep));
}

void
cachebot_entry_set_deps(EntryBuilder *b, int ndeps, const Hash128 *deps, const uint64 *gens,
						List *notes)
{
	EntryHeader *hdr = (EntryHeader *) b->buf.data;
	Size		deps_start = deps_offset(hdr);
	Size		rest_start = notes_offset(hdr) + MAXALIGN(hdr->notes_len);
	StringInfoData buf;
	Size		notes_start;
	ListCell   *lc;

	Assert(rest_start <= (Size) b->buf.len);
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, b->buf.data, deps_start);
	for (int i = 0; i < ndeps; i++)
	{
		EntryDep	d;

		d.key = deps[i];
		d.gen = gens[i];
		appendBinaryStringInfo(&buf, (char *) &d, sizeof(d));
	}
	pad_to_maxalign(&buf);
	notes_start = buf.len;
	foreach(lc, notes)
		appendBinaryStringInfo(&buf, lfirst(lc), strlen(lfirst(lc)) + 1);
	((EntryHeader *) buf.data)->notes_len = buf.len - notes_start;
	((EntryHeader *) buf.data)->nnotes = list_length(notes);
	pad_to_maxalign(&buf);
	/* What follows is MAXALIGNed relative to the start, so it moves as it is. */
	appendBinaryStringInfo(&buf, b->buf.data + rest_start, b->buf.len - rest_start);
	((EntryHeader *) buf.data)->ndeps = ndeps;
	pfree(b->buf.data);
	b->buf = buf;
	b->too_large = (Size) b->buf.len > b->limit;
}

/*
 * Appends the slot's tuple, with out-of-line values fetched and compressed
 * ones expanded, so the entry stands alone and every value in it can be
 * checked by its length. Returns false once the entry would pass its size
 * limit.
 */
bool
cachebot_entry_add_tuple(EntryBuilder *b, TupleTableSlot *slot)
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
			(VARATT_IS_EXTERNAL(DatumGetPointer(slot->tts_values[i])) ||
			 VARATT_IS_COMPRESSED(DatumGetPointer(slot->tts_values[i]))))
		{
			if (!any_external)
			{
				values = palloc(desc->natts * sizeof(Datum));
				memcpy(values, slot->tts_values, desc->natts * sizeof(Datum));
				any_external = true;
			}
			values[i] = PointerGetDatum(detoast_attr(
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
cachebot_entry_finish(EntryBuilder *b)
{
	EntryHeader *hdr = (EntryHeader *) b->buf.data;
	Size		hdrlen = MAXALIGN(sizeof(EntryHeader));

	hdr->total_len = b->buf.len;
	hdr->ntuples = b->ntuples;
	hdr->checksum = checksum(b->buf.data + hdrlen, b->buf.len - hdrlen, b->seal);
}

/*
 * Does the minimal tuple at t, within avail bytes, hold natts values laid out
 * as columns says, all in line and uncompressed, filling exactly t_len?
 * Follows heap_deform_tuple's walk, checking every step against the bounds.
 */
static bool
tuple_is_sound(MinimalTuple t, Size avail, int natts, const ColumnLayout *columns)
{
	bool		hasnulls;
	Size		hoff;
	Size		off = 0;
	Size		data_len;
	char	   *data;

	if (avail < SizeofMinimalTupleHeader || t->t_len < SizeofMinimalTupleHeader ||
		t->t_len > avail || HeapTupleHeaderGetNatts(t) != natts ||
		(t->t_infomask & HEAP_HASEXTERNAL))
		return false;
	hasnulls = (t->t_infomask & HEAP_HASNULL) != 0;
	hoff = MAXALIGN(SizeofMinimalTupleHeader + (hasnulls ? BITMAPLEN(natts) : 0));
	if (t->t_hoff != hoff + MINIMAL_TUPLE_OFFSET || hoff > t->t_len)
		return false;
	data = (char *) t + hoff;
	data_len = t->t_len - hoff;

	for (int i = 0; i < natts; i++)
	{
		const ColumnLayout *col = &columns[i];

		if (hasnulls && att_isnull(i, t->t_bits))
			continue;
		if (col->len > 0)
		{
			off = att_align_nominal(off, col->align);
			if (off > data_len || col->len > data_len - off)
				return false;
			off += col->len;
		}
		else if (col->len == -1)
		{
			Size		size;

			if (off >= data_len)
				return false;
			off = att_align_pointer(off, col->align, -1, data + off);
			if (off >= data_len)
				return false;
			if (VARATT_IS_1B(data + off))
			{
				if (VARATT_IS_1B_E(data + off))
					return false;	/* out of line */
				size = VARSIZE_1B(data + off);
				if (size < VARHDRSZ_SHORT)
					return false;
			}
			else
			{
				if (data_len - off < VARHDRSZ || !VARATT_IS_4B_U(data + off))
					return false;	/* truncated, or compressed */
				size = VARSIZE_4B(data + off);
				if (size < VARHDRSZ)
					return false;
			}
			if (size > data_len - off)
				return false;
			off += size;
		}
		else if (col->len == -2)
		{
			Size		n;

			off = att_align_nominal(off, col->align);
			if (off >= data_len)
				return false;
			n = strnlen(data + off, data_len - off);
			if (n == data_len - off)
				return false;	/* no terminator */
			off += n + 1;
		}
		else
			return false;
	}
	return off == data_len;
}

/*
 * Reads npermissions privilege checks at *off into RangeTblEntry nodes, as
 * the executor checks them; false if they do not fit in len.
 */
static bool
read_permissions(const char *data, Size len, Size *off, uint32 npermissions, List **out)
{
	List	   *rtes = NIL;

	for (uint32 i = 0; i < npermissions; i++)
	{
		EntryPermission perm;
		RangeTblEntry *rte;

		if (*off > len || len - *off < sizeof(perm))
			return false;
		memcpy(&perm, data + *off, sizeof(perm));
		*off += sizeof(perm);
		if (perm.ncolumns > (len - *off) / sizeof(int32))
			return false;
		CHECK_FOR_INTERRUPTS();
		rte = makeNode(RangeTblEntry);
		rte->rtekind = RTE_RELATION;
		rte->relid = perm.relid;
		rte->relkind = get_rel_relkind(perm.relid);
		rte->rellockmode = AccessShareLock;
		rte->checkAsUser = perm.checkAsUser;
		rte->requiredPerms = (AclMode) perm.requiredPerms;
		for (uint32 c = 0; c < perm.ncolumns; c++)
		{
			int32		member;

			memcpy(&member, data + *off, sizeof(member));
			*off += sizeof(member);
			/* A column's member: its number less FirstLowInvalidHeapAttributeNumber. */
			if (member < 0 || member > MaxAttrNumber - FirstLowInvalidHeapAttributeNumber)
				return false;
			rte->selectedCols = bms_add_member(rte->selectedCols, member);
		}
		rte->inFromCl = true;
		/* EXPLAIN names every range table entry (a replay node shows none). */
		rte->eref = makeAlias("cached", NIL);
		rtes = lappend(rtes, rte);
	}
	*out = rtes;
	return true;
}

EntryCheck
cachebot_entry_open(char *data, Size len, const char *fingerprint, int fplen,
					int natts, const ColumnLayout *columns, int ttl, EntrySeal seal,
					EntryView *view)
{
	EntryHeader hdr;
	Size		hdrlen = MAXALIGN(sizeof(EntryHeader));
	Size		off;
	MinimalTuple *tups;

	if (len < hdrlen || len > MaxAllocSize)
		return ENTRY_CORRUPT;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != ENTRY_MAGIC || hdr.format != ENTRY_FORMAT ||
		hdr.total_len != len)
		return ENTRY_CORRUPT;
	if (checksum(data + hdrlen, len - hdrlen, seal) != hdr.checksum)
		return ENTRY_CORRUPT;

	off = hdrlen;
	if (hdr.fingerprint_len > len - off)
		return ENTRY_CORRUPT;
	/*
	 * The key is a 128-bit hash of the fingerprint: another fingerprint
	 * under it is not a collision but a store handing back another key's
	 * entry.
	 */
	if (hdr.fingerprint_len != (uint32) fplen ||
		memcmp(data + off, fingerprint, fplen) != 0)
		return ENTRY_CORRUPT;
	off = MAXALIGN(off + hdr.fingerprint_len);
	if (hdr.natts != natts)
		return ENTRY_CORRUPT;

	if (hdr.ndeps > ENTRY_MAX_DEPS ||
		off > len || (Size) hdr.ndeps * sizeof(EntryDep) > len - off)
		return ENTRY_CORRUPT;
	view->ndeps = hdr.ndeps;
	view->deps = (EntryDep *) (data + off);
	off = MAXALIGN(off + hdr.ndeps * sizeof(EntryDep));

	/* nnotes strings, each ending within the section, filling it exactly. */
	if (hdr.nnotes > ENTRY_MAX_DEPS || off > len || hdr.notes_len > len - off)
		return ENTRY_CORRUPT;
	view->notes = NIL;
	for (Size at = 0; at < hdr.notes_len;)
	{
		const char *note = data + off + at;
		Size		n = strnlen(note, hdr.notes_len - at);

		if (n == hdr.notes_len - at || list_length(view->notes) == (int) hdr.nnotes)
			return ENTRY_CORRUPT;	/* unterminated, or more than counted */
		view->notes = lappend(view->notes, (char *) note);
		at += n + 1;
	}
	if (list_length(view->notes) != (int) hdr.nnotes)
		return ENTRY_CORRUPT;
	off = MAXALIGN(off + hdr.notes_len);

	if (!read_permissions(data, len, &off, hdr.npermissions, &view->permissions))
		return ENTRY_CORRUPT;
	off = MAXALIGN(off);

	if (hdr.nfunctions > ENTRY_MAX_FUNCTIONS || off > len ||
		(Size) hdr.nfunctions * sizeof(Oid) > len - off)
		return ENTRY_CORRUPT;
	view->functions = NIL;
	for (uint32 i = 0; i < hdr.nfunctions; i++)
	{
		Oid			fn;

		memcpy(&fn, data + off + i * sizeof(Oid), sizeof(Oid));
		view->functions = lappend_oid(view->functions, fn);
	}
	off = MAXALIGN(off + hdr.nfunctions * sizeof(Oid));

	if (GetCurrentStatementStartTimestamp() - hdr.created >
		(int64) ttl * USECS_PER_SEC)
		return ENTRY_EXPIRED;

	/* Each tuple takes at least a header: a count past that is a lie. */
	if (off > len || hdr.ntuples > (len - off) / MAXALIGN(SizeofMinimalTupleHeader))
		return ENTRY_CORRUPT;
	tups = palloc(Max(hdr.ntuples, 1) * sizeof(MinimalTuple));
	for (uint32 i = 0; i < hdr.ntuples; i++)
	{
		MinimalTuple t = (MinimalTuple) (data + off);

		CHECK_FOR_INTERRUPTS();
		if (off > len || !tuple_is_sound(t, len - off, natts, columns))
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

/*
 * Damages an entry in place, keeping its checksum right, as a broken or
 * hostile store could: for the tests that check that cachebot_entry_open() rejects
 * it. Returns false if what is unknown or the entry has no such part.
 */
bool
cachebot_entry_corrupt(char **data, Size *len, const char *what, EntrySeal seal)
{
	EntryHeader *hdr = (EntryHeader *) *data;
	Size		hdrlen = MAXALIGN(sizeof(EntryHeader));
	Size		off = notes_offset(hdr) + MAXALIGN(hdr->notes_len);
	MinimalTuple first;

	for (uint32 i = 0; i < hdr->npermissions; i++)
	{
		EntryPermission perm;

		memcpy(&perm, *data + off, sizeof(perm));
		off += sizeof(perm) + perm.ncolumns * sizeof(int32);
	}
	off = MAXALIGN(off);
	off = MAXALIGN(off + hdr->nfunctions * sizeof(Oid));
	first = hdr->ntuples > 0 ? (MinimalTuple) (*data + off) : NULL;

	if (strcmp(what, "ntuples") == 0)
		hdr->ntuples = 0x7fffffff;
	else if (strcmp(what, "fingerprint_length") == 0)
		hdr->fingerprint_len = (uint32) *len;
	else if (strcmp(what, "ndeps") == 0)
		hdr->ndeps = 0x7fffffff;
	else if (strcmp(what, "fingerprint") == 0 && hdr->fingerprint_len > 0)
		(*data)[hdrlen + hdr->fingerprint_len - 1] ^= 0x01;	/* another key's entry */
	else if (strcmp(what, "npermissions") == 0)
		hdr->npermissions = 0x7fffffff;
	else if (strcmp(what, "nfunctions") == 0)
		hdr->nfunctions = 0x7fffffff;
	else if (strcmp(what, "nnotes") == 0)
		hdr->nnotes += 1;
	else if (strcmp(what, "notes_length") == 0)
		hdr->notes_len = (uint32) *len;
	else if (strcmp(what, "note_unterminated") == 0 && hdr->notes_len > 0)
		(*data)[notes_offset(hdr) + hdr->notes_len - 1] = 'x';
	else if (strcmp(what, "truncated") == 0 && *len > hdrlen + 8)
		*len -= 8;
	else if (strcmp(what, "trailing") == 0)
	{
		char	   *longer = palloc0(*len + 8);

		memcpy(longer, *data, *len);
		*data = longer;
		*len += 8;
		hdr = (EntryHeader *) longer;
	}
	else if (first == NULL)
		return false;
	else if (strcmp(what, "tuple_length") == 0)
		first->t_len = (uint32) *len * 4;
	else if (strcmp(what, "natts") == 0)
		HeapTupleHeaderSetNatts(first, HeapTupleHeaderGetNatts(first) + 1);
	else if (strcmp(what, "hoff") == 0)
		first->t_hoff += MAXIMUM_ALIGNOF;
	else if (strcmp(what, "value_length") == 0 || strcmp(what, "external") == 0 ||
			 strcmp(what, "compressed") == 0)
	{
		/* The first value of the first tuple: the tests make it a text. */
		char	   *value = (char *) first + first->t_hoff - MINIMAL_TUPLE_OFFSET;

		if (strcmp(what, "value_length") == 0)
		{
			if (VARATT_IS_1B(value))
				SET_VARSIZE_1B(value, 0x7f);
			else
				SET_VARSIZE(value, 0x3fffffff);
		}
		else if (strcmp(what, "external") == 0)
			*value = VARATT_IS_1B(value) ? 0x01 : *value;
		else if (!VARATT_IS_1B(value))
			SET_VARSIZE_COMPRESSED(value, VARSIZE(value));
		else
			return false;
	}
	else
		return false;

	hdr->total_len = (uint32) *len;
	hdr->checksum = checksum(*data + hdrlen, *len - hdrlen, seal);
	return true;
}
