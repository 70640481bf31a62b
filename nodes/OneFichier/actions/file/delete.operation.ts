import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileLocator, getFileUrl } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import { toNodeApiError } from '../../api/errors';
import { parameterLabel } from '../../helpers/parameterLabels';
import { toNumber } from '../../api/types';
import { show } from './fileParameters';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to delete'), displayOptions: show('delete') },
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const subject = { file: parameterLabel(this, 'file') };
	const answer = await apiRequest(this, 'file/rm.cgi', { files: [{ url }] }, { itemIndex, subject });
	// rm.cgi answers OK with `removed: 0` for a link that is not (or no longer) the account's.
	if (toNumber(answer.removed) === 0) {
		throw toNodeApiError(
			this.getNode(),
			{ endpoint: 'file/rm.cgi', message: `1fichier removed no file for ${url}`, kind: 'fatal', cause: 'notFound' },
			itemIndex,
			subject,
		);
	}
	return [{ json: { url, deleted: true } }];
}
