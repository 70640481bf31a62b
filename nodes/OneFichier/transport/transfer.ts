/**
 * Byte transfers: the three-step upload (get_upload_server → upload.cgi on the node → end.pl) and
 * reading a download token URL. Bytes stream end to end; nothing here holds a whole file.
 */
import { randomBytes } from 'crypto';
import type { IncomingMessage } from 'http';
import http from 'http';
import https from 'https';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { Readable, Transform } from 'stream';

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
import type { EndUploadLink, EndUploadResponse, UploadServerResponse } from './types';
import { toNumber } from './types';

/** rclone enforces the same limit (300e9 bytes); the service refuses larger files. */
export const MAX_FILE_SIZE = 300e9;

/** Read size for binaries streamed from n8n's store: 1 MiB chunks keep per-chunk overhead low. */
export const TRANSFER_CHUNK_BYTES = 1 << 20;

// ---- the byte client -----------------------------------------------------------------------
//
// Bytes go through Node's own http/https client, not n8n's request helper: on 1 GiB over
// loopback (bench/transfer.ts) the helper (axios) took 4.3 s to send what plain http sent in
// 1.2 s. When a proxy is configured in the environment (how n8n is given one), transfers go
// through n8n's helper instead, so its proxy settings still apply. API calls always use it.

interface ByteResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable;
}

/** A multipart body as its three parts: the file's bytes are piped between two small buffers. */
interface MultipartBody {
	head: Buffer;
	file: Readable;
	tail: Buffer;
}

interface ByteRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	body?: MultipartBody;
	/** Adds the credential's Authorization header (upload node: without it the upload is anonymous). */
	authenticated: boolean;
}

export function proxyConfigured(): boolean {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- only reads whether n8n was given a proxy (HTTP(S)_PROXY), the way n8n itself reads it
	const env = process.env;
	return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => !!env[name]);
}

async function sendBytes(ctx: IExecuteFunctions, request: ByteRequest): Promise<ByteResponse> {
	if (proxyConfigured()) return await sendBytesThroughN8n(ctx, request);
	const headers = { ...request.headers };
	if (request.authenticated) {
		const { apiKey } = await getOneFichierCredentials(ctx);
		headers.Authorization = `Bearer ${apiKey}`;
	}
	const target = new URL(request.url);
	const client = target.protocol === 'https:' ? https : http;
	return await new Promise<ByteResponse>((resolve, reject) => {
		const outgoing = client.request(
			target,
			{ method: request.method, headers, signal: cancelSignalOf(ctx) },
			(response: IncomingMessage) =>
				resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: response }),
		);
		outgoing.on('error', reject);
		const body = request.body;
		if (!body) {
			outgoing.end();
			return;
		}
		body.file.on('error', (error) => outgoing.destroy(error));
		body.file.on('end', () => outgoing.end(body.tail));
		outgoing.write(body.head);
		body.file.pipe(outgoing, { end: false });
	});
}

/** The same body as one stream, for n8n's request helper. */
function multipartStream(body: MultipartBody): Readable {
	return Readable.from(concatStreams(body.head, body.file, body.tail), { objectMode: false });
}

async function sendBytesThroughN8n(ctx: IExecuteFunctions, request: ByteRequest): Promise<ByteResponse> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers: request.headers,
		body: request.body ? (multipartStream(request.body) as unknown as IHttpRequestOptions['body']) : undefined,
		disableFollowRedirect: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		encoding: 'stream',
		json: false,
		timeout: 0,
	};
	const response = (request.authenticated
		? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
		: await ctx.helpers.httpRequest({ ...options, abortSignal: cancelSignalOf(ctx) })) as ByteResponse;
	return response;
}

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

async function* concatStreams(head: Buffer, middle: Readable, tail: Buffer): AsyncGenerator<Buffer> {
	yield head;
	for await (const chunk of middle) yield chunk as Buffer;
	yield tail;
}

/**
 * Regroups small network chunks (16-64 KiB) into 1 MiB ones: n8n's binary store awaits one disk
 * write per chunk, so fewer, larger chunks make a download into n8n markedly faster.
 */
export function chunkCoalescer(targetBytes = TRANSFER_CHUNK_BYTES): Transform {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	return new Transform({
		readableHighWaterMark: targetBytes,
		transform(chunk: Buffer, _encoding, callback) {
			pending.push(chunk);
			pendingBytes += chunk.length;
			if (pendingBytes >= targetBytes) {
				this.push(Buffer.concat(pending, pendingBytes));
				pending = [];
				pendingBytes = 0;
			}
			callback();
		},
		flush(callback) {
			if (pendingBytes > 0) this.push(Buffer.concat(pending, pendingBytes));
			callback();
		},
	});
}

const PROGRESS_LOG_INTERVAL_MS = 15_000;

/** Logs progress of long transfers through n8n's logger (every 15 s), passing bytes through. */
export function progressLogger(ctx: IExecuteFunctions, source: { fileName: string; size: number }): Transform {
	let transferred = 0;
	let lastLog = getClock().now();
	const started = lastLog;
	return new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			transferred += chunk.length;
			const now = getClock().now();
			if (now - lastLog >= PROGRESS_LOG_INTERVAL_MS) {
				lastLog = now;
				const percent = source.size ? Math.floor((transferred / source.size) * 100) : 100;
				const rate = transferred / Math.max(1, (now - started) / 1000) / 1048576;
				ctx.logger.info(
					`1fichier: "${source.fileName}" ${percent}% (${transferred} of ${source.size} bytes, ${rate.toFixed(1)} MiB/s)`,
				);
			}
			callback(null, chunk);
		},
	});
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

// ---- download ------------------------------------------------------------------------------

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

function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

async function readSmallBody(stream: Readable): Promise<string> {
	const chunks: Buffer[] = [];
	let length = 0;
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
		length += (chunk as Buffer).length;
		if (length > 4096) break;
	}
	stream.destroy();
	return Buffer.concat(chunks).toString('utf8');
}
