import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileLocator, folderLocator } from '../../helpers/locators';
import { apiRequest, UnknownOutcomeError } from '../../api/request';
import { toNodeApiError } from '../../api/errors';
import { parameterLabel } from '../../helpers/parameterLabels';
import type { FileCopyRequest } from '../../api/types';
import { readDestination, show } from './fileParameters';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to copy'), displayOptions: show('copy') },
	{ ...folderLocator('destinationFolder', 'Destination Folder', 'The folder to put the copy in'), displayOptions: show('copy') },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('copy'),
		options: [
			{
				displayName: 'New Name',
				name: 'newName',
				type: 'string',
				default: '',
				description: 'Name of the copy. Defaults to the original\'s name.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { url, folderId, info, rename } = await readDestination(this, itemIndex);
	// cp.cgi takes `folder_id`, not mv.cgi's `destination_folder_id`.
	const request: FileCopyRequest = { urls: [url], folder_id: folderId };
	if (rename) request.rename = rename;
	// Not retried after a lost answer: a second cp.cgi would make a second copy.
	const subject = { file: parameterLabel(this, 'file') };
	const answer = await apiRequest(this, 'file/cp.cgi', request, { itemIndex, idempotent: false, subject }).catch((error) => {
		if (!(error instanceof UnknownOutcomeError)) throw error;
		throw toNodeApiError(
			this.getNode(),
			error.failure,
			itemIndex,
			subject,
			`The copy may or may not have been made: look in the folder of ${parameterLabel(this, 'destinationFolder')} before running again.`,
		);
	});
	const copied = answer.urls?.[0];
	if (!copied?.to_url) {
		throw toNodeApiError(
			this.getNode(),
			{ endpoint: 'file/cp.cgi', message: `1fichier did not return the link of the copy`, kind: 'fatal' },
			itemIndex,
			subject,
		);
	}
	return [
		{
			json: {
				url: copied.to_url,
				sourceUrl: copied.from_url ?? url,
				filename: answer.filename || request.rename || info.filename,
				folderId,
			},
		},
	];
}
