import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

import { startSimulator, type Simulator } from '../../simulator';
import { api, control, DEMO_API_KEY, multipartBody, postUpload, sleep, startRelaxed } from './helpers';

const MIB = 1024 * 1024;

/** How a request that the server stalls ends: never, until the connection is cut. */
interface Watched {
	request: ClientRequest;
	response?: IncomingMessage;
	received: number;
	/** Resolves with how the request ended once the connection is gone. */
	ended: Promise<'error' | 'aborted' | 'complete'>;
}

function watch(url: string, options: { method?: string; headers?: Record<string, string>; body?: Readable }): Watched {
	const request_ = request(url, { method: options.method ?? 'GET', headers: options.headers });
	const watched: Watched = { request: request_, received: 0, ended: Promise.resolve('complete') };
	watched.ended = new Promise((resolve) => {
		request_.on('error', () => resolve('error'));
		request_.on('response', (response) => {
			watched.response = response;
			response.on('data', (chunk: Buffer) => (watched.received += chunk.length));
			response.on('end', () => resolve('complete'));
			response.on('aborted', () => resolve('aborted'));
			response.on('error', () => resolve('aborted'));
		});
	});
	if (options.body) options.body.pipe(request_);
	else request_.end();
	return watched;
}

/** A 32 MiB body: more than loopback's socket buffers, so a server that stops reading stops the sender. */
function bigUploadBody() {
	const block = Buffer.alloc(MIB, 7);
	return multipartBody({}, [{ filename: 'stalled.bin', content: { size: 32 * MIB, stream: () => Readable.from((function* () { for (let i = 0; i < 32; i++) yield block; })()) } }]);
}

async function startUpload(sim: Simulator): Promise<Watched> {
	const server = await api(sim, 'upload/get_upload_server.cgi', {});
	const body = bigUploadBody();
	return watch(`http://${server.json.url}/upload.cgi?id=${server.json.id}`, {
		method: 'POST',
		headers: { 'Content-Type': body.contentType, 'Content-Length': String(body.length), Authorization: `Bearer ${DEMO_API_KEY}` },
		body: body.stream(),
	});
}

/** "Nothing happens" can only be shown by waiting a little: long enough for any answer on loopback. */
const QUIET_MS = 400;

describe('simulator: stall faults (timeouts)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed();
	});
	afterAll(() => sim.close());
	afterEach(() => sim.faults.clear());

	it('stallUpload reads part of the body, then stops reading and never answers; faults.clear() cuts it', async () => {
		sim.faults.add({ kind: 'stallUpload', afterBytes: 64 * 1024 });
		const upload = await startUpload(sim);
		await sleep(QUIET_MS);
		const sentAtStall = upload.request.socket?.bytesWritten ?? 0;
		await sleep(QUIET_MS);
		expect(upload.response).toBeUndefined();
		// The sender is stuck: far from the 32 MiB, and no further progress.
		expect(upload.request.socket?.bytesWritten ?? 0).toBe(sentAtStall);
		expect(sentAtStall).toBeLessThan(32 * MIB);
		expect((await control(sim, 'state')).json.stalledConnections).toBe(1);
		sim.faults.clear();
		expect(await upload.ended).toBe('error');
		expect(sim.state.allFiles()).toHaveLength(0);
	});

	it('stallDownload sends the headers and afterBytes of the body, then nothing; a reset cuts it', async () => {
		const content = Buffer.alloc(3 * MIB, 1);
		const file = sim.state.addFile(0, 'stalled.bin', content);
		sim.faults.add({ kind: 'stallDownload', afterBytes: 100_000 });
		const token = await api(sim, 'download/get_token.cgi', { url: file.url });
		const download = watch(token.json.url, {});
		await sleep(QUIET_MS);
		expect(download.response?.statusCode).toBe(200);
		expect(download.response?.headers['content-length']).toBe(String(content.length));
		expect(download.received).toBe(100_000);
		await control(sim, 'reset', {});
		expect(await download.ended).toBe('aborted');
	});

	it('stallDownload without afterBytes sends half the body, at most 256 KiB', async () => {
		const small = sim.state.addFile(0, 'small.bin', Buffer.alloc(1000, 2));
		const large = sim.state.addFile(0, 'large.bin', Buffer.alloc(2 * MIB, 3));
		const received: number[] = [];
		for (const file of [small, large]) {
			sim.faults.add({ kind: 'stallDownload' });
			const download = watch((await api(sim, 'download/get_token.cgi', { url: file.url })).json.url, {});
			await sleep(QUIET_MS);
			received.push(download.received);
			sim.releaseStalled();
			await download.ended;
		}
		expect(received).toEqual([500, 256 * 1024]);
	});

	it('stallEndPl: end.pl never answers; the upload itself went through', async () => {
		const { response, nodeHost, uploadId } = await postUpload(sim, [{ filename: 'done.txt', content: 'done' }]);
		expect(response.status).toBe(302);
		sim.faults.add({ kind: 'stallEndPl' });
		const end = watch(`http://${nodeHost}/end.pl?xid=${uploadId}`, { headers: { JSON: '1' } });
		await sleep(QUIET_MS);
		expect(end.response).toBeUndefined();
		sim.releaseStalled();
		expect(await end.ended).toBe('error');
		expect(sim.state.allFiles().map((file) => file.filename)).toContain('done.txt');
	});

	it('stall holds an API call without an answer', async () => {
		sim.faults.add({ kind: 'stall', match: 'folder/ls.cgi' });
		let settled = false;
		const call = api(sim, 'folder/ls.cgi', {}).then(
			() => (settled = true),
			() => 'cut',
		);
		await sleep(QUIET_MS);
		expect(settled).toBe(false);
		expect((await api(sim, 'file/ls.cgi', {})).status).toBe(200);
		sim.faults.clear();
		expect(await call).toBe('cut');
	});

	it('close() ends promptly with stalled connections open', async () => {
		const own = await startSimulator({ limits: { requestsPerSecond: 1000 } });
		own.faults.add({ kind: 'stallUpload', afterBytes: 0 });
		const upload = await startUpload(own);
		own.faults.add({ kind: 'stall', match: 'remote/ls.cgi' });
		const held = api(own, 'remote/ls.cgi', {}).catch(() => 'cut');
		await sleep(100);
		await own.close();
		expect(await upload.ended).toBe('error');
		expect(await held).toBe('cut');
	});
});
