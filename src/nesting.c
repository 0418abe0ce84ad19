/*
 * nesting.c
 *		Whether a statement runs on its own or inside another one.
 */
#include "postgres.h"

#include "nesting.h"

int			cachebot_nesting_depth[NESTING_NLEVELS];

void
nesting_reset(void)
{
	for (int i = 0; i < NESTING_NLEVELS; i++)
		cachebot_nesting_depth[i] = 0;
}
