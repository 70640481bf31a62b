/**
 * The three-step upload: get_upload_server → multipart POST to upload.cgi on the node → end.pl.
 * The file's bytes stream from their source through the byte client; nothing holds the whole file.
 */
import { randomBytes } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import type { Readable } from 'stream';

import type { MultipartBody } from './byteClient';
import { readSmallBody, sendBytes } from './byteClient';
import type { ApiFailure } from './errors';
import { messageFromBody, toNodeApiError } from './errors';
import {
	apiRequest,
	cancelSignalOf,
	CREDENTIAL_TYPE,
	getOneFichierCredentials,
	readRateLimits,
	throwIfCancelled,
} from './index';
import { getClock } from './pacer';
import { progressLogger } from './streams';
import type { EndUploadLink, EndUploadResponse, UploadServerResponse } from './types';
import { toNumber } from './types';

/** rclone enforces the same limit (300e9 bytes); the service refuses larger files. */
export const MAX_FILE_SIZE = 300e9;

export interface UploadSource {
	fileName: string;
	size: number;
	/** Returns a fresh stream of the bytes; called again when an interrupted upload is retried. */
	open(): Promise<Readable>;
}

export interface UploadOptions {
	folderId: number;
	itemIndex: number;
}

export interface StoredUpload {
	url: string;
	filename: string;
	size: number;
	checksum?: string;
}

const UPLOAD_ATTEMPTS = 3;

export async function uploadFile(
	ctx: IExecuteFunctions,
	source: UploadSource,
	options: UploadOptions,
): Promise<StoredUpload> {
	let lastFailure: ApiFailure | undefined;
	for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
		const server = await getUploadServer(ctx, options.itemIndex);
		const nodeBase = await uploadNodeBase(ctx, server.url);
		const sent = await postMultipart(ctx, nodeBase, server.id, source, options);
		// The POST is never retried blindly: end.pl tells whether the file was stored anyway.
		const stored = await readUploadResult(ctx, nodeBase, server.id, options.itemIndex, sent.failure === undefined);
		if (stored) return verifySize(ctx, stored, source, options.itemIndex);
		lastFailure = sent.failure ?? {
			endpoint: 'upload.cgi',
			message: 'the upload node did not confirm the file',
			kind: 'retryable',
		};
		if (cancelSignalOf(ctx)?.aborted) break;
		ctx.logger.warn(
			`1fichier: upload of "${source.fileName}" failed (${lastFailure.message}); attempt ${attempt} of ${UPLOAD_ATTEMPTS}`,
		);
	}
	throw toNodeApiError(ctx.getNode(), lastFailure!, options.itemIndex);
}

async function getUploadServer(ctx: IExecuteFunctions, itemIndex: number): Promise<UploadServerResponse> {
	const server = await apiRequest(ctx, 'upload/get_upload_server.cgi', {}, { itemIndex });
	// rclone refuses ids that are not up to 10 alphanumerics: they end up in a URL.
	if (!/^[A-Za-z0-9]{1,10}$/.test(String(server.id)) || !/^[A-Za-z0-9.:-]+$/.test(String(server.url))) {
		throw toNodeApiError(
			ctx.getNode(),
			{ endpoint: 'upload/get_upload_server.cgi', message: 'invalid upload server answer', kind: 'fatal' },
			itemIndex,
		);
	}
	return server;
}

/** The node is a bare host name; it is reached with the same scheme as the API base URL. */
async function uploadNodeBase(ctx: IExecuteFunctions, host: string): Promise<string> {
	const { baseUrl } = await getOneFichierCredentials(ctx);
	const scheme = new URL(baseUrl).protocol;
	return `${scheme}//${host}`;
}

interface PostOutcome {
	failure?: ApiFailure;
}

