import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import type { DeletedCounts } from './folderTree';
import { assertNotRoot, deleteFolderTree, listFolder, resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['delete'] };

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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as { deleteContents?: boolean };
	const folder = await resolveFolder(this, 'folder', itemIndex);
	assertNotRoot(this, folder.id, 'deleted', itemIndex);

	const counts: DeletedCounts = { filesDeleted: 0, foldersDeleted: 0 };
	if (options.deleteContents) {
		await deleteFolderTree(this, folder.id, itemIndex, counts);
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
		await apiRequest(this, 'folder/rm.cgi', { folder_id: folder.id }, { itemIndex, subject: { folder: parameterLabel(this, 'folder') } });
		counts.foldersDeleted = 1;
	}
	return [{ json: { id: folder.id, deleted: true, ...counts } }];
}
