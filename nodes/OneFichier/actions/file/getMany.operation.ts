import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { folderLocator, getFolderId } from '../../helpers/locators';
import { limitOption, returnAllOption } from '../common.descriptions';
import { listingIntervalMs, listingIntervalOption, parseDateParameter, show, toFichierDate, walkFolder } from './shared';

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
