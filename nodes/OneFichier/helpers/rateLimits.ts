/**
 * The node's "Rate Limits" option, read once where a node starts work (the action node's router,
 * the trigger's poll, the pickers) and bound to its context, so the API door paces with it without
 * reading node parameters itself.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RATE_LIMIT_RANGES, RateLimitRangeError, rateLimitsFromOptions, useRateLimits } from '../pacing/rateLimits';

type NodeContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export function applyRateLimitsOption(ctx: NodeContext): void {
	try {
		useRateLimits(ctx, rateLimitsFromOptions(readOption(ctx)));
	} catch (error) {
		const description =
			error instanceof RateLimitRangeError
				? `Set it within that range, or remove it to use the default. Ranges: ${RATE_LIMIT_RANGES.map(
						(range) => `${range.displayName} ${range.min}–${range.max}`,
					).join(', ')}.`
				: undefined;
		throw new NodeOperationError(ctx.getNode(), error as Error, { description });
	}
}

function readOption(ctx: NodeContext): IDataObject {
	if ('getInputData' in ctx) return ctx.getNodeParameter('rateLimits', 0, {}) as IDataObject;
	return (ctx as IPollFunctions).getNodeParameter('rateLimits', {}) as IDataObject;
}
