import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { fileTypeFromMimeType } from 'n8n-workflow';

import { refuseIfTooBigForBinaryStore } from '../../installation/binaryStore';
import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { normaliseChecksum } from '../../transfer/whirlpool';
import { pipeline, Transform } from 'stream';

import { apiRequest } from '../../api/request';
import { throwIfCancelled } from '../../api/context';
import { toNodeApiError } from '../../api/errors';
import { openDownload } from '../../transfer/download';
import { progressLogger } from '../../transfer/streams';
import type { FileInfoResponse } from '../../api/types';
import { toNumber } from '../../api/types';
import { getFileInfo } from '../../api/fileInfo';
import { show } from './fileParameters';
import { verifyingStage } from '../../transfer/verifiedTransfer';
import { verifyChecksumOption } from '../common.descriptions';

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

	// The token first, so the bytes start flowing at once; file/info (the item's details and the
	// size to verify) is asked meanwhile, 500 ms later as pacing wants. A missing file or a wrong
	// password fails on get_token, before any byte.
	const token = await apiRequest(
		this,
		'download/get_token.cgi',
		password ? { url, pass: password, single: 1 } : { url, single: 1 },
		{ itemIndex, subject: { file: 'file', password: 'options.password' } },
	);
	const download = await openDownload(this, token.url, itemIndex);
	refuseIfTooBigForBinaryStore(this, download, itemIndex);
	const infoRequest = getFileInfo(this, url, itemIndex, password || undefined, 'options.password');
	// If file/info fails, the transfer stops too (prepareBinaryData then rejects).
	infoRequest.catch(() => download.stream.destroy());

	// Counted on the way through, so a connection cut short is an error, not a truncated file.
	let received = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			received += chunk.length;
			callback(null, chunk);
		},
	});
	const headerName = download.fileName || 'file';
	const progress = progressLogger(this, { fileName: headerName, size: download.contentLength ?? 0 });
	const cutShort = (info: FileInfoResponse) => {
		const expectedSize = toNumber(info.size) ?? download.contentLength;
		const short = [expectedSize, download.contentLength].some((size) => size !== undefined && size !== received);
		if (!short) return undefined;
		return toNodeApiError(
			this.getNode(),
			{
				endpoint: 'download token',
				message: `the download of "${info.filename}" stopped after ${received} of ${expectedSize ?? download.contentLength} bytes`,
				kind: 'fatal',
			},
			itemIndex,
		);
	};
	// Hashed beside the transfer; a mismatch ends the stream with an error, so nothing is stored.
	const verifying = verifyChecksum ? verifyingStage(this, itemIndex, infoRequest, cutShort) : undefined;
	// pipeline() destroys the last stream with the source's error, so prepareBinaryData sees it.
	const stream = verifying
		? pipeline(download.stream, counter, progress, verifying, () => {})
		: pipeline(download.stream, counter, progress, () => {});
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(stream, headerName, download.contentType?.split(';')[0].trim() || undefined);
	} catch (error) {
		await infoRequest; // a file/info failure is the cause worth reporting
		throwIfCancelled(this);
		if (verifying?.checkFailure) throw verifying.checkFailure;
		throw toNodeApiError(
			this.getNode(),
			{ endpoint: 'download token', message: (error as Error).message || 'connection lost', kind: 'retryable' },
			itemIndex,
		);
	}
	const info = await infoRequest;
	const short = cutShort(info);
	if (short) throw short;
	describeBinary(binary, info.filename, info['content-type']);
	const verified = verifying !== undefined && verifying.checksum === normaliseChecksum(info.checksum);
	return [{ json: { ...fileItem(info), verified }, binary: { [binaryPropertyName]: binary } }];
}

/** The name and type 1fichier knows the file by (the download's headers may lack or differ). */
function describeBinary(binary: IBinaryData, fileName: string, mimeType: string | undefined): void {
	if (fileName && binary.fileName !== fileName) {
		binary.fileName = fileName;
		const extension = /\.([^./]+)$/.exec(fileName)?.[1];
		if (extension) binary.fileExtension = extension;
		else delete binary.fileExtension;
	}
	if (mimeType && binary.mimeType !== mimeType) {
		binary.mimeType = mimeType;
		binary.fileType = fileTypeFromMimeType(mimeType);
	}
}
