import type { IPollFunctions } from 'n8n-workflow';

import { getClock } from '../OneFichier/installation/clock';

const DEFAULT_BUDGET_MS = 5 * 60_000;

/**
 * When a poll should stop starting new work (n8n abandons a poll that runs past its budget).
 * The work left, a folder's listing or a request's info, waits for the next poll with its state
 * unchanged, so nothing is lost.
 */
export function pollDeadline(ctx: IPollFunctions): number {
	const budget =
		typeof (ctx as Partial<IPollFunctions>).getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : DEFAULT_BUDGET_MS;
	return getClock().now() + Math.max(0, budget) * 0.6;
}
