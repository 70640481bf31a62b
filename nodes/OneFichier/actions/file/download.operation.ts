import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { downloadToBinary } from '../../transfer/download';
import { verifyChecksumOption } from '../common.descriptions';
import { show } from './fileParameters';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to download'), displayOptions: show('download') },
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: show('download'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('download'),
		options: [
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'The file\'s download password, if it has one',
			},
			verifyChecksumOption(
				'Whether to compare the Whirlpool checksum of the bytes received with the one 1fichier keeps of the file. A download that differs fails and keeps no file.',
			),
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const { password, verifyChecksum = true } = this.getNodeParameter('options', itemIndex, {}) as {
		password?: string;
		verifyChecksum?: boolean;
	};
	const { binary, info, verified } = await downloadToBinary(this, {
		url,
		password: password || undefined,
		verify: verifyChecksum,
		itemIndex,
		subject: { file: parameterLabel(this, 'file'), password: parameterLabel(this, 'options.password') },
	});
	return [{ json: { ...fileItem(info), verified }, binary: { [binaryPropertyName]: binary } }];
}
