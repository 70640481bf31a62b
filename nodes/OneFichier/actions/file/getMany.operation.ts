import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { folderLocator, getFolderId } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import { toNumber } from '../../api/types';
import { limitOption, returnAllOption } from '../common.descriptions';
import { listingIntervalMs, listingIntervalOption, parseDateParameter, show } from './fileParameters';
import { formatParisDate } from '../../api/dates';
import { walkFolder } from '../../api/listing';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...folderLocator('folder', 'Folder', 'The folder whose files to list (and those of its sub-folders with Include Subfolders)'), displayOptions: show('getMany') },
	returnAllOption('file', 'getMany'),
	limitOption('file', 'getMany'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show('getMany'),
		options: [
			{
				displayName: 'Uploaded After',
				name: 'sentAfter',
				type: 'dateTime',
				default: '',
				description: 'Only files uploaded after this time',
			},
			{
				displayName: 'Uploaded Before',
				name: 'sentBefore',
				type: 'dateTime',
				default: '',
				description: 'Only files uploaded before this time',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('getMany'),
		options: [
			{
				displayName: 'Include Subfolders',
				name: 'includeSubfolders',
				type: 'boolean',
				default: false,
				description:
					'Whether to list the files of every folder below too (one listing per folder). Each file then has subfolderPath, its folder\'s path below this one, to restore a tree.',
			},
			listingIntervalOption(),
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const sentAfter = filters.sentAfter
		? formatParisDate(parseDateParameter(this, 'filters.sentAfter', filters.sentAfter, itemIndex))
		: undefined;
	const sentBefore = filters.sentBefore
		? formatParisDate(parseDateParameter(this, 'filters.sentBefore', filters.sentBefore, itemIndex))
		: undefined;
	if (sentAfter && sentBefore && sentAfter >= sentBefore) {
		const after = parameterLabel(this, 'filters.sentAfter');
		const before = parameterLabel(this, 'filters.sentBefore');
		throw new NodeOperationError(this.getNode(), `${after} must be earlier than ${before}`, {
			itemIndex,
			description: `${after} is ${sentAfter} and ${before} is ${sentBefore} (Paris time, as 1fichier dates files): no file can be in between. Swap them, or remove one.`,
		});
	}
	const folderId = await getFolderId(this, 'folder', itemIndex);
	const walk = { sentAfter, sentBefore, limit, itemIndex, intervalMs: listingIntervalMs(options) };

	if (!options.includeSubfolders) {
		const files = await walkFolder(this, folderId, walk);
		return files.map((file) => ({ json: fileItem(file, folderId) }));
	}
	const output: INodeExecutionData[] = [];
	for await (const folder of foldersBelow(this, folderId, itemIndex)) {
		const files = await walkFolder(this, folder.id, { ...walk, limit: limit - output.length });
		for (const file of files) output.push({ json: { ...fileItem(file, folder.id), subfolderPath: folder.path } });
		if (output.length >= limit) break;
	}
	return output;
}

/** The folder, then every folder below it, breadth first, each with its path below the first (folder/ls). */
async function* foldersBelow(
	ctx: IExecuteFunctions,
	rootId: number,
	itemIndex: number,
): AsyncGenerator<{ id: number; path: string }> {
	const queue = [{ id: rootId, path: '' }];
	const seen = new Set([rootId]);
	for (let index = 0; index < queue.length; index++) {
		const folder = queue[index];
		yield folder;
		const listing = await apiRequest(ctx, 'folder/ls.cgi', { folder_id: folder.id }, { itemIndex });
		for (const sub of listing.sub_folders ?? []) {
			const id = toNumber(sub.id);
			if (id === undefined || seen.has(id)) continue;
			seen.add(id);
			queue.push({ id, path: folder.path ? `${folder.path}/${sub.name}` : sub.name });
		}
	}
}
