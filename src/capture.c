/*
 * capture.c
 *		Row keys a fill derives from the values its plan computes.
 */
#include "postgres.h"

#include "access/transam.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "capture.h"
#include "committing.h"
#include "store.h"

/* Past this many distinct values a derived scan keeps its fallback keys. */
#define MAX_DERIVED_VALUES 64

/* A value's text in an entry's notes is cut to this many bytes. */
#define MAX_NOTE_VALUE 60

/* One derived scan, and the node whose calls give its values. */
typedef struct ScanCapture
{
	const DerivedScan *scan;
	PlanState  *node;			/* the scan (a parameter), the other side (a join) */
	ExecProcNodeMtd wrapped;	/* the node's own function */
	bool		completed;		/* a join's other side returned its last row */
	FmgrInfo	hash;
	FmgrInfo	output;			/* for the notes: a built-in output function */
	bool		has_output;
	MemoryContext cxt;			/* the capture's */
	MemoryContext scratch;		/* for hashing, reset after each value */
	bool		byval;
	bool		has_last;		/* last: the value last hashed (by value only) */
	Datum		last;
	bool		failed;			/* too many values, or one never computed */
	int			nvalues;
	uint64		hashes[MAX_DERIVED_VALUES];
	char	   *texts[MAX_DERIVED_VALUES];	/* for the entry's notes */
} ScanCapture;

struct FillCapture
{
	FillCapture *next;
	int			nscans;
	ScanCapture *scans;
	MemoryContextCallback unlink;
};

/* The captures of the fills running in this backend (cursors interleave). */
static FillCapture *active_captures = NULL;

static void
unlink_capture(void *arg)
{
	FillCapture **p = &active_captures;

	while (*p)
	{
		if (*p == arg)
		{
			*p = (*p)->next;
			return;
		}
		p = &(*p)->next;
	}
}

/*
 * A value's text for the entry's notes, in the capture's context. Only a
 * built-in output function is called: one of a user's type could raise an
 * error, or have effects, that the statement itself would not have.
 */
static char *
value_text(ScanCapture *sc, Datum value)
{
	MemoryContext old;
	char	   *text;
	char	   *copy;

	if (!sc->has_output)
		return NULL;
	old = MemoryContextSwitchTo(sc->scratch);
	text = OutputFunctionCall(&sc->output, value);
	MemoryContextSwitchTo(old);
	copy = MemoryContextStrdup(sc->cxt, text);
	if (strlen(copy) > MAX_NOTE_VALUE)
		strcpy(copy + pg_mbcliplen(copy, strlen(copy), MAX_NOTE_VALUE - 3), "...");
	MemoryContextReset(sc->scratch);
	return copy;
}

/* Notes one value compared with the scan's column. */
static void
note_value(ScanCapture *sc, Datum value, bool isnull)
{
	uint64		h;
	MemoryContext old;

	if (isnull)
		return;					/* = NULL matches no row */
	if (sc->byval && sc->has_last && value == sc->last)
		return;

	old = MemoryContextSwitchTo(sc->scratch);
	h = cachebot_compared_value_hash_with(&sc->hash, sc->scan->colcoll, value);
	MemoryContextSwitchTo(old);
	MemoryContextReset(sc->scratch);
	sc->last = value;
	sc->has_last = true;

	for (int i = 0; i < sc->nvalues; i++)
		if (sc->hashes[i] == h)
			return;
	if (sc->nvalues == MAX_DERIVED_VALUES)
	{
		sc->failed = true;
		return;
	}
	sc->texts[sc->nvalues] = value_text(sc, value);
	sc->hashes[sc->nvalues++] = h;
}

/* After a call of its node: what the call tells of the scan's values. */
static void
note_call(ScanCapture *sc, TupleTableSlot *slot)
{
	if (sc->scan->paramid >= 0)
	{
		ParamExecData *prm = &sc->node->state->es_param_exec_vals[sc->scan->paramid];

		/*
		 * Read after the call: an InitPlan's value is computed by the scan's
		 * first use of it. Not computed yet (the scan's quals never needed
		 * it, its table being empty): the value a row would have been
		 * compared with is unknown.
		 */
		if (prm->execPlan != NULL)
			sc->failed = true;
		else
			note_value(sc, prm->value, prm->isnull);
	}
	else if (TupIsNull(slot))
		sc->completed = true;
	else
	{
		bool		isnull;
		Datum		value = slot_getattr(slot, sc->scan->capture_attno, &isnull);

		note_value(sc, value, isnull);
	}
}

