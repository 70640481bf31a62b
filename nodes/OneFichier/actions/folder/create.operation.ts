import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { folderLocator, folderPathParts, splitPath } from '../../helpers/locators';
import { parameterLabel } from '../../helpers/parameterLabels';
import { apiRequest } from '../../api/request';
import { toNumber } from '../../api/types';
import { ROOT_FOLDER_ID, resolveFolder } from './folderTree';

const show = { resource: ['folder'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. backups/nas/2026',
		description:
			'Name of the new folder. A path such as <code>a/b/c</code> creates every missing folder on the way; folders that already exist are reused, so running twice creates nothing new.',
		displayOptions: { show },
	},
	{
		...folderLocator('parentFolder', 'Parent Folder', 'The folder to create the new folder in'),
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const rawName = String(this.getNodeParameter('name', itemIndex, ''));
	const parts = folderPathParts(this, 'name', rawName, itemIndex);
	if (parts.length === 0) {
		throw new NodeOperationError(this.getNode(), `${parameterLabel(this, 'name')} must not be empty`, {
			itemIndex,
			description: 'Give the new folder\'s name, or a path such as backups/nas/2026.',
		});
	}

	const parent = await resolveFolder(this, 'parentFolder', itemIndex, { createMissing: true });

	// Walk down from the parent: reuse each part that exists, create the rest.
	let parentId = parent.id;
	let folderId = parent.id;
	let created = false;
	for (const part of parts) {
		parentId = folderId;
		const listing = await apiRequest(this, 'folder/ls.cgi', { folder_id: parentId }, { itemIndex, subject: { folder: parameterLabel(this, 'parentFolder') } });
		const existing = (listing.sub_folders ?? []).find((folder) => folder.name === part);
		if (existing) {
			folderId = toNumber(existing.id) ?? ROOT_FOLDER_ID;
			created = false;
			continue;
		}
		const made = await apiRequest(this, 'folder/mkdir.cgi', { name: part, folder_id: parentId }, {
			itemIndex,
			subject: { folder: parameterLabel(this, 'parentFolder') },
		});
		const newId = toNumber(made.folder_id);
		if (newId === undefined) {
			throw new NodeOperationError(this.getNode(), `1fichier did not return the id of the new folder "${part}"`, {
				itemIndex,
				description: made.message ?? undefined,
			});
		}
		folderId = newId;
		created = true;
	}

	const json: Record<string, string | number | boolean> = {
		id: folderId,
		name: parts[parts.length - 1],
		parentId,
		created,
	};
	// The full path is known only when the parent's is (given by path, or the root).
	const parentPath = parent.path ?? (parent.id === ROOT_FOLDER_ID ? '' : undefined);
	if (parentPath !== undefined) json.path = [...splitPath(parentPath), ...parts].join('/');
	return [{ json }];
}
