/** A remote file's bytes for the restore and the check: a download token, then the token URL as a stream. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf } from '../api/context';
import { apiRequest } from '../api/request';
import type { DownloadedStream } from '../transfer/download';
import { openDownload } from '../transfer/download';
import { startWhirlpool } from '../transfer/whirlpool';

/** Opens the file's bytes (download/get_token, then the token URL); the stream is the caller's to end. */
export async function openRemoteFile(ctx: IExecuteFunctions, url: string, itemIndex: number): Promise<DownloadedStream> {
	const token = await apiRequest(ctx, 'download/get_token.cgi', { url, single: 1 }, { itemIndex });
	return await openDownload(ctx, token.url, itemIndex);
}

/** Downloads a file without keeping it: the Whirlpool and the count of the bytes received. */
export async function hashRemoteFile(
	ctx: IExecuteFunctions,
	file: { url: string; name: string; size?: number },
	itemIndex: number,
): Promise<{ bytes: number; checksum: string }> {
	const download = await openRemoteFile(ctx, file.url, itemIndex);
	const signal = cancelSignalOf(ctx);
	const hashing = startWhirlpool();
	let bytes = 0;
	let checksum: string;
	try {
		for await (const chunk of download.stream) {
			signal?.throwIfAborted();
			bytes += (chunk as Buffer).length;
			const waiting = hashing.update(chunk as Buffer);
			if (waiting) await waiting;
		}
		checksum = await hashing.digest();
	} finally {
		hashing.abort();
		download.stream.destroy();
	}
	const expected = file.size ?? download.contentLength;
	if (expected !== undefined && bytes !== expected) {
		throw new NodeOperationError(ctx.getNode(), `The download of "${file.name}" stopped after ${bytes} of ${expected} bytes`, { itemIndex });
	}
	return { bytes, checksum };
}
