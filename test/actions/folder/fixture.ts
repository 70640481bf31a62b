/** What the folder tests share: the node's parameters for a folder operation. */
import type { INodeParameters } from 'n8n-workflow';

export const folderOp = (operation: string, parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'folder',
	operation,
	...parameters,
});
