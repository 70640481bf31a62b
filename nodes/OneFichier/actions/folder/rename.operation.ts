import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { apiRequest } from '../../api/request';
import { assertNotRoot, resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['rename'] };

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder to rename'),
		displayOptions: { show },
	},
	{
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		default: '',
		required: true,
		description: 'The folder\'s new name (a name, not a path: use Move to change its parent)',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const newName = String(this.getNodeParameter('newName', itemIndex, '')).trim();
	assertValidName(this.getNode(), parameterLabel(this, 'newName'), newName, itemIndex);
	const folder = await resolveFolder(this, 'folder', itemIndex);
	assertNotRoot(this, folder.id, 'renamed', itemIndex);

	const answer = await apiRequest(this, 'folder/mv.cgi', { folder_id: folder.id, rename: newName }, { itemIndex, subject: { folder: parameterLabel(this, 'folder') } });
	return [
		{
			json: {
				id: folder.id,
				name: answer.new_name || newName,
				oldName: answer.old_name ?? null,
			},
		},
	];
}
