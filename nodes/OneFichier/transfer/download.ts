/** The download protocol: a token, then the token URL streamed into n8n's binary store. */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { fileTypeFromMimeType, NodeOperationError } from 'n8n-workflow';
import type { Readable } from 'stream';
import { pipeline, Transform } from 'stream';

import { cancelSignalOf, throwIfCancelled } from '../api/context';
import type { CallSubject } from '../api/errors';
import { messageFromBody, toNodeApiError } from '../api/errors';
import { getFileInfo } from '../api/fileInfo';
import { apiRequest } from '../api/request';
import type { FileInfoResponse } from '../api/types';
import { toNumber } from '../api/types';
import { refuseIfTooBigForBinaryStore } from '../installation/binaryStore';
import type { ByteResponse } from './byteClient';
import { headerValue, proxyConfigured, readSmallBody, sendBytes } from './byteClient';
import { rawGet } from './rawHttp';
import { progressLogger } from './streams';
import { TransferTimeoutError } from './timeouts';
import { verifyingStage } from './verifiedTransfer';
import { normaliseChecksum, prepareWhirlpool } from './whirlpool';

export interface DownloadedStream {
	stream: Readable;
	contentType?: string;
	contentLength?: number;
	/** The name in the answer's Content-Disposition, if any. */
	fileName?: string;
}

/**
 * Opens a download token URL as a stream. The token needs no key, so none is sent. Without a proxy
 * the bytes come through rawGet (a fresh buffer per chunk, read straight from the socket, with the
 * connect and idle limits of timeouts.ts); with one (HTTP(S)_PROXY), through n8n's request helper,
 * which applies it. `label` names the file in errors (its link: its name is not known yet).
 */
export async function openDownload(
	ctx: IExecuteFunctions,
	tokenUrl: string,
	itemIndex: number,
	label = 'the file',
): Promise<DownloadedStream> {
	let response: ByteResponse;
	try {
		response = proxyConfigured()
			? await sendBytes(ctx, { method: 'GET', url: tokenUrl, headers: {}, authenticated: false })
			: await rawGet(new URL(tokenUrl), { signal: cancelSignalOf(ctx) });
	} catch (error) {
		throwIfCancelled(ctx);
		if (error instanceof TransferTimeoutError) throw stalled(ctx, label, error, itemIndex);
		throw toNodeApiError(
			ctx.getNode(),
			{ endpoint: 'download token', message: (error as Error).message ?? 'connection lost', kind: 'retryable', origin: 'network' },
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
				origin: 'service',
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

/** The download server could not be reached in time, or went silent mid-file. */
function stalled(
	ctx: IExecuteFunctions,
	label: string,
	error: TransferTimeoutError,
	itemIndex: number,
	progress?: { received: number; size?: number },
): NodeOperationError {
	const where = progress ? ` after ${progress.received}${progress.size === undefined ? '' : ` of ${progress.size}`} bytes` : '';
	const what = error.stall === 'connect' ? 'could not connect to' : 'received nothing more from';
	return new NodeOperationError(ctx.getNode(), `The download of ${label} stalled: ${error.summary}`, {
		itemIndex,
		description:
			`The node ${what} 1fichier's download server (${error.message})${where}, so it stopped the download; ` +
			'nothing of it was kept in n8n. Try again; if it keeps happening, the server or the network path to it is in trouble.',
	});
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

export interface DownloadRequest {
	/** The file's download link. */
	url: string;
	password?: string;
	/** Compare the Whirlpool of the bytes with 1fichier's checksum (the stream fails on a mismatch). */
	verify: boolean;
	itemIndex: number;
	/** The node parameters the file and its password came from, named in refusals. */
	subject: CallSubject;
}

export interface DownloadedBinary {
	binary: IBinaryData;
	info: FileInfoResponse;
	/** True only when the bytes' Whirlpool matched 1fichier's checksum. */
	verified: boolean;
}

/**
 * The download protocol: a token, the token URL streamed into n8n's binary store (counted,
 * verified, with progress), file/info for the file's details, asked while the bytes flow.
 */
export async function downloadToBinary(ctx: IExecuteFunctions, request: DownloadRequest): Promise<DownloadedBinary> {
	const { url, password, verify, itemIndex, subject } = request;
	if (verify) prepareWhirlpool(ctx.logger); // the hashing engine starts while get_token is asked
	// The token first, so the bytes start flowing at once; file/info (the item's details and the
	// size to verify) is asked meanwhile, at once on an idle key (pacing/pacer.ts lets two calls go
	// together). A missing file or a wrong password fails on get_token, before any byte.
	const token = await apiRequest(
		ctx,
		'download/get_token.cgi',
		password ? { url, pass: password, single: 1 } : { url, single: 1 },
		{ itemIndex, subject },
	);
	const download = await openDownload(ctx, token.url, itemIndex, `"${url}"`);
	// The source's own failure (a stall, a reset): n8n's store may report it in its own words.
	let sourceFailure: Error | undefined;
	download.stream.once('error', (error) => (sourceFailure = error));
	refuseIfTooBigForBinaryStore(ctx, download, itemIndex);
	const infoRequest = getFileInfo(ctx, url, itemIndex, password, subject);
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
	const progress = progressLogger(ctx, { fileName: headerName, size: download.contentLength ?? 0 });
	const cutShort = (info: FileInfoResponse) => {
		const expectedSize = toNumber(info.size) ?? download.contentLength;
		const short = [expectedSize, download.contentLength].some((size) => size !== undefined && size !== received);
		if (!short) return undefined;
		return toNodeApiError(
			ctx.getNode(),
			{
				endpoint: 'download token',
				message: `the download of "${info.filename}" stopped after ${received} of ${expectedSize ?? download.contentLength} bytes`,
				kind: 'fatal',
			},
			itemIndex,
		);
	};
	// Hashed beside the transfer; a mismatch ends the stream with an error, so nothing is stored.
	const verifying = verify ? verifyingStage(ctx, itemIndex, infoRequest, cutShort) : undefined;
	// pipeline() destroys the last stream with the source's error, so prepareBinaryData sees it.
	const stream = verifying
		? pipeline(download.stream, counter, progress, verifying, () => {})
		: pipeline(download.stream, counter, progress, () => {});
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(stream, headerName, download.contentType?.split(';')[0].trim() || undefined);
	} catch (error) {
		const info = await infoRequest; // a file/info failure is the cause worth reporting
		throwIfCancelled(ctx);
		if (verifying?.checkFailure) throw verifying.checkFailure;
		if (sourceFailure instanceof TransferTimeoutError) {
			const size = toNumber(info.size) ?? download.contentLength;
			throw stalled(ctx, `"${info.filename || headerName}"`, sourceFailure, itemIndex, { received, size });
		}
		throw toNodeApiError(
			ctx.getNode(),
			{ endpoint: 'download token', message: (error as Error).message || 'connection lost', kind: 'retryable' },
			itemIndex,
		);
	}
	const info = await infoRequest;
	const short = cutShort(info);
	if (short) throw short;
	describeBinary(binary, info.filename, info['content-type']);
	const verified = verifying !== undefined && verifying.checksum === normaliseChecksum(info.checksum);
	return { binary, info, verified };
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
