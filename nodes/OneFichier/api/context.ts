/**
 * What every call needs from the node it runs in: the node context types the API door accepts, and
 * the execution's cancel signal (a cancelled execution stops waiting and stops retrying).
 */
import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type OneFichierContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions;

export function cancelSignalOf(ctx: OneFichierContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? (ctx as IExecuteFunctions).getExecutionCancelSignal() : undefined;
}

/** After a failed request: if the user cancelled the execution, stop here rather than retry. */
export function throwIfCancelled(ctx: OneFichierContext): void {
	if (cancelSignalOf(ctx)?.aborted) throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}
