import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileLocator, folderLocator } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import type { FileMoveRequest } from '../../api/types';
import { readDestination, show } from './fileParameters';
import { parameterLabel } from '../../helpers/parameterLabels';

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
	const { url, folderId, info, rename } = await readDestination(this, itemIndex);
	const request: FileMoveRequest = { urls: [url], destination_folder_id: folderId };
	if (rename) request.rename = rename;
	const answer = await apiRequest(this, 'file/mv.cgi', request, { itemIndex, subject: { file: parameterLabel(this, 'file') } });
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
