import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { pipeline, Transform } from 'stream';

import { apiRequest, toNodeApiError } from '../../transport';
import { openDownload } from '../../transport/download';
import { chunkCoalescer, progressLogger } from '../../transport/streams';
import { toNumber } from '../../transport/types';
import { getFileInfo, show } from './shared';

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
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const { password } = this.getNodeParameter('options', itemIndex, {}) as { password?: string };

	// file/info names the file and its type; the token URL's headers are a fallback only.
	const info = await getFileInfo(this, url, itemIndex, password || undefined, 'options.password');
	const token = await apiRequest(
		this,
		'download/get_token.cgi',
		password ? { url, pass: password, single: 1 } : { url, single: 1 },
		{ itemIndex, subject: { file: 'file', password: 'options.password' } },
	);
	const download = await openDownload(this, token.url, itemIndex);
	const mimeType = info['content-type'] || download.contentType?.split(';')[0].trim() || undefined;
	const expectedSize = toNumber(info.size) ?? download.contentLength;

	// Counted on the way through, so a connection cut short is an error, not a truncated file.
	let received = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			received += chunk.length;
			callback(null, chunk);
		},
	});
	const progress = progressLogger(this, { fileName: info.filename, size: expectedSize ?? 0 });
	// pipeline() destroys the last stream with the source's error, so prepareBinaryData sees it.
	const stream = pipeline(download.stream, counter, progress, chunkCoalescer(), () => {});
	const binary = await this.helpers.prepareBinaryData(stream, info.filename, mimeType);
	if (expectedSize !== undefined && received !== expectedSize) {
		throw toNodeApiError(
			this.getNode(),
			{
				endpoint: 'download token',
				message: `the download of "${info.filename}" stopped after ${received} of ${expectedSize} bytes`,
				kind: 'fatal',
			},
			itemIndex,
		);
	}
	return [{ json: fileItem(info), binary: { [binaryPropertyName]: binary } }];
}
