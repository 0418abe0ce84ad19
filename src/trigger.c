/*
 * trigger.c
 *		The row and TRUNCATE trigger that track() installs: it only collects
 *		what the write invalidates, for the transaction to bump at commit
 *		(xact.h). Its arguments are decoded by tracking.c.
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/rel.h"

#include "keys.h"
#include "tracking.h"
#include "xact.h"

PG_FUNCTION_INFO_V1(cachebot_invalidate_trigger);

/*
 * Row and TRUNCATE trigger installed by cachebot.track(); its arguments are
 * described in tracking.h.
 */
Datum
cachebot_invalidate_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			self;
	TrackInfo	info;
	DepKey		k;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cachebot._invalidate_trigger() was not called as a trigger")));
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cachebot._invalidate_trigger() must be fired AFTER")));

	self = RelationGetRelid(trigdata->tg_relation);
	cachebot_tracking_of_trigger(trigdata->tg_relation, trigdata->tg_trigger->tgnargs,
						trigdata->tg_trigger->tgargs, &info);

	k = depkey_make(TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event) ?
					DEP_GENERATION : DEP_ANY_ROW, MyDatabaseId, info.root, 0, 0);
	cachebot_xact_collect(&k);
	if (info.root != self)
		cachebot_xact_mark_written(self);

	/*
	 * Row keys by the old and the new values. A partition's columns need not
	 * be numbered like its root's: its writes bump (T, *) only, which is what
	 * readers of partitions depend on.
	 */
	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) && info.root == self && info.nkeyed > 0)
	{
		TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);

		if (!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
			cachebot_xact_collect_row(&info, desc, trigdata->tg_trigtuple);
		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
			cachebot_xact_collect_row(&info, desc, trigdata->tg_newtuple);
		else if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
			cachebot_xact_collect_row(&info, desc, trigdata->tg_trigtuple);
	}

	return PointerGetDatum(NULL);
}
