/*
 * capture.h
 *		Row keys a fill derives from the values its plan computes.
 *
 * A derived scan (deps.h) compares a keyed column of a tracked table with a
 * parameter the plan computes: a nested loop's outer value, an InitPlan's
 * result. While a fill runs, the scan's node is wrapped and every value the
 * parameter takes when the scan runs is hashed, up to 64 distinct values;
 * after the run the entry may depend on (T, col, value) for those values
 * instead of the scan's fallback keys (normally (T, *)), so that writes to
 * other rows of T leave it valid.
 *
 * The version records of the derived keys are read after the run, not
 * before the snapshot as the freshness protocol wants (the values were not
 * known then). What makes that safe is enforced in cachebot_capture_settle:
 * the derived keys are read first, then the fallback keys are read again,
 * and the derived keys are used only if no derived key is pending and every
 * fallback key still has the gen read before the snapshot and is not
 * pending. A writer that could change the scan's output bumps one of its
 * fallback keys and one of its derived keys, each once at pre-commit and
 * once at commit. If its pre-commit bump of the derived key came after that
 * key was read, the entry carries the old gen and dies with the bump,
 * before the write is visible. If it came before, the key was pending at
 * the read unless the writer's commit bumps were done too; then its
 * pre-commit bump of the fallback key came earlier still: before the first
 * read (then the fallback was pending, and nothing was filled, or the
 * writer was visible to the snapshot), or after it, and the second read
 * sees the gen changed.
 */
#ifndef CACHEBOT_CAPTURE_H
#define CACHEBOT_CAPTURE_H

#include "executor/execdesc.h"

#include "deps.h"
#include "keys.h"

typedef struct FillCapture FillCapture;

/*
 * Finds set's derived scans in qd's plan (cachebot_plan_derive_scans) and
 * wraps their nodes in the started plan, so that the values they are given
 * are collected as the plan runs. Allocates in cxt, and stops capturing
 * when cxt goes away. NULL if there is no derived scan.
 */
extern FillCapture *cachebot_capture_begin(QueryDesc *qd, DepSet *set, MemoryContext cxt);

/*
 * After the fill ran to its end: the dependencies to store the entry with,
 * given set (finished) and the gens read for set->hashes before the
 * snapshot. Returns true and *ndeps, *deps, *gens (palloc'd) if derived keys
 * replace fallback keys, with *notes describing them for people
 * ("photo.user_id = 5", strings); false if the entry keeps set's own
 * dependencies (no derived scan's values are known, or the reads above do
 * not allow it).
 */
extern bool cachebot_capture_settle(FillCapture *fc, const DepSet *set, const uint64 *gens,
									int *ndeps, Hash128 **deps, uint64 **newgens,
									List **notes);

#endif							/* CACHEBOT_CAPTURE_H */
