import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileLocator, folderLocator, getFileUrl, getFolderId } from '../../helpers/locators';
import { assertValidName } from '../../helpers/names';
import { apiRequest } from '../../transport';
import type { FileMoveRequest } from '../../transport/types';
import { getFileInfo, show } from './shared';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to move'), displayOptions: show('move') },
	{ ...folderLocator('destinationFolder', 'Destination Folder', 'The folder to move the file into'), displayOptions: show('move') },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('move'),
		options: [
			{
				displayName: 'New Name',
				name: 'newName',
				type: 'string',
				default: '',
				description: 'Rename the file while moving it',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const { newName } = this.getNodeParameter('options', itemIndex, {}) as { newName?: string };
	if (newName) assertValidName(this.getNode(), 'newName', newName, itemIndex);
	const folderId = await getFolderId(this, 'destinationFolder', itemIndex);

	const info = await getFileInfo(this, url, itemIndex);
	const request: FileMoveRequest = { urls: [url], destination_folder_id: folderId };
	// Since 2024 mv.cgi refuses a `rename` equal to the current name (rclone #7856).
	if (newName && newName !== info.filename) request.rename = newName;
	const answer = await apiRequest(this, 'file/mv.cgi', request, { itemIndex });
	return [
		{
			json: {
				// The answer carries the link after the move; whether it can change is not documented.
				url: answer.urls?.[0] ?? url,
				filename: answer.filename || request.rename || info.filename,
				folderId,
			},
		},
	];
}
