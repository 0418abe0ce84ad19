/*
 * nesting.c
 *		Whether a statement runs on its own or inside another one.
 */
#include "postgres.h"

#include "nesting.h"

/* Statements and commands running in this backend right now. */
int			cachebot_nesting_depth = 0;
