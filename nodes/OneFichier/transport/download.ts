/** Reading a download token URL as a stream. */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { Readable } from 'stream';

import type { ByteResponse } from './byteClient';
import { headerValue, readSmallBody, sendBytes } from './byteClient';
import { messageFromBody, toNodeApiError } from './errors';
import { throwIfCancelled } from './index';
import { toNumber } from './types';

export interface DownloadedStream {
	stream: Readable;
	contentType?: string;
	contentLength?: number;
}

/** Opens a download token URL as a stream. The token needs no key, so none is sent. */
export async function openDownload(ctx: IExecuteFunctions, tokenUrl: string, itemIndex: number): Promise<DownloadedStream> {
	let response: ByteResponse;
	try {
		response = await sendBytes(ctx, { method: 'GET', url: tokenUrl, headers: {}, authenticated: false });
	} catch (error) {
		throwIfCancelled(ctx);
		throw toNodeApiError(
			ctx.getNode(),
			{ endpoint: 'download token', message: (error as Error).message ?? 'connection lost', kind: 'retryable' },
			itemIndex,
		);
	}
	if (response.statusCode !== 200) {
		const text = await readSmallBody(response.body);
		throw toNodeApiError(
			ctx.getNode(),
			{
				endpoint: 'download token',
				httpCode: response.statusCode,
				message: messageFromBody(text, response.statusCode),
				kind: 'fatal',
			},
			itemIndex,
		);
	}
	return {
		stream: response.body,
		contentType: headerValue(response.headers['content-type']),
		contentLength: toNumber(headerValue(response.headers['content-length'])),
	};
}
