import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { apiRequest } from '../../transport';
import { toNumber } from '../../transport/types';
import { assertNotRoot, listFolder, resolveFolder } from './shared';

const show = { resource: ['folder'], operation: ['delete'] };

/** URLs per file/rm call. */
const REMOVE_BATCH = 100;
/** file/ls caps answers at 5,000 items; a listing that long may hide more files, so it is read again after deleting. */
const LISTING_CAP = 5000;

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder to delete'),
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Delete Contents',
				name: 'deleteContents',
				type: 'boolean',
				default: false,
				description:
					'Whether to delete the folder\'s files and sub-folders (recursively) first. Without it, a folder that is not empty is left alone and the node fails.',
			},
		],
	},
];

interface Counts {
	filesDeleted: number;
	foldersDeleted: number;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { deleteContents?: boolean };
	const folder = await resolveFolder(this, 'folder', itemIndex);
	assertNotRoot(this, folder.id, 'deleted', itemIndex);

	const counts: Counts = { filesDeleted: 0, foldersDeleted: 0 };
	if (options.deleteContents) {
		await deleteTree.call(this, folder.id, itemIndex, counts);
	} else {
		const { subFolders, fileCount, files } = await listFolder(this, folder.id, itemIndex, true);
		const fileTotal = Math.max(fileCount, files.length);
		if (fileTotal > 0 || subFolders.length > 0) {
			throw new NodeOperationError(
				this.getNode(),
				`Folder ${folder.path ?? folder.id} is not empty: ${fileTotal} files, ${subFolders.length} sub-folders; enable Delete Contents`,
				{
					itemIndex,
					description: 'Turn on Options → Delete Contents to delete its files and sub-folders first.',
				},
			);
		}
		await apiRequest(this, 'folder/rm.cgi', { folder_id: folder.id }, { itemIndex, subject: { folder: 'folder' } });
		counts.foldersDeleted = 1;
	}
	return [{ json: { id: folder.id, deleted: true, ...counts } }];
}

/** Bottom-up: the sub-folders (recursively), then this folder's files, then the folder. */
async function deleteTree(this: IExecuteFunctions, folderId: number, itemIndex: number, counts: Counts): Promise<void> {
	for (let pass = 0; ; pass++) {
		const { subFolders, files } = await listFolder(this, folderId, itemIndex, true);
		if (pass === 0) {
			for (const sub of subFolders) {
				const subId = toNumber(sub.id);
				if (subId !== undefined) await deleteTree.call(this, subId, itemIndex, counts);
			}
		}
		for (let start = 0; start < files.length; start += REMOVE_BATCH) {
			const batch = files.slice(start, start + REMOVE_BATCH);
			const answer = await apiRequest(
				this,
				'file/rm.cgi',
				{ files: batch.map((file) => ({ url: file.url })) },
				{ itemIndex },
			);
			counts.filesDeleted += toNumber(answer.removed) ?? batch.length;
		}
		if (files.length < LISTING_CAP) break;
	}
	await apiRequest(this, 'folder/rm.cgi', { folder_id: folderId }, { itemIndex, subject: { folder: 'folder' } });
	counts.foldersDeleted++;
}
