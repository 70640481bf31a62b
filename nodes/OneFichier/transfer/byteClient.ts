/**
 * The byte client: the upload POST to the node, end.pl's answer, and the GET of a download token
 * through a proxy. Nothing here holds a whole file; the callers in upload.ts and download.ts speak
 * the protocol on top of it.
 *
 * The upload node receives the API key (upload.cgi's Authorization header, end.pl through the
 * credential), so whatever it says may echo the key back. `postToUploadNode` and `readEndPl` are
 * the upload's only ways to it, and nothing they return or throw (status, page, parsed answer,
 * network error) has not been through the key redaction the API calls use (`redactSecrets`).
 */
import type { ClientRequest, IncomingMessage } from 'http';
import http from 'http';
import https from 'https';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import { Readable } from 'stream';

import { cancelSignalOf } from '../api/context';
import { BASE_URL_ADVICE, baseUrlProblem, CREDENTIAL_TYPE, getOneFichierCredentials } from '../api/credentials';
import { redactAnswer, redactSecrets } from '../api/errors';
import type { TransferTimeouts } from './timeouts';
import { TransferTimeoutError, transferTimeouts } from './timeouts';

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
	/** Connect and idle timeouts; without them the request waits as long as the server does. */
	timeouts?: Pick<TransferTimeouts, 'connectMs' | 'idleMs'>;
}

export function proxyConfigured(): boolean {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- only reads whether n8n was given a proxy (HTTP(S)_PROXY), the way n8n itself reads it
	const env = process.env;
	return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((name) => !!env[name]);
}

export async function sendBytes(ctx: IExecuteFunctions, request: ByteRequest): Promise<ByteResponse> {
	if (!request.authenticated) return await sendEither(ctx, request);
	const { apiKey } = await getOneFichierCredentials(ctx);
	// The upload node is a host 1fichier names: with a loopback http Base URL (a simulator) it is
	// reached over http too, and the key must still only go to this machine in clear.
	const problem = baseUrlProblem(request.url);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `The 1fichier API key was not sent to the upload node: its URL ${problem}`, {
			description: BASE_URL_ADVICE,
		});
	}
	try {
		return await sendEither(ctx, request, apiKey);
	} catch (error) {
		throw keyless(error, [apiKey]);
	}
}

async function sendEither(ctx: IExecuteFunctions, request: ByteRequest, apiKey?: string): Promise<ByteResponse> {
	return proxyConfigured() ? await sendBytesThroughN8n(ctx, request) : await sendBytesDirectly(ctx, request, apiKey);
}

async function sendBytesDirectly(ctx: IExecuteFunctions, request: ByteRequest, apiKey?: string): Promise<ByteResponse> {
	const headers = { ...request.headers };
	if (apiKey !== undefined) headers.Authorization = `Bearer ${apiKey}`;
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
		if (request.timeouts) enforceTimeouts(outgoing, request.timeouts, target.protocol === 'https:');
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

/**
 * Gives the request up when its connection is not up within `connectMs`, or once connected when
 * nothing moves for `idleMs` (Node's socket timeout: no byte written out, none read). Which side
 * was stuck is told apart: with the body unfinished and the request not waiting for the socket to
 * drain, it was the file's source.
 */
function enforceTimeouts(outgoing: ClientRequest, timeouts: Pick<TransferTimeouts, 'connectMs' | 'idleMs'>, secure: boolean): void {
	const connected = new AbortController();
	sleep(timeouts.connectMs, connected.signal).then(
		() => outgoing.destroy(new TransferTimeoutError('connect', timeouts.connectMs)),
		() => undefined,
	);
	outgoing.once('socket', (socket) => {
		// A kept-alive socket is connected already.
		if (!socket.connecting) connected.abort();
		else socket.once(secure ? 'secureConnect' : 'connect', () => connected.abort());
	});
	outgoing.once('close', () => connected.abort());
	outgoing.setTimeout(timeouts.idleMs, () => {
		const waitingForSource = !outgoing.writableEnded && !outgoing.writableNeedDrain;
		outgoing.destroy(new TransferTimeoutError(waitingForSource ? 'source' : 'idle', timeouts.idleMs));
	});
}

/**
 * No progress for `idleMs` aborts `stalled` (with a TransferTimeoutError). Through n8n's helper
 * the bytes are not ours to watch on the socket, so progress is each chunk the helper takes from
 * the body, and of the answer.
 */
class IdleWatchdog {
	readonly stalled = new AbortController();

	/** True while the body waits for the file's source, so a stall there is the source's. */
	waitingForSource = false;

	private lastProgress = Date.now();

	private readonly stopped = new AbortController();

	constructor(private readonly idleMs: number) {
		void this.watch();
	}

	progress(): void {
		this.lastProgress = Date.now();
	}

	stop(): void {
		this.stopped.abort();
	}

	private async watch(): Promise<void> {
		try {
			for (let left = this.idleMs; left > 0; left = this.lastProgress + this.idleMs - Date.now()) {
				await sleep(left, this.stopped.signal);
			}
		} catch {
			return;
		}
		this.stalled.abort(new TransferTimeoutError(this.waitingForSource ? 'source' : 'idle', this.idleMs));
	}
}

/** The same body as one stream, for n8n's request helper. */
function multipartStream(body: MultipartBody, watchdog?: IdleWatchdog): Readable {
	return Readable.from(multipartChunks(body, watchdog), { objectMode: false });
}

async function* multipartChunks(body: MultipartBody, watchdog?: IdleWatchdog): AsyncGenerator<Buffer> {
	yield body.head;
	const file = body.file[Symbol.asyncIterator]();
	for (;;) {
		// Resumed: the helper took the previous chunk.
		watchdog?.progress();
		if (watchdog) watchdog.waitingForSource = true;
		const next = await file.next();
		if (watchdog) watchdog.waitingForSource = false;
		watchdog?.progress();
		if (next.done) break;
		yield next.value as Buffer;
	}
	yield body.tail;
	watchdog?.progress();
}

/** The answer's body, counted as progress, the watchdog stopped once it is read or dropped. */
async function* watchedChunks(body: Readable, watchdog: IdleWatchdog): AsyncGenerator<Buffer> {
	try {
		for await (const chunk of body) {
			watchdog.progress();
			yield chunk as Buffer;
		}
	} finally {
		watchdog.stop();
	}
}

async function sendBytesThroughN8n(ctx: IExecuteFunctions, request: ByteRequest): Promise<ByteResponse> {
	const watchdog = request.timeouts && new IdleWatchdog(request.timeouts.idleMs);
	const cancel = cancelSignalOf(ctx);
	const signal = watchdog ? (cancel ? AbortSignal.any([cancel, watchdog.stalled.signal]) : watchdog.stalled.signal) : cancel;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers: request.headers,
		body: request.body ? (multipartStream(request.body, watchdog) as unknown as IHttpRequestOptions['body']) : undefined,
		disableFollowRedirect: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		encoding: 'stream',
		json: false,
		// n8n's `timeout` runs from the start of the request to the answer's headers, so it would cut
		// a long upload short: the watchdog stands for it.
		timeout: 0,
		abortSignal: signal,
	};
	const sent = request.authenticated
		? ctx.helpers.httpRequestWithAuthentication.call(signal ? withCancelSignal(ctx, signal) : ctx, CREDENTIAL_TYPE, options)
		: ctx.helpers.httpRequest(options);
	if (!watchdog) return (await sent) as ByteResponse;
	try {
		const response = (await settledOrStalled(sent, watchdog)) as ByteResponse;
		watchdog.progress();
		return { ...response, body: Readable.from(watchedChunks(response.body, watchdog), { objectMode: false }) };
	} catch (error) {
		watchdog.stop();
		throw watchdog.stalled.signal.aborted ? (watchdog.stalled.signal.reason as Error) : error;
	}
}

