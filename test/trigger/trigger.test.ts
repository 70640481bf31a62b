/**
 * The polling trigger against the simulator, through n8n-core's own PollContext: each `poll()`
 * is one n8n poll, and a new harness built on the saved static data is an n8n restart. The
 * simulator's limits are scaled by 0.02, so 1fichier's 30 s per-folder listing limit is 0.6 s
 * here: between two polls of one folder the tests really wait that long.
 */
import { createServer } from 'http';
import type { Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { createPollHarness } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, scaledRateLimits, startTestSimulator } from '../helpers/simulator';

const LISTING_INTERVAL_S = 0.6;
/** A little more than the scaled listing interval. */
const LISTING_GAP_MS = 700;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

function fileTrigger(folderId: number, extra: INodeParameters = {}): INodeParameters {
	return {
		event: 'fileAdded',
		folder: byId(folderId),
		...extra,
		options: { minListingIntervalSeconds: LISTING_INTERVAL_S, ...((extra.options as IDataObject) ?? {}) },
	};
}

const names = (items: Array<{ json: IDataObject }>) => items.map((item) => item.json.filename).sort();

let sim: Simulator;
let origin: Server;
let originUrl: string;
const held: ServerResponse[] = [];
/** Set by a test: once the next file/ls has been answered, the following ones fail. */
let failListingsAfterNextOne = false;

