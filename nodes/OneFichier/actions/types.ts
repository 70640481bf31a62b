import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

/** One operation: its own parameters (shown only for it) and its behaviour for one input item. */
export interface Operation {
	description: INodeProperties[];
	/** Returns the output items for input item `itemIndex` (the router adds `pairedItem`). */
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

export interface Resource {
	/** The resource's operation selector followed by every operation's parameters. */
	description: INodeProperties[];
	operations: Record<string, Operation>;
}
