/**
 * Remote upload as real n8n workflows against the simulator. The simulator fetches the links
 * from a loopback HTTP server started here, so nothing leaves the machine.
 */
import { createServer } from 'http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../helpers/simulator';

const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const remoteOp = (operation: string, parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'remoteUpload',
	operation,
	...parameters,
});

let sim: Simulator;
let origin: Server;
let originUrl: string;
const seenHeaders: IncomingHttpHeaders[] = [];
const hanging: ServerResponse[] = [];
let recordLostRequest = false;

beforeAll(async () => {
	origin = createServer((req, res) => {
		seenHeaders.push(req.headers);
		if (req.url === '/missing') {
			res.writeHead(404).end('not here');
		} else if (req.url === '/hang') {
			hanging.push(res); // never answered until the test ends
		} else {
			const name = (req.url ?? '/').slice(1);
			res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`content of ${name}`);
		}
	});
	await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
	originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
	sim = await startTestSimulator({
		onRequest: (entry) => {
			// Simulates a request that 1fichier recorded although its answer was lost.
			if (recordLostRequest && entry.path.endsWith('remote/request.cgi') && entry.status >= 500) {
				recordLostRequest = false;
				(sim.state as unknown as { addRemoteJob(urls: string[], folderId: number, headers: object): unknown }).addRemoteJob(
					[`${originUrl}/lost.txt`],
					0,
					{},
				);
			}
		},
	});
});
afterAll(async () => {
	for (const res of hanging) res.destroy();
	await sim.close();
	origin.closeAllConnections();
	await new Promise<void>((resolve) => origin.close(() => resolve()));
});
beforeEach(() => {
	resetSimulator(sim);
	seenHeaders.length = 0;
});