/** Calls the simulator's API directly (what another client of the account would do). */
async function api(endpoint: string, body: object): Promise<IDataObject> {
	const response = await fetch(`${sim.baseUrl}/${endpoint}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${sim.keys[0]}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const json = (await response.json()) as IDataObject;
	if (json.status !== 'OK') throw new Error(`${endpoint}: ${JSON.stringify(json)}`);
	return json;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

const jobDone = (id: unknown) => () => sim.state.remoteJobs().some((job) => job.id === Number(id) && job.done);

beforeAll(async () => {
	origin = createServer((req, res) => {
		if (req.url === '/missing') res.writeHead(404).end('not here');
		else if (req.url?.startsWith('/held')) held.push(res);
		else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`content of ${req.url}`);
	});
	await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
	originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
	sim = await startTestSimulator({
		onRequest: (entry) => {
			if (failListingsAfterNextOne && entry.path.endsWith('file/ls.cgi') && entry.status === 200) {
				failListingsAfterNextOne = false;
				sim.faults.add({ match: 'file/ls.cgi', kind: '5xx', times: 5 });
			}
		},
	});
});
afterAll(async () => {
	for (const res of held) res.destroy();
	await sim.close();
	origin.closeAllConnections();
	await new Promise<void>((resolve) => origin.close(() => resolve()));
});
beforeEach(() => {
	resetSimulator(sim);
});

describe('fileAdded', () => {
	it('emits nothing old on the first poll, then each new file exactly once', async () => {
		const folder = sim.state.createFolder(0, 'inbox');
		sim.state.addFile(folder.id, 'old-1.txt', 'a');
		sim.state.addFile(folder.id, 'old-2.txt', 'b', { date: new Date(Date.now() - 3 * 24 * 3600_000) });
		const trigger = createPollHarness(sim, fileTrigger(folder.id));

		expect(await trigger.poll()).toEqual([]);

		const added = sim.state.addFile(folder.id, 'new-1.txt', 'hello');
		await sleep(LISTING_GAP_MS);
		const items = await trigger.poll();
		expect(names(items)).toEqual(['new-1.txt']);
		// Same shape as the action node's file items.
		expect(items[0].json).toMatchObject({
			url: added.url,
			filename: 'new-1.txt',
			size: 5,
			date: added.date,
			checksum: added.checksum,
			folderId: folder.id,
		});

		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);

		sim.state.addFile(folder.id, 'new-2.txt', 'x');
		sim.state.addFile(folder.id, 'new-3.txt', 'y');
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['new-2.txt', 'new-3.txt']);
		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('does not lose files that share the second of a file already seen, or arrive late by a second', async () => {
		const folder = sim.state.createFolder(0, 'same-second');
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();

		const first = sim.state.addFile(folder.id, 'first.txt', '1');
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['first.txt']);

		// Uploaded after that listing but dated the same second, and one dated a second earlier.
		sim.state.addFile(folder.id, 'same-second.txt', '2', { date: new Date(first.createdAt) });
		sim.state.addFile(folder.id, 'second-before.txt', '3', { date: new Date(first.createdAt - 1000) });
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['same-second.txt', 'second-before.txt']);
		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('emits a deleted and re-uploaded file once more, as a new file, and only once', async () => {
		const folder = sim.state.createFolder(0, 'reupload');
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();

		const original = sim.state.addFile(folder.id, 'report.pdf', 'v1');
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['report.pdf']);

		await api('file/rm.cgi', { files: [{ url: original.url }] });
		const again = sim.state.addFile(folder.id, 'report.pdf', 'v2');
		expect(again.url).not.toBe(original.url);
		await sleep(LISTING_GAP_MS);
		const items = await trigger.poll();
		expect(items.map((item) => item.json.url)).toEqual([again.url]);
		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
	});

	it('keeps its state across a restart of n8n', async () => {
		const folder = sim.state.createFolder(0, 'restart');
		sim.state.addFile(folder.id, 'before.txt', 'a');
		const first = createPollHarness(sim, fileTrigger(folder.id));
		await first.poll();
		sim.state.addFile(folder.id, 'one.txt', 'b');
		await sleep(LISTING_GAP_MS);
		expect(names(await first.poll())).toEqual(['one.txt']);

		sim.state.addFile(folder.id, 'two.txt', 'c');
		const saved = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		const restarted = createPollHarness(sim, fileTrigger(folder.id), { staticData: saved });
		await sleep(LISTING_GAP_MS);
		expect(names(await restarted.poll())).toEqual(['two.txt']);
		await sleep(LISTING_GAP_MS);
		expect(await restarted.poll()).toEqual([]);
	});

	it('keeps the poll cost and the state small in a large folder', async () => {
		const folder = sim.state.createFolder(0, 'large');
		sim.state.seedFiles(folder.id, 3000, { startDate: new Date(Date.now() - 3 * 3600_000), stepMs: 1000 });
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();
		const folderState = () =>
			(trigger.staticData['node:Node'] as IDataObject & { oneFichierTrigger: { fileAdded: { folders: Record<string, { seen: object }> } } })
				.oneFichierTrigger.fileAdded.folders[String(folder.id)];
		expect(Object.keys(folderState().seen).length).toBeLessThanOrEqual(2);

		sim.state.addFile(folder.id, 'fresh.txt', 'new');
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['fresh.txt']);
		expect(Object.keys(folderState().seen).length).toBeLessThanOrEqual(2);
	});

	it('fetches every file when more arrive between two polls than one listing returns (5 000)', async () => {
		const folder = sim.state.createFolder(0, 'burst');
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();
		// 6 000 new files over 60 s of dates: the simulator's file/ls returns the newest 5 000.
		sim.state.seedFiles(folder.id, 6000, { startDate: new Date(Date.now() + 1000), stepMs: 10, namePrefix: 'burst-' });
		const emitted: string[] = [];
		for (let poll = 0; poll < 3; poll++) {
			await sleep(LISTING_GAP_MS);
			emitted.push(...(await trigger.poll()).map((item) => String(item.json.url)));
		}
		expect(emitted).toHaveLength(6000);
		expect(new Set(emitted).size).toBe(6000);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('skips a folder listed less than the listing interval ago instead of getting refused', async () => {
		const folder = sim.state.createFolder(0, 'too-soon');
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();
		sim.state.addFile(folder.id, 'a.txt', 'a');
		// Right away: the folder was just listed, so this poll lists nothing (and is not refused).
		const callsBefore = sim.stats.byEndpoint['file/ls.cgi'] ?? 0;
		expect(await trigger.poll()).toEqual([]);
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(callsBefore);
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['a.txt']);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('recovers from a flood answer through the transport without losing or repeating files', async () => {
		const folder = sim.state.createFolder(0, 'flooded');
		const trigger = createPollHarness(sim, fileTrigger(folder.id));
		await trigger.poll();
		sim.state.addFile(folder.id, 'a.txt', 'a');
		sim.faults.add({ match: 'file/ls.cgi', kind: 'flood' });
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['a.txt']);
		sim.state.addFile(folder.id, 'b.txt', 'b');
		await sleep(LISTING_GAP_MS);
		expect(names(await trigger.poll())).toEqual(['b.txt']);
		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
	});

	it.each(['5xx', 'flood'] as const)(
		'throws when a listing keeps failing (%s) and the next poll emits each file once',
		async (kind) => {
			const folder = sim.state.createFolder(0, `failing-${kind}`);
			const parameters = fileTrigger(folder.id, { rateLimits: { ...scaledRateLimits(), maxRetryWaitSeconds: 0 } });
			const trigger = createPollHarness(sim, parameters);
			await trigger.poll();
			sim.state.addFile(folder.id, 'a.txt', 'a');
			await sleep(LISTING_GAP_MS);
			expect(names(await trigger.poll())).toEqual(['a.txt']);

			sim.state.addFile(folder.id, 'b.txt', 'b');
			const before = JSON.stringify(trigger.staticData);
			sim.faults.add({ match: 'file/ls.cgi', kind, times: 3 });
			await sleep(LISTING_GAP_MS);
			await expect(trigger.poll()).rejects.toThrow();
			expect(JSON.stringify(trigger.staticData)).toBe(before);

			sim.faults.clear();
			sim.resetLimits();
			sim.state.addFile(folder.id, 'c.txt', 'c');
			await sleep(LISTING_GAP_MS * 2);
			expect(names(await trigger.poll())).toEqual(['b.txt', 'c.txt']);
			await sleep(LISTING_GAP_MS);
			expect(await trigger.poll()).toEqual([]);
		},
	);

	it('returns the newest file on a manual run and leaves the state alone', async () => {
		const folder = sim.state.createFolder(0, 'manual');
		sim.state.addFile(folder.id, 'older.txt', 'a', { date: new Date(Date.now() - 60_000) });
		sim.state.addFile(folder.id, 'newest.txt', 'b');
		sim.state.addFile(folder.id, 'oldest.txt', 'c', { date: new Date(Date.now() - 3600_000) });
		const manual = createPollHarness(sim, fileTrigger(folder.id), { mode: 'manual' });
		const items = await manual.poll();
		expect(names(items)).toEqual(['newest.txt']);
		expect(items[0].json.folderId).toBe(folder.id);
		expect(JSON.stringify(manual.staticData)).not.toContain('oneFichierTrigger');

		// A second manual run right away waits for the listing interval rather than being refused.
		expect(names(await manual.poll())).toEqual(['newest.txt']);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('watches sub-folders at any depth, including ones created after activation', async () => {
		const root = sim.state.createFolder(0, 'tree');
		const a = sim.state.createFolder(root.id, 'a');
		const b = sim.state.createFolder(a.id, 'b');
		sim.state.addFile(b.id, 'old-deep.txt', 'old');
		const trigger = createPollHarness(sim, fileTrigger(root.id, { includeSubfolders: true }));
		expect(await trigger.poll()).toEqual([]);

		sim.state.addFile(root.id, 'top.txt', '1');
		sim.state.addFile(b.id, 'deep.txt', '2');
		const c = sim.state.createFolder(a.id, 'c');
		sim.state.addFile(c.id, 'in-new-folder.txt', '3');
		await sleep(LISTING_GAP_MS);
		const items = await trigger.poll();
		expect(names(items)).toEqual(['deep.txt', 'in-new-folder.txt', 'top.txt']);
		expect(items.find((item) => item.json.filename === 'deep.txt')?.json.folderId).toBe(b.id);

		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('a sub-folder failing mid-poll leaves no file skipped or repeated', async () => {
		const root = sim.state.createFolder(0, 'partial');
		const sub = sim.state.createFolder(root.id, 'sub');
		const parameters = fileTrigger(root.id, {
			includeSubfolders: true,
			rateLimits: { ...scaledRateLimits(), maxRetryWaitSeconds: 0 },
		});
		const trigger = createPollHarness(sim, parameters);
		await trigger.poll();
		sim.state.addFile(root.id, 'root.txt', '1');
		sim.state.addFile(sub.id, 'sub.txt', '2');
		// The root's listing succeeds, then every later listing fails: the sub-folder's.
		await sleep(LISTING_GAP_MS);
		failListingsAfterNextOne = true;
		await expect(trigger.poll()).rejects.toThrow();
		expect(failListingsAfterNextOne).toBe(false);
		sim.faults.clear();
		await sleep(LISTING_GAP_MS * 2);
		expect(names(await trigger.poll())).toEqual(['root.txt', 'sub.txt']);
		await sleep(LISTING_GAP_MS);
		expect(await trigger.poll()).toEqual([]);
	});

	it('starts a new baseline when the watched folder changes', async () => {
		const one = sim.state.createFolder(0, 'one');
		const two = sim.state.createFolder(0, 'two');
		sim.state.addFile(two.id, 'already-there.txt', 'x');
		const first = createPollHarness(sim, fileTrigger(one.id));
		await first.poll();
		const switched = createPollHarness(sim, fileTrigger(two.id), { staticData: first.staticData });
		expect(await switched.poll()).toEqual([]);
		sim.state.addFile(two.id, 'new.txt', 'y');
		await sleep(LISTING_GAP_MS);
		expect(names(await switched.poll())).toEqual(['new.txt']);
	});
});

describe('remoteUploadFinished', () => {
	const remoteTrigger: INodeParameters = { event: 'remoteUploadFinished' };

	it('emits each finished request once, with every URL result, and nothing old', async () => {
		const old = await api('remote/request.cgi', { urls: [`${originUrl}/old.txt`], folder_id: 0 });
		await waitFor(jobDone(old.id), 'the old request');
		const trigger = createPollHarness(sim, remoteTrigger);
		expect(await trigger.poll()).toEqual([]);

		const request = await api('remote/request.cgi', { urls: [`${originUrl}/a.txt`, `${originUrl}/missing`], folder_id: 0 });
		await waitFor(jobDone(request.id), 'the request');
		const items = await trigger.poll();
		expect(items).toHaveLength(1);
		const item = items[0].json as IDataObject & { results: IDataObject[] };
		expect(item.requestId).toBe(Number(request.id));
		expect(typeof item.requestDate).toBe('string');
		expect(item.executionDate).not.toMatch(/^1970/);
		expect(item.results).toHaveLength(2);
		const ok = item.results.find((result) => result.url === `${originUrl}/a.txt`)!;
		expect(ok.status).toBe('OK');
		expect(sim.state.findFile(String(ok.downloadUrl))?.filename).toBe('a.txt');
		const ko = item.results.find((result) => result.url === `${originUrl}/missing`)!;
		expect(ko).toMatchObject({ status: 'KO', downloadUrl: null });
		expect(ko.message).toEqual(expect.any(String));

		expect(await trigger.poll()).toEqual([]);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('follows a request from pending through running to finished, across a restart', async () => {
		const trigger = createPollHarness(sim, remoteTrigger);
		await trigger.poll();
		const request = await api('remote/request.cgi', { urls: [`${originUrl}/quick.txt`, `${originUrl}/held-1`], folder_id: 0 });
		expect(await trigger.poll()).toEqual([]);
		// Running: an execution date, but not every URL has its result yet.
		await waitFor(() => held.length > 0, 'the held URL to be fetched');
		expect(await trigger.poll()).toEqual([]);

		const restarted = createPollHarness(sim, remoteTrigger, { staticData: JSON.parse(JSON.stringify(trigger.staticData)) });
		held.shift()!.writeHead(200, { 'Content-Type': 'text/plain' }).end('held content');
		await waitFor(jobDone(request.id), 'the request');
		const items = await restarted.poll();
		expect(items.map((item) => item.json.requestId)).toEqual([Number(request.id)]);
		expect((items[0].json.results as IDataObject[]).every((result) => result.status === 'OK')).toBe(true);
		expect(await restarted.poll()).toEqual([]);
		// remote/info only for the request while it was running and when it finished.
		expect(sim.stats.byEndpoint['remote/info.cgi']).toBe(2);
	});

	it('spreads many newly finished requests over polls, each emitted once', async () => {
		const trigger = createPollHarness(sim, remoteTrigger);
		await trigger.poll();
		const ids: number[] = [];
		for (let i = 0; i < 27; i++) {
			ids.push(Number((await api('remote/request.cgi', { urls: [`${originUrl}/many-${i}.txt`], folder_id: 0 })).id));
			await sleep(15); // this test's own calls stay under the simulator's 3 calls per (scaled) second
		}
		await waitFor(() => ids.every((id) => jobDone(id)()), 'every request');
		const emitted: number[] = [];
		const first = await trigger.poll();
		expect(first).toHaveLength(25);
		emitted.push(...first.map((item) => Number(item.json.requestId)));
		emitted.push(...(await trigger.poll()).map((item) => Number(item.json.requestId)));
		expect(await trigger.poll()).toEqual([]);
		expect(emitted.sort((a, b) => a - b)).toEqual(ids);
		expect(sim.stats.floodEvents).toBe(0);
	});

	it('returns the newest finished request on a manual run', async () => {
		const first = await api('remote/request.cgi', { urls: [`${originUrl}/1.txt`], folder_id: 0 });
		await waitFor(jobDone(first.id), 'the first request');
		const second = await api('remote/request.cgi', { urls: [`${originUrl}/2.txt`], folder_id: 0 });
		await waitFor(jobDone(second.id), 'the second request');
		const manual = createPollHarness(sim, remoteTrigger, { mode: 'manual' });
		const items = await manual.poll();
		expect(items.map((item) => item.json.requestId)).toEqual([Number(second.id)]);
	});
});
