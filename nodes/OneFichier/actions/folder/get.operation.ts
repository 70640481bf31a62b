import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { parisDateToIso } from '../../api/dates';
import { toNumber } from '../../api/types';
import { listFolder, resolveFolder } from './folderTree';

const show = { resource: ['folder'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder to describe'),
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const folder = await resolveFolder(this, 'folder', itemIndex);
	const { listing, subFolders, fileCount } = await listFolder(this, folder.id, itemIndex);

	const json: IDataObject = {
		id: toNumber(listing.folder_id) ?? folder.id,
		name: listing.name ?? null,
	};
	if (folder.parentId !== undefined) json.parentId = folder.parentId;
	if (folder.path !== undefined) json.path = folder.path;
	json.createDate = listing.create_date ?? null;
	json.createDateIso = parisDateToIso(listing.create_date);
	json.fileCount = fileCount;
	// Bytes of the folder's own files (not recursive); real answers often carry JSON null.
	json.size = toNumber(listing.size) ?? null;
	json.passwordProtected = toNumber(listing.pass) === 1;
	json.shareUrl = listing.shared || null;
	json.subFolderCount = subFolders.length;
	return [{ json }];
}