/* Runs in place of the function of a node some derived scans watch. */
static TupleTableSlot *
capture_exec(PlanState *node)
{
	ExecProcNodeMtd wrapped = NULL;
	TupleTableSlot *slot;

	for (FillCapture *fc = active_captures; fc && !wrapped; fc = fc->next)
		for (int i = 0; i < fc->nscans && !wrapped; i++)
			if (fc->scans[i].node == node)
				wrapped = fc->scans[i].wrapped;
	if (wrapped == NULL)
		elog(ERROR, "cachebot: no capture for plan node %d", node->plan->plan_node_id);
	slot = wrapped(node);
	for (FillCapture *fc = active_captures; fc; fc = fc->next)
		for (int i = 0; i < fc->nscans; i++)
			if (fc->scans[i].node == node && !fc->scans[i].failed)
				note_call(&fc->scans[i], slot);
	return slot;
}

typedef struct FindContext
{
	FillCapture *fc;
	int			found;
} FindContext;

static bool
wrap_scans(PlanState *node, FindContext *cx)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	for (int i = 0; i < cx->fc->nscans; i++)
	{
		ScanCapture *sc = &cx->fc->scans[i];
		int			watched = sc->scan->paramid >= 0 ? sc->scan->plan_node_id :
			sc->scan->capture_node_id;

		if (sc->node != NULL || node->plan->plan_node_id != watched)
			continue;
		sc->node = node;
		if (node->ExecProcNodeReal == capture_exec)
		{
			/* Watched for another derived scan already. */
			for (int j = 0; j < cx->fc->nscans; j++)
				if (j != i && cx->fc->scans[j].node == node)
					sc->wrapped = cx->fc->scans[j].wrapped;
			Assert(sc->wrapped != NULL);
		}
		else
		{
			sc->wrapped = node->ExecProcNodeReal;
			if (node->ExecProcNode == node->ExecProcNodeReal)
				node->ExecProcNode = capture_exec;
			node->ExecProcNodeReal = capture_exec;
		}
		cx->found++;
	}
	return planstate_tree_walker(node, wrap_scans, cx);
}

FillCapture *
cachebot_capture_begin(QueryDesc *qd, DepSet *set, MemoryContext cxt)
{
	MemoryContext old;
	FillCapture *fc;
	FindContext cx;
	ListCell   *lc;
	MemoryContext scratch;
	int			nparams = list_length(qd->plannedstmt->paramExecTypes);

	if (set->scans == NIL || qd->planstate == NULL)
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	cachebot_plan_derive_scans(qd->plannedstmt, set);
	if (set->derived == NIL)
	{
		MemoryContextSwitchTo(old);
		return NULL;
	}
	fc = palloc0(sizeof(FillCapture));
	fc->scans = palloc0(list_length(set->derived) * sizeof(ScanCapture));
	scratch = AllocSetContextCreate(cxt, "cachebot capture", ALLOCSET_SMALL_SIZES);
	foreach(lc, set->derived)
	{
		const DerivedScan *ds = lfirst(lc);
		ScanCapture *sc = &fc->scans[fc->nscans];

		sc->scan = ds;
		sc->scratch = scratch;
		sc->cxt = cxt;
		{
			Oid			outfunc;
			bool		varlena;

			getTypeOutputInfo(ds->paramtype, &outfunc, &varlena);
			sc->has_output = outfunc < FirstGenbkiObjectId;
			if (sc->has_output)
				fmgr_info_cxt(outfunc, &sc->output, cxt);
		}
		sc->byval = get_typbyval(ds->paramtype);
		if (ds->paramid >= nparams || (ds->paramid < 0 && ds->capture_attno <= 0) ||
			!cachebot_compared_value_hashable(ds->coltype, ds->colcoll, ds->opno,
											  ds->inputcollid, ds->paramtype,
											  &sc->hash, cxt))
			sc->failed = true;
		fc->nscans++;
	}
	fc->unlink.func = unlink_capture;
	fc->unlink.arg = fc;
	MemoryContextRegisterResetCallback(cxt, &fc->unlink);
	fc->next = active_captures;
	active_captures = fc;
	MemoryContextSwitchTo(old);

	cx.fc = fc;
	cx.found = 0;
	(void) wrap_scans(qd->planstate, &cx);
	/* A scan not found (a subplan never initialized) never runs: no values. */
	return fc;
}

/* An entry dependency: a key's hash and the gen it is stored with. */
typedef struct KeyGen
{
	Hash128		key;
	uint64		gen;
} KeyGen;

/* Where key is in set->keys, or -1. */
static int
key_index(const DepSet *set, const DepKey *key)
{
	for (int i = 0; i < set->n; i++)
		if (depkey_equal(&set->keys[i], key))
			return i;
	return -1;
}

