/**
 * Remote upload create as real n8n workflows against the simulator. The simulator fetches the links
 * from a loopback HTTP server started here (./linkOrigin.ts), so nothing leaves the machine.
 */
import { byId, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { remoteOp, useLinkOrigin } from './fixture';

const origin = useLinkOrigin();
let recordLostRequest = false;

const simulator = useSim({
	onRequest: (entry) => {
		// Simulates a request that 1fichier recorded although its answer was lost.
		if (recordLostRequest && entry.path.endsWith('remote/request.cgi') && entry.status >= 500) {
			recordLostRequest = false;
			(simulator().state as unknown as { addRemoteJob(urls: string[], folderId: number, headers: object): unknown }).addRemoteJob(
				[`${origin.url}/lost.txt`],
				0,
				{},
			);
		}
	},
});
beforeEach(() => {
	origin.seenHeaders.length = 0;
});

describe('remote upload create', () => {
	it('records the request and returns at once without waiting', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const result = await runNode(
			sim,
			remoteOp('create', {
				urls: `${origin.url}/a.txt\n\n  ${origin.url}/b.txt  \n`,
				folder: byId(docs.id),
				options: { headers: { header: [{ name: 'X-Token', value: 'abc' }] } },
			}),
		);
		expect(result.error).toBeUndefined();
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(jobs[0]).toMatchObject({
			urls: [`${origin.url}/a.txt`, `${origin.url}/b.txt`],
			folderId: docs.id,
			headers: { 'X-Token': 'abc' },
		});
		expect(result.items[0].json).toEqual({
			requestId: jobs[0].id,
			urls: [`${origin.url}/a.txt`, `${origin.url}/b.txt`],
			status: 'pending',
			results: [
				{ url: `${origin.url}/a.txt`, status: 'pending', downloadUrl: null, message: null },
				{ url: `${origin.url}/b.txt`, status: 'pending', downloadUrl: null, message: null },
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
				urls: `${origin.url}/a.txt\n${origin.url}/missing`,
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
			{ url: `${origin.url}/a.txt`, status: 'done', downloadUrl: files[0].url, message: null },
			{ url: `${origin.url}/missing`, status: 'failed', downloadUrl: null, message: expect.stringMatching(/404/) },
		]);
		expect(origin.seenHeaders.every((headers) => headers['x-token'] === 'abc')).toBe(true);
		expect(sim.stats.byEndpoint['remote/info.cgi']).toBeGreaterThanOrEqual(1);
	});

	it('accepts an array of links from an expression', async () => {
		const result = await runNode(
			sim,
			remoteOp('create', { urls: `={{ ["${origin.url}/x.txt", "${origin.url}/y.txt"] }}`, folder: byId(0) }),
		);
		expect(result.error).toBeUndefined();
		expect(sim.state.remoteJobs()[0].urls).toEqual([`${origin.url}/x.txt`, `${origin.url}/y.txt`]);
	});

	it('refuses a link that is not http(s), naming "URLs", before any call', async () => {
		const result = await runNode(sim, remoteOp('create', { urls: `${origin.url}/a.txt\nftp://example.com/file`, folder: byId(0) }));
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
				urls: `${origin.url}/hang`,
				folder: byId(0),
				options: { waitForCompletion: true, pollIntervalSeconds: 0.05, timeout: 0.5 },
			}),
		);
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(result.error?.message).toBe(
			`Remote upload request ${jobs[0].id} did not finish within 0.5 s; still pending: ${origin.url}/hang`,
		);
		expect(result.error?.description).toMatch(new RegExp(`request ID ${jobs[0].id}`));
	});

	it('after a lost answer, checks the list and sends the request once more when it was not recorded', async () => {
		sim.faults.add({ match: 'remote/request.cgi', kind: '5xx' });
		const result = await runNode(sim, remoteOp('create', { urls: `${origin.url}/a.txt`, folder: byId(0) }));
		expect(result.error).toBeUndefined();
		expect(sim.stats.byEndpoint['remote/ls.cgi']).toBe(1);
		expect(sim.state.remoteJobs()).toHaveLength(1);
		expect(result.items[0].json.requestId).toBe(sim.state.remoteJobs()[0].id);
	});

	it('after a lost answer, reuses the request 1fichier recorded instead of sending it twice', async () => {
		recordLostRequest = true;
		sim.faults.add({ match: 'remote/request.cgi', kind: '5xx' });
		const result = await runNode(sim, remoteOp('create', { urls: `${origin.url}/lost.txt`, folder: byId(0) }));
		expect(result.error).toBeUndefined();
		const jobs = sim.state.remoteJobs();
		expect(jobs).toHaveLength(1);
		expect(result.items[0].json.requestId).toBe(jobs[0].id);
		// Only the failed attempt reached remote/request.cgi.
		expect(sim.stats.byEndpoint['remote/request.cgi']).toBe(1);
		expect(sim.stats.byEndpoint['remote/info.cgi']).toBe(1);
	});
});
