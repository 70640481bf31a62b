/**
 * The node's "Rate Limits" option, read once where a node starts work (the action node's router,
 * the trigger's poll, the pickers) and bound to its context, so the API door paces with it without
 * reading node parameters itself.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parameterLabel } from './parameterLabels';
import { RATE_LIMIT_RANGES, RateLimitRangeError, rateLimitsFromOptions, useRateLimits } from '../pacing/rateLimits';

type NodeContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export function applyRateLimitsOption(ctx: NodeContext): void {
	try {
		useRateLimits(ctx, rateLimitsFromOptions(readOption(ctx)));
	} catch (error) {
		if (!(error instanceof RateLimitRangeError)) throw new NodeOperationError(ctx.getNode(), error as Error);
		const { range, value } = error;
		throw new NodeOperationError(
			ctx.getNode(),
			`${parameterLabel(ctx, `rateLimits.${range.name}`)} must be a number from ${range.min} to ${range.max}; it is ${JSON.stringify(value)}`,
			{
				description: `Set it within that range, or remove it to use the default. Ranges: ${RATE_LIMIT_RANGES.map(
					(entry) => `${entry.displayName} ${entry.min}–${entry.max}`,
				).join(', ')}.`,
			},
		);
	}
}

function readOption(ctx: NodeContext): IDataObject {
	if ('getInputData' in ctx) return ctx.getNodeParameter('rateLimits', 0, {}) as IDataObject;
	return (ctx as IPollFunctions).getNodeParameter('rateLimits', {}) as IDataObject;
}