bool
cachebot_capture_settle(FillCapture *fc, const DepSet *set, const uint64 *gens,
						int *ndeps, Hash128 **deps, uint64 **newgens, List **notes)
{
	const CacheStore *store = cachebot_cache_store();
	int		   *refs;
	int		   *pos;
	bool	   *dropped;
	Hash128    *derived;
	int			nderived = 0;
	Hash128    *fallback;
	int			nfallback = 0;
	VersionRead *versions;
	KeyGen	   *out;
	int			nout = 0;
	int			maxderived = 0;
	bool		any = false;

	if (fc == NULL || store == NULL)
		return false;

	/*
	 * Which keys are left once the successful scans' fallbacks go. refs
	 * follow the order of set->keys; dropped and gens that of set->hashes
	 * (pos maps the one to the other).
	 */
	refs = palloc(set->n * sizeof(int));
	memcpy(refs, set->refs, set->n * sizeof(int));
	pos = palloc(set->n * sizeof(int));
	for (int i = 0; i < set->n; i++)
		pos[set->order[i]] = i;
	for (int s = 0; s < fc->nscans; s++)
	{
		ScanCapture *sc = &fc->scans[s];

		/* A join's other side must have run to its end: see deps.h. */
		if (sc->scan->paramid < 0 && !sc->completed)
			sc->failed = true;
		if (sc->failed)
			continue;
		any = true;
		maxderived += sc->nvalues;
		for (int k = 0; k < sc->scan->nfallback; k++)
		{
			int			ki = key_index(set, &sc->scan->fallback[k]);

			if (ki >= DEPSET_FIRST_ROW)
				refs[ki]--;
		}
	}
	if (!any)
		return false;

	dropped = palloc0(set->n * sizeof(bool));
	fallback = palloc(set->n * sizeof(Hash128));
	for (int i = DEPSET_FIRST_ROW; i < set->n; i++)
		if (refs[set->order[i]] <= 0)
		{
			dropped[i] = true;
			fallback[nfallback++] = set->hashes[i];
		}

	/* The derived keys not in the set already. */
	derived = palloc(Max(maxderived, 1) * sizeof(Hash128));
	for (int s = 0; s < fc->nscans; s++)
	{
		ScanCapture *sc = &fc->scans[s];

		CHECK_FOR_INTERRUPTS();
		if (sc->failed)
			continue;
		for (int v = 0; v < sc->nvalues; v++)
		{
			DepKey		k = depkey_make(DEP_COLUMN_VALUE, MyDatabaseId, sc->scan->relid,
										sc->scan->attnum, sc->hashes[v]);
			int			ki = key_index(set, &k);
			Hash128		h;
			bool		seen = false;

			if (ki >= 0 && !dropped[pos[ki]])
				continue;		/* read before the snapshot, and kept */
			h = cachebot_depkey_hash(&k);
			for (int d = 0; d < nderived && !seen; d++)
				seen = hash128_equal(&derived[d], &h);
			if (!seen)
				derived[nderived++] = h;
		}
	}

	/* First the derived keys, then the fallbacks again: see capture.h. */
	versions = palloc(Max(Max(nderived, nfallback), 1) * sizeof(VersionRead));
	out = palloc((set->n + nderived) * sizeof(KeyGen));
	if (nderived > 0)
	{
		if (!cachebot_committing_lookup(store, NULL, nderived, derived, NULL, NULL, versions))
			return false;
		for (int d = 0; d < nderived; d++)
		{
			if (versions[d].pending)
				return false;
			out[set->n + d].key = derived[d];
			out[set->n + d].gen = versions[d].gen;
		}
	}
	if (nfallback > 0)
	{
		if (!cachebot_committing_lookup(store, NULL, nfallback, fallback, NULL, NULL, versions))
			return false;
		for (int f = 0, i = 0; f < nfallback; f++, i++)
		{
			while (!dropped[i])
				i++;			/* fallback[] lists the dropped keys in hash order */
			if (versions[f].pending || versions[f].gen != gens[i])
				return false;
		}
	}

	/* The epoch and the catalog first, then the rest in a canonical order. */
	for (int i = 0; i < set->n; i++)
		if (!dropped[i])
		{
			out[nout].key = set->hashes[i];
			out[nout++].gen = gens[i];
		}
	for (int d = 0; d < nderived; d++)
		out[nout++] = out[set->n + d];
	if (nout > DEPSET_FIRST_ROW + 1)
		qsort(out + DEPSET_FIRST_ROW, nout - DEPSET_FIRST_ROW, sizeof(KeyGen), cachebot_hash128_cmp);

	*notes = NIL;
	for (int s = 0; s < fc->nscans; s++)
	{
		ScanCapture *sc = &fc->scans[s];
		char	   *rel;
		char	   *att;

		if (sc->failed)
			continue;
		rel = get_rel_name(sc->scan->relid);
		att = get_attname(sc->scan->relid, sc->scan->attnum, true);
		for (int v = 0; v < sc->nvalues; v++)
			*notes = lappend(*notes, psprintf("%s.%s = %s", rel ? rel : "?", att ? att : "?",
											  sc->texts[v] ? sc->texts[v] : "?"));
	}
	*ndeps = nout;
	*deps = palloc(nout * sizeof(Hash128));
	*newgens = palloc(nout * sizeof(uint64));
	for (int i = 0; i < nout; i++)
	{
		(*deps)[i] = out[i].key;
		(*newgens)[i] = out[i].gen;
	}
	return true;
}