async function postMultipart(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	source: UploadSource,
	options: UploadOptions,
): Promise<PostOutcome> {
	const boundary = `----n8n1fichier${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="did"\r\n\r\n${options.folderId}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="${source.fileName}"\r\n` +
			'Content-Type: application/octet-stream\r\n\r\n',
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const fileStream = await source.open();
	// Piped, not listened to: a 'data' listener would start the flow before the request exists.
	const counted = fileStream.pipe(progressLogger(ctx, source));
	fileStream.on('error', (error) => counted.destroy(error));
	const body: MultipartBody = { head, file: counted, tail };
	try {
		const response = await sendBytes(ctx, {
			method: 'POST',
			url: `${nodeBase}/upload.cgi?id=${uploadId}`,
			headers: {
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				// Exact length: the node refuses chunked uploads, and it bounds the request.
				'Content-Length': String(head.length + source.size + tail.length),
			},
			body,
			authenticated: true,
		});
		const text = await readSmallBody(response.body);
		if (response.statusCode === 302 || response.statusCode === 303) return {};
		return {
			failure: {
				endpoint: 'upload.cgi',
				httpCode: response.statusCode,
				message: messageFromBody(text, response.statusCode),
				kind: response.statusCode >= 500 ? 'retryable' : 'fatal',
			},
		};
	} catch (error) {
		fileStream.destroy();
		throwIfCancelled(ctx);
		return {
			failure: { endpoint: 'upload.cgi', message: (error as Error).message ?? 'connection lost', kind: 'retryable' },
		};
	}
}

/**
 * Reads end.pl. It answers JSON only with the `JSON: 1` header; while the node still processes the
 * file (antivirus) it answers an HTML "Veuillez patienter" / "Please wait" page, so we wait and ask
 * again, within the node's "Max Wait on Rate Limits" budget.
 */
async function readUploadResult(
	ctx: IExecuteFunctions,
	nodeBase: string,
	uploadId: string,
	itemIndex: number,
	postSucceeded: boolean,
): Promise<EndUploadLink | undefined> {
	const settings = readRateLimits(ctx);
	const clock = getClock();
	let waitedMs = 0;
	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; body: unknown };
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
				method: 'GET',
				url: `${nodeBase}/end.pl?xid=${uploadId}`,
				headers: { JSON: '1' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number; body: unknown };
		} catch {
			throwIfCancelled(ctx);
			response = { statusCode: 0, body: undefined };
		}
		const links = (response.body as EndUploadResponse | undefined)?.links;
		if (response.statusCode === 200 && Array.isArray(links) && links.length > 0) return links[0];
		if (!postSucceeded) return undefined;

		const stillProcessing = typeof response.body === 'string' && /patienter|please wait/i.test(response.body);
		const transient = stillProcessing || response.statusCode === 0 || response.statusCode >= 500;
		const delay = Math.min(30_000, 2000 * 2 ** attempt);
		if (!transient || waitedMs + delay > settings.maxRetryWaitMs) {
			throw toNodeApiError(
				ctx.getNode(),
				{
					endpoint: 'end.pl',
					httpCode: response.statusCode || undefined,
					message: stillProcessing
						? `the upload node was still processing the file after ${Math.round(waitedMs / 1000)} s`
						: `upload result not found (${messageFromBody(response.body, response.statusCode)})`,
					kind: 'fatal',
				},
				itemIndex,
			);
		}
		ctx.logger.info(`1fichier: upload node still processing, asking end.pl again in ${Math.round(delay / 1000)} s`);
		await clock.sleep(delay, cancelSignalOf(ctx));
		waitedMs += delay;
	}
}

function verifySize(
	ctx: IExecuteFunctions,
	link: EndUploadLink,
	source: UploadSource,
	itemIndex: number,
): StoredUpload {
	// end.pl sends `size` as a string.
	const storedSize = toNumber(link.size);
	if (storedSize !== source.size) {
		throw toNodeApiError(
			ctx.getNode(),
			{
				endpoint: 'end.pl',
				message: `1fichier stored ${storedSize ?? 'an unknown number of'} bytes of "${source.fileName}" but ${source.size} were sent; the upload is incomplete (file ${link.download})`,
				kind: 'fatal',
			},
			itemIndex,
		);
	}
	return { url: link.download, filename: link.filename, size: storedSize, checksum: link.whirlpool };
}
