import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { folderItem } from '../../helpers/items';
import { limitOption, returnAllOption } from '../common.descriptions';
import { listFolder, resolveFolder } from './folderTree';

const show = { resource: ['folder'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Parent Folder', 'The folder whose sub-folders to list'),
		displayOptions: { show },
	},
	returnAllOption('folder', 'getMany'),
	limitOption('folder', 'getMany'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const parent = await resolveFolder(this, 'folder', itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);

	// folder/ls has no paging: the whole list comes in one answer.
	const { subFolders } = await listFolder(this, parent.id, itemIndex);
	return subFolders.slice(0, limit).map((folder) => ({ json: folderItem(folder, parent.id) }));
}