describe('remote upload create', () => {
	it('records the request and returns at once without waiting', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const result = await runNode(
			sim,
			remoteOp('create', {
				urls: `${originUrl}/a.txt\n\n  ${originUrl}/b.txt  \n`,
				folder: byId(docs.id),
				options: { headers: { header: [{ name: 'X-Token', value: 'abc' }] } },
			}),
		);
		expect(result.error).toBeUndefined();
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(jobs[0]).toMatchObject({
			urls: [`${originUrl}/a.txt`, `${originUrl}/b.txt`],
			folderId: docs.id,
			headers: { 'X-Token': 'abc' },
		});
		expect(result.items[0].json).toEqual({
			requestId: jobs[0].id,
			urls: [`${originUrl}/a.txt`, `${originUrl}/b.txt`],
			status: 'pending',
			results: [
				{ url: `${originUrl}/a.txt`, status: 'pending', downloadUrl: null, message: null },
				{ url: `${originUrl}/b.txt`, status: 'pending', downloadUrl: null, message: null },
			],
		});
		expect(sim.stats.byEndpoint['remote/request.cgi']).toBe(1);
		expect(sim.stats.byEndpoint['remote/info.cgi'] ?? 0).toBe(0);
	});

	it('waits for completion and reports each link, with the files stored', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const result = await runNode(
			sim,
			remoteOp('create', {
				urls: `${originUrl}/a.txt\n${originUrl}/missing`,
				folder: byId(docs.id),
				options: {
					waitForCompletion: true,
					pollIntervalSeconds: 0.05,
					timeout: 30,
					headers: { header: [{ name: 'X-Token', value: 'abc' }] },
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const json = result.items[0].json as { status: string; results: Array<Record<string, unknown>> };
		expect(json.status).toBe('finished');
		const files = sim.state.listFiles(docs.id);
		expect(files).toHaveLength(1);
		expect(sim.state.readFile(files[0].url).toString()).toBe('content of a.txt');
		expect(json.results).toEqual([
			{ url: `${originUrl}/a.txt`, status: 'done', downloadUrl: files[0].url, message: null },
			{ url: `${originUrl}/missing`, status: 'failed', downloadUrl: null, message: expect.stringMatching(/404/) },
		]);
		expect(seenHeaders.every((headers) => headers['x-token'] === 'abc')).toBe(true);
		expect(sim.stats.byEndpoint['remote/info.cgi']).toBeGreaterThanOrEqual(1);
	});

	it('accepts an array of links from an expression', async () => {
		const result = await runNode(
			sim,
			remoteOp('create', { urls: `={{ ["${originUrl}/x.txt", "${originUrl}/y.txt"] }}`, folder: byId(0) }),
		);
		expect(result.error).toBeUndefined();
		expect(sim.state.remoteJobs()[0].urls).toEqual([`${originUrl}/x.txt`, `${originUrl}/y.txt`]);
	});

	it('refuses a link that is not http(s), naming "URLs", before any call', async () => {
		const result = await runNode(sim, remoteOp('create', { urls: `${originUrl}/a.txt\nftp://example.com/file`, folder: byId(0) }));
		expect(result.error?.message).toBe('"URLs" contains something that is not an http(s) link: "ftp://example.com/file"');
		const empty = await runNode(sim, remoteOp('create', { urls: '  \n ', folder: byId(0) }));
		expect(empty.error?.message).toBe('"URLs" must contain at least one link');
		expect(sim.stats.requests).toBe(0);
		expect(sim.state.remoteJobs()).toHaveLength(0);
	});

	it('fails after the timeout naming the pending links and the request id', async () => {
		const result = await runNode(
			sim,
			remoteOp('create', {
				urls: `${originUrl}/hang`,
				folder: byId(0),
				options: { waitForCompletion: true, pollIntervalSeconds: 0.05, timeout: 0.5 },
			}),
		);
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(result.error?.message).toBe(
			`Remote upload request ${jobs[0].id} did not finish within 0.5 s; still pending: ${originUrl}/hang`,
		);
		expect(result.error?.description).toMatch(new RegExp(`request ID ${jobs[0].id}`));
	});

	it('after a lost answer, checks the list and sends the request once more when it was not recorded', async () => {
		sim.faults.add({ match: 'remote/request.cgi', kind: '5xx' });
		const result = await runNode(sim, remoteOp('create', { urls: `${originUrl}/a.txt`, folder: byId(0) }));
		expect(result.error).toBeUndefined();
		expect(sim.stats.byEndpoint['remote/ls.cgi']).toBe(1);
		expect(sim.state.remoteJobs()).toHaveLength(1);
		expect(result.items[0].json.requestId).toBe(sim.state.remoteJobs()[0].id);
	});

	it('after a lost answer, reuses the request 1fichier recorded instead of sending it twice', async () => {
		recordLostRequest = true;
		sim.faults.add({ match: 'remote/request.cgi', kind: '5xx' });
		const result = await runNode(sim, remoteOp('create', { urls: `${originUrl}/lost.txt`, folder: byId(0) }));
		expect(result.error).toBeUndefined();
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(result.items[0].json.requestId).toBe(jobs[0].id);
		// Only the failed attempt reached remote/request.cgi.
		expect(sim.stats.byEndpoint['remote/request.cgi']).toBe(1);
		expect(sim.stats.byEndpoint['remote/info.cgi']).toBe(1);
	});
});

describe('remote upload get and getMany', () => {
	async function createAndWait(urls: string): Promise<number> {
		const result = await runNode(
			sim,
			remoteOp('create', { urls, folder: byId(0), options: { waitForCompletion: true, pollIntervalSeconds: 0.05 } }),
		);
		expect(result.error).toBeUndefined();
		return result.items[0].json.requestId as number;
	}

	it('gets one request with each link\'s result', async () => {
		const id = await createAndWait(`${originUrl}/g.txt`);
		const result = await runNode(sim, remoteOp('get', { requestId: String(id) }));
		expect(result.error).toBeUndefined();
		const file = sim.state.listFiles(0)[0];
		expect(result.items[0].json).toMatchObject({
			requestId: id,
			urls: [`${originUrl}/g.txt`],
			status: 'finished',
			results: [{ url: `${originUrl}/g.txt`, status: 'done', downloadUrl: file.url, message: null }],
		});
		expect(typeof result.items[0].json.executionDate).toBe('string');
	});

	it('accepts a number from an expression, and names "Request ID" on bad input', async () => {
		const id = await createAndWait(`${originUrl}/h.txt`);
		const ok = await runNode(sim, remoteOp('get', { requestId: '={{ $json.id }}' }), { items: [{ json: { id } }] });
		expect(ok.items[0].json.requestId).toBe(id);
		const bad = await runNode(sim, remoteOp('get', { requestId: 'abc' }));
		expect(bad.error?.message).toBe('"Request ID" must be a remote upload request ID (a whole number), got "abc"');
	});

	it('lists requests newest first with limit, pending ones without execution date', async () => {
		const done = await createAndWait(`${originUrl}/1.txt`);
		const pendingRun = await runNode(sim, remoteOp('create', { urls: `${originUrl}/hang`, folder: byId(0) }));
		const pending = pendingRun.items[0].json.requestId as number;

		const all = await runNode(sim, remoteOp('getMany', { returnAll: true }));
		expect(all.error).toBeUndefined();
		expect(all.items.map((item) => item.json.requestId)).toEqual([pending, done]);
		expect(all.items[0].json).toMatchObject({ requestId: pending, executionDate: null, status: 'pending' });
		expect(all.items[1].json).toMatchObject({ requestId: done, status: 'done' });
		expect(typeof all.items[1].json.executionDate).toBe('string');

		const limited = await runNode(sim, remoteOp('getMany', { returnAll: false, limit: 1 }));
		expect(limited.items.map((item) => item.json.requestId)).toEqual([pending]);
	});
});
