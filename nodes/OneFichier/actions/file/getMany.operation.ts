import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { folderLocator, getFolderId } from '../../helpers/locators';
import type { ApiFile } from '../../transport/types';
import { limitOption, returnAllOption } from '../common.descriptions';
import {
	addSecondsToFichierDate,
	FILE_LS_CAP,
	listFolderFiles,
	listingIntervalMs,
	listingIntervalOption,
	newestFirst,
	parseDateParameter,
	show,
	toFichierDate,
} from './shared';

export const description: INodeProperties[] = [
	{ ...folderLocator('folder', 'Folder', 'The folder whose files to list (not its sub-folders)'), displayOptions: show('getMany') },
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
		options: [listingIntervalOption()],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const sentAfter = filters.sentAfter
		? toFichierDate(parseDateParameter(this, 'filters.sentAfter', filters.sentAfter, itemIndex))
		: undefined;
	const sentBefore = filters.sentBefore
		? toFichierDate(parseDateParameter(this, 'filters.sentBefore', filters.sentBefore, itemIndex))
		: undefined;
	if (sentAfter && sentBefore && sentAfter >= sentBefore) {
		throw new NodeOperationError(this.getNode(), '"filters.sentAfter" must be earlier than "filters.sentBefore"', {
			itemIndex,
		});
	}
	const folderId = await getFolderId(this, 'folder', itemIndex);

	const files = await walkFolder(this, folderId, { sentAfter, sentBefore, limit, itemIndex, intervalMs: listingIntervalMs(options) });
	return files.map((file) => ({ json: fileItem(file, folderId) }));
}

interface WalkOptions {
	sentAfter?: string;
	sentBefore?: string;
	limit: number;
	itemIndex: number;
	intervalMs: number;
}

/**
 * file/ls has no paging: it answers at most 5,000 files (the newest ones). To go past that, ask
 * again for the files sent before the oldest one seen, until an answer is not full. The boundary
 * second is asked for again (several files may share it, some beyond the cap), and files are
 * de-duplicated by link, so each is returned exactly once. The same folder may be listed once per
 * 30 s only, so `listFolderFiles` waits between windows.
 */
async function walkFolder(ctx: IExecuteFunctions, folderId: number, options: WalkOptions): Promise<ApiFile[]> {
	const seen = new Map<string, ApiFile>();
	let sentBefore = options.sentBefore;
	for (let window = 1; ; window++) {
		const items = await listFolderFiles(
			ctx,
			folderId,
			{ sentBefore, sentAfter: options.sentAfter },
			{ itemIndex: options.itemIndex, intervalMs: options.intervalMs },
		);
		let added = 0;
		for (const file of items) {
			if (!seen.has(file.url)) {
				seen.set(file.url, file);
				added++;
			}
		}
		if (items.length < FILE_LS_CAP || seen.size >= options.limit) break;

		const oldest = items.reduce((min, file) => (file.date < min ? file.date : min), items[0].date);
		let next = addSecondsToFichierDate(oldest, 1);
		if (added === 0) {
			// More than 5,000 files share the oldest second: asking again gives the same answer.
			ctx.logger.warn(
				`1fichier: more than ${FILE_LS_CAP} files of folder ${folderId} were uploaded within the second ${oldest}; files of that second beyond the cap may be missing`,
			);
			next = oldest;
			if (sentBefore === next) break;
		}
		if (sentBefore !== undefined && next > sentBefore) next = sentBefore;
		ctx.logger.info(
			`1fichier: folder ${folderId} holds more than ${FILE_LS_CAP} matching files (${seen.size} so far); listing window ${window + 1}, files sent before ${next}`,
		);
		sentBefore = next;
	}
	return [...seen.values()].sort(newestFirst).slice(0, options.limit);
}
