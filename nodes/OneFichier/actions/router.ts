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
			const message = (error as Error).message;
			const description = (error as { description?: string }).description;
			const json: IDataObject = { error: message };
			if (description) json.description = description;
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

/** Errors of n8n's kinds pass as they are; anything else is wrapped so n8n shows it with the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
