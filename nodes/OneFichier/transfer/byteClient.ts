/**
 * The byte client: the upload POST to the node, and the GET of a download token through a proxy.
 * Nothing here holds a whole file; the callers in upload.ts and download.ts speak the protocol on
 * top of it.
 */
import type { IncomingMessage } from 'http';
import http from 'http';
import https from 'https';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { Readable } from 'stream';

import { cancelSignalOf } from '../api/context';
import { CREDENTIAL_TYPE, getOneFichierCredentials } from '../api/credentials';

// Uploads go through Node's own http/https client, not n8n's request helper: on 1 GiB over
// loopback the helper (axios) took 4.3 s to send what plain http sent in 1.2 s. Downloads use
// rawHttp.ts. When a proxy is configured in the environment (how n8n is given one), transfers go
// through n8n's helper instead, so its proxy settings still apply. API calls always use it.

export interface ByteResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: Readable;
}

/** A multipart body as its three parts: the file's bytes are piped between two small buffers. */
export interface MultipartBody {
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
	/** Ends the request early (a stalled upload); the execution's cancel signal always does. */
	signal?: AbortSignal;
}

function requestSignal(ctx: IExecuteFunctions, request: ByteRequest): AbortSignal | undefined {
	const signals = [cancelSignalOf(ctx), request.signal].filter((signal): signal is AbortSignal => signal !== undefined);
	return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

export function proxyConfigured(): boolean {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- only reads whether n8n was given a proxy (HTTP(S)_PROXY), the way n8n itself reads it
	const env = process.env;
	return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => !!env[name]);
}

export async function sendBytes(ctx: IExecuteFunctions, request: ByteRequest): Promise<ByteResponse> {
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
			{ method: request.method, headers, signal: requestSignal(ctx, request) },
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
		abortSignal: requestSignal(ctx, request),
	};
	const response = (request.authenticated
		? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
		: await ctx.helpers.httpRequest(options)) as ByteResponse;
	return response;
}

async function* concatStreams(head: Buffer, middle: Readable, tail: Buffer): AsyncGenerator<Buffer> {
	yield head;
	for await (const chunk of middle) yield chunk as Buffer;
	yield tail;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}


/** Reads at most about 4 KiB of an answer (an error page), then drops the connection. */
export async function readSmallBody(stream: Readable): Promise<string> {
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