/**
 * n8n's authenticated helper aborts on its context's cancel signal (it sets `abortSignal` from it,
 * over the one given): it is handed a context whose signal also fires on a stall.
 */
function withCancelSignal(ctx: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return Object.create(ctx, { getExecutionCancelSignal: { value: () => signal } }) as IExecuteFunctions;
}

/** The helper's answer, or the stall, whichever comes first (an n8n that ignored the signal cannot hold the upload). */
async function settledOrStalled<T>(sent: Promise<T>, watchdog: IdleWatchdog): Promise<T> {
	const stalled = watchdog.stalled.signal;
	const onStall = new Promise<never>((_resolve, reject) => {
		stalled.addEventListener('abort', () => reject(stalled.reason as Error), { once: true });
	});
	sent.catch(() => undefined);
	return await Promise.race([sent, onStall]);
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

// ---- the upload node, which receives the key ------------------------------------------------

/** upload.cgi's answer: its status and the start of its page (an error page, or nothing). */
export interface UploadNodeAnswer {
	statusCode: number;
	page: string;
}

/** The multipart POST to upload.cgi with the key, within the transfer timeouts; answer and errors without the key. */
export async function postToUploadNode(
	ctx: IExecuteFunctions,
	url: string,
	headers: Record<string, string>,
	body: MultipartBody,
): Promise<UploadNodeAnswer> {
	const { apiKey } = await getOneFichierCredentials(ctx);
	const { connectMs, idleMs } = transferTimeouts();
	const response = await sendBytes(ctx, { method: 'POST', url, headers, body, authenticated: true, timeouts: { connectMs, idleMs } });
	try {
		return { statusCode: response.statusCode, page: redactSecrets(await readSmallBody(response.body), [apiKey]) };
	} catch (error) {
		throw keyless(error, [apiKey]);
	}
}

/** end.pl's answer: the parsed JSON asked for, or the page that came instead. */
export interface EndPlResponse {
	statusCode: number;
	body: unknown;
}

/** One GET of end.pl through the credential, within its timeout; answer and errors without the key. */
export async function readEndPl(ctx: IExecuteFunctions, url: string): Promise<EndPlResponse> {
	const { apiKey } = await getOneFichierCredentials(ctx);
	const timeoutMs = transferTimeouts().endPlMs;
	const startedAt = Date.now();
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method: 'GET',
			url,
			headers: { JSON: '1' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// n8n's timeout runs from the request to the answer's headers, then between its bytes.
			timeout: timeoutMs,
		})) as EndPlResponse;
		return { statusCode: response.statusCode, body: redactAnswer(response.body, [apiKey]) };
	} catch (error) {
		// n8n words its timeout differently from version to version; the time it took tells it apart.
		const timedOut = Date.now() - startedAt >= timeoutMs;
		throw timedOut ? new TransferTimeoutError('answer', timeoutMs) : keyless(error, [apiKey]);
	}
}

/**
 * The error's text without the key, as a plain Error keeping its code: the original, with the
 * request it may carry (headers included), goes no further.
 */
function keyless(error: unknown, secrets: string[]): Error {
	if (error instanceof TransferTimeoutError) return error;
	const { message, code } = error as { message?: string; code?: string };
	const redacted = new Error(redactSecrets(message ?? 'connection lost', secrets)) as Error & { code?: string };
	if (code) redacted.code = code;
	return redacted;
}
