import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { folderLocator, splitPath } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import { assertNotRoot, resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['move'] };

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder to move'),
		displayOptions: { show },
	},
	{
		...folderLocator('destinationFolder', 'Destination Folder', 'The folder to move it into'),
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const folder = await resolveFolder(this, 'folder', itemIndex);
	assertNotRoot(this, folder.id, 'moved', itemIndex);
	const destination = await resolveFolder(this, 'destinationFolder', itemIndex);

	// Only what is knowable without walking the tree: the folder itself, or (both given by path) one of its descendants.
	const intoItself =
		destination.id === folder.id ||
		(folder.path !== undefined &&
			destination.path !== undefined &&
			splitPath(destination.path).join('/').startsWith(`${splitPath(folder.path).join('/')}/`));
	if (intoItself) {
		throw new NodeOperationError(this.getNode(), 'A folder cannot be moved into itself or into one of its sub-folders', {
			itemIndex,
			description: `${parameterLabel(this, 'folder')} is folder ${folder.id} and ${parameterLabel(this, 'destinationFolder')} is folder ${destination.id}: choose a destination outside the folder.`,
		});
	}

	const answer = await apiRequest(
		this,
		'folder/mv.cgi',
		{ folder_id: folder.id, destination_folder_id: destination.id },
		{ itemIndex, subject: { folder: parameterLabel(this, 'folder') } },
	);
	const json: IDataObject = { id: folder.id, name: answer.new_name || answer.old_name || null, parentId: destination.id };
	if (destination.path !== undefined && json.name) json.path = [...splitPath(destination.path), json.name].join('/');
	return [{ json }];
}
