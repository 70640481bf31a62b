/** Shared helpers of the simulator tests: real HTTP on 127.0.0.1, no mocks. */
import { request } from 'node:http';
import { Readable } from 'node:stream';

import { DEMO_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';

export { DEMO_API_KEY };

/** Limits out of the way, so functional tests can call as fast as they like. */
export const RELAXED: SimulatorOptions = {
	limits: {
		requestsPerSecond: 100_000,
		userInfoPerKeyMs: 0,
		userInfoPerIpMs: 0,
		fileLsPerFolderMs: 0,
		fileLsAllMs: 0,
		remoteFetchDelayMs: 0,
	},
};

export function startRelaxed(options: SimulatorOptions = {}): Promise<Simulator> {
	return startSimulator({ ...RELAXED, ...options, limits: { ...RELAXED.limits, ...options.limits } });
}

export interface ApiAnswer {
	status: number;
	contentType: string;
	text: string;
	json: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function api(
	sim: Simulator,
	endpoint: string,
	body?: unknown,
	options: { key?: string | null; method?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
	const key = options.key === undefined ? DEMO_API_KEY : options.key;
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
	if (key !== null) headers.Authorization = `Bearer ${key}`;
	const method = options.method ?? 'POST';
	const response = await fetch(`${sim.baseUrl}/${endpoint}`, {
		method,
		headers,
		body: method === 'GET' || body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// HTML or plain answers: tests look at `text`
	}
	return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

export interface UploadPart {
	filename: string;
	/** Bytes, or a stream factory plus its exact size (for big files that must not be allocated). */
	content: Buffer | string | { size: number; stream: () => Readable };
	contentType?: string;
}

export interface RawResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

const BOUNDARY = '----simulatorTestBoundary7MA4YWxkTrZu0gW';

function partSize(part: UploadPart): number {
	if (typeof part.content === 'string') return Buffer.byteLength(part.content);
	return Buffer.isBuffer(part.content) ? part.content.length : part.content.size;
}

function partStream(part: UploadPart): Readable {
	if (typeof part.content === 'string' || Buffer.isBuffer(part.content)) return Readable.from([Buffer.from(part.content)]);
	return part.content.stream();
}

/** A multipart/form-data body like rclone's: text fields first, then `file[]` parts, exact length. */
export function multipartBody(fields: Record<string, string>, files: UploadPart[]): { length: number; stream: () => Readable; contentType: string } {
	const fieldText = Object.entries(fields)
		.map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
		.join('');
	const heads = files.map((part) => {
		const type = part.contentType ? `Content-Type: ${part.contentType}\r\n` : '';
		return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file[]"; filename="${part.filename}"\r\n${type}\r\n`);
	});
	const closing = Buffer.from(`--${BOUNDARY}--\r\n`);
	const length =
		Buffer.byteLength(fieldText) + heads.reduce((sum, head, i) => sum + head.length + partSize(files[i]) + 2, 0) + closing.length;
	async function* generate() {
		yield Buffer.from(fieldText);
		for (let i = 0; i < files.length; i++) {
			yield heads[i];
			for await (const chunk of partStream(files[i])) yield chunk as Buffer;
			yield Buffer.from('\r\n');
		}
		yield closing;
	}
	return { length, stream: () => Readable.from(generate()), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

/** A raw HTTP request (no redirect following) with a streamed body. */
export function rawRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: Readable | Buffer },
): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
		if (options.body === undefined) req.end();
		else if (Buffer.isBuffer(options.body)) req.end(options.body);
		else options.body.pipe(req);
	});
}

/** Upload steps 1 and 2: get_upload_server, then POST upload.cgi. Returns the raw upload.cgi answer. */
export async function postUpload(
	sim: Simulator,
	files: UploadPart[],
	options: { fields?: Record<string, string>; key?: string | null; uploadId?: string } = {},
): Promise<{ response: RawResponse; uploadId: string; nodeHost: string }> {
	const server = await api(sim, 'upload/get_upload_server.cgi', {});
	const uploadId = options.uploadId ?? (server.json.id as string);
	const nodeHost = server.json.url as string;
	const body = multipartBody(options.fields ?? {}, files);
	const key = options.key === undefined ? DEMO_API_KEY : options.key;
	const headers: Record<string, string> = { 'Content-Type': body.contentType, 'Content-Length': String(body.length) };
	if (key !== null) headers.Authorization = `Bearer ${key}`;
	const response = await rawRequest(`http://${nodeHost}/upload.cgi?id=${uploadId}`, { method: 'POST', headers, body: body.stream() });
	return { response, uploadId, nodeHost };
}

/** All three steps; returns end.pl's JSON links. */
export async function uploadThroughNode(
	sim: Simulator,
	files: UploadPart[],
	options: { fields?: Record<string, string>; key?: string | null } = {},
): Promise<Array<{ download: string; filename: string; size: string; remove: string; whirlpool: string }>> {
	const { response, nodeHost } = await postUpload(sim, files, options);
	if (response.status !== 302) throw new Error(`upload.cgi answered ${response.status}: ${response.body.toString()}`);
	const end = await rawRequest(`http://${nodeHost}${response.headers.location as string}`, { headers: { JSON: '1' } });
	return JSON.parse(end.body.toString()).links;
}

/** A call to the out-of-process control API (`/__simulator/<action>`): GET without a body, POST with one. */
export async function control(sim: Simulator, action: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
	const response = await fetch(`${sim.url}/__simulator/${action}`, {
		method: body === undefined ? 'GET' : 'POST',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (or the deadline passes). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await sleep(20);
	}
}
