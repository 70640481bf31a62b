import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { getFileInfo } from '../../api/fileInfo';
import { show } from './fileParameters';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to get'), displayOptions: show('get') },
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const info = await getFileInfo(this, url, itemIndex, undefined, { file: parameterLabel(this, 'file') });
	return [{ json: fileItem(info) }];
}
