import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { applyRateLimitsOption } from '../helpers/rateLimits';
import { resources } from './resources';

/** Runs the selected operation for every input item; owns `continueOnFail` and `pairedItem`. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	applyRateLimitsOption(this);
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operationName = this.getNodeParameter('operation', itemIndex) as string;
		const operation = resources[resource]?.operations[operationName];
		try {
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`, {
					itemIndex,
				});
			}
			const results = await operation.execute.call(this, itemIndex);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			output.push({ json: errorItem(this, error), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

/**
 * The item a failure becomes under Continue On Fail: the headline in `error`, the advice and
 * 1fichier's answer in `details`. n8n sends an item to the node's error output ("Continue (using
 * error output)") only when its keys are among `error`, `message` and `details`
 * (n8n-core's WorkflowExecute.handleNodeErrorOutput); with "Continue (regular output)" the item
 * also keeps `description` at the top, as it always had.
 */
function errorItem(ctx: IExecuteFunctions, error: unknown): IDataObject {
	const { message, description, httpCode } = error as { message: string; description?: string | null; httpCode?: string | null };
	const details: IDataObject = {};
	if (description) details.description = description;
	if (httpCode) details.httpCode = httpCode;
	const json: IDataObject = { error: message, details };
	if (ctx.getNode().onError !== 'continueErrorOutput' && description) json.description = description;
	return json;
}

/** Errors of n8n's kinds pass as they are; anything else is wrapped so n8n shows it with the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
