/** Reading a download token URL as a stream. */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { Readable } from 'stream';

import type { ByteResponse } from './byteClient';
import { headerValue, proxyConfigured, readSmallBody, sendBytes } from './byteClient';
import { messageFromBody, toNodeApiError } from '../api/errors';
import { cancelSignalOf, throwIfCancelled } from '../api/context';
import { rawGet } from './rawHttp';
import { toNumber } from '../api/types';

export interface DownloadedStream {
	stream: Readable;
	contentType?: string;
	contentLength?: number;
	/** The name in the answer's Content-Disposition, if any. */
	fileName?: string;
}

/**
 * Opens a download token URL as a stream. The token needs no key, so none is sent. Without a proxy
 * the bytes come through rawGet (into a reusable ring, see streams.ts); with one (HTTP(S)_PROXY),
 * through n8n's request helper, which applies it.
 */
export async function openDownload(ctx: IExecuteFunctions, tokenUrl: string, itemIndex: number): Promise<DownloadedStream> {
	let response: ByteResponse;
	try {
		response = proxyConfigured()
			? await sendBytes(ctx, { method: 'GET', url: tokenUrl, headers: {}, authenticated: false })
			: await rawGet(new URL(tokenUrl), { signal: cancelSignalOf(ctx) });
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
		fileName: dispositionFileName(headerValue(response.headers['content-disposition'])),
	};
}

/** `filename*=UTF-8''…` (RFC 5987) when present, else the quoted `filename`. */
export function dispositionFileName(value: string | undefined): string | undefined {
	if (!value) return undefined;
	const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(value);
	if (extended) {
		try {
			return decodeURIComponent(extended[1].trim());
		} catch {
			// fall back to the plain name
		}
	}
	const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(value);
	return plain ? (plain[1] ?? plain[2]).trim() : undefined;
}
