import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { apiRequest } from '../../api/request';
import { getFileInfo } from '../../api/fileInfo';
import { show } from './fileParameters';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to rename'), displayOptions: show('rename') },
	{
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'report-2026.pdf',
		description: 'The file\'s new name. The download link stays the same.',
		displayOptions: show('rename'),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const newName = this.getNodeParameter('newName', itemIndex) as string;
	assertValidName(this.getNode(), parameterLabel(this, 'newName'), newName, itemIndex);

	const subject = { file: parameterLabel(this, 'file') };
	const info = await getFileInfo(this, url, itemIndex, undefined, subject);
	// rename.cgi answers KO "No file has been renamed" when the name does not change.
	if (info.filename !== newName) {
		const failure = await apiRequest(this, 'file/rename.cgi', { urls: [{ url, filename: newName }] }, { itemIndex, subject }).then(
			() => undefined,
			(error: Error) => error,
		);
		if (failure) {
			// A retry after a lost answer gets "No file has been renamed": the first call did it.
			const now = await getFileInfo(this, url, itemIndex).catch(() => undefined);
			if (now?.filename !== newName) {
				throw failure instanceof NodeApiError ? failure : new NodeOperationError(this.getNode(), failure, { itemIndex });
			}
		}
	}
	return [{ json: { ...fileItem(info), filename: newName } }];
}
