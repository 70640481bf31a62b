import { DEFAULT_LIMITS, OBSERVED_LIMITS, startSimulator } from '../../simulator';
import { api, control, sleep, startRelaxed } from './helpers';

const FLOOD = { status: 'KO', message: 'Flood detected: IP Locked #374' };

describe('simulator: rate limits (§3)', () => {
	it('locks the key after more than 3 calls in a second, then recovers', async () => {
		// Real 1 s window (timeScale 1) so slow machines still flood; a short 1.5 s lock.
		const sim = await startSimulator({ limits: { floodLockMs: 1500 } });
		try {
			const answers = await Promise.all([1, 2, 3, 4].map(() => api(sim, 'folder/ls.cgi', {})));
			const statuses = answers.map((answer) => answer.status).sort();
			expect(statuses).toEqual([200, 200, 200, 403]);
			expect(answers.find((answer) => answer.status === 403)?.json).toEqual(FLOOD);
			// Locked: every call answers 403, whatever the endpoint, even after the window passed.
			await sleep(1100);
			const locked = await api(sim, 'remote/ls.cgi', {});
			expect(locked.status).toBe(403);
			expect(locked.json).toEqual(FLOOD);
			await sleep(500);
			expect((await api(sim, 'folder/ls.cgi', {})).status).toBe(200);
			expect(sim.stats.floodEvents).toBe(2);
			expect(sim.stats.rateLimitEvents.map((event) => event.reason)).toEqual(['flood', 'locked']);
		} finally {
			await sim.close();
		}
	});

	it('limits file/ls per folder without locking the key', async () => {
		// 30 000 × 0.01 = 300 ms per folder; general pacing out of the way.
		const sim = await startSimulator({ timeScale: 0.01, limits: { requestsPerSecond: 1000 } });
		try {
			const folder = sim.state.createFolder(0, 'watched');
			expect((await api(sim, 'file/ls.cgi', { folder_id: folder.id })).status).toBe(200);
			const again = await api(sim, 'file/ls.cgi', { folder_id: folder.id });
			expect(again.status).toBe(403);
			expect(again.json).toEqual(FLOOD);
			expect((await api(sim, 'file/ls.cgi', { folder_id: 0 })).status).toBe(200);
			expect((await api(sim, 'folder/ls.cgi', { folder_id: folder.id })).status).toBe(200);
			expect(sim.stats.floodEvents).toBe(1);
			expect(sim.stats.rateLimitEvents[0]).toMatchObject({ endpoint: 'file/ls.cgi' });
			await sleep(320);
			expect((await api(sim, 'file/ls.cgi', { folder_id: folder.id })).status).toBe(200);
			// folder_id -1: 1 per hour (36 s here).
			expect((await api(sim, 'file/ls.cgi', { folder_id: -1 })).status).toBe(200);
			await sleep(320);
			expect((await api(sim, 'file/ls.cgi', { folder_id: -1 })).status).toBe(403);
		} finally {
			await sim.close();
		}
	});

	it('spaces listings in general when listingsEveryMs is set: file/ls and folder/ls as one class, per key', async () => {
		// 3 000 × 0.1 = 300 ms between any two listings; per-folder limit and general pacing out of the way.
		const sim = await startSimulator({ timeScale: 0.1, keys: ['KEY-ONE', 'KEY-TWO'], limits: { requestsPerSecond: 1000, fileLsPerFolderMs: 0, listingsEveryMs: 3000 } });
		const as = (key: string) => ({ key });
		try {
			const folder = sim.state.createFolder(0, 'spaced');
			expect((await api(sim, 'folder/ls.cgi', { folder_id: 0 }, as('KEY-ONE'))).status).toBe(200);
			// Another folder, another endpoint: still a listing too soon.
			const tooSoon = await api(sim, 'file/ls.cgi', { folder_id: folder.id }, as('KEY-ONE'));
			expect(tooSoon.status).toBe(403);
			expect(tooSoon.json).toEqual(FLOOD);
			// The other key lists freely, and the refused key is not locked for other calls.
			expect((await api(sim, 'file/ls.cgi', { folder_id: folder.id }, as('KEY-TWO'))).status).toBe(200);
			expect((await api(sim, 'remote/ls.cgi', {}, as('KEY-ONE'))).status).toBe(200);
			await sleep(320);
			expect((await api(sim, 'file/ls.cgi', { folder_id: folder.id }, as('KEY-ONE'))).status).toBe(200);
			expect((await api(sim, 'folder/ls.cgi', { folder_id: folder.id }, as('KEY-ONE'))).status).toBe(403);
			expect(sim.stats.byEndpoint).toMatchObject({ 'folder/ls.cgi': 2, 'file/ls.cgi': 3 });
			expect(sim.stats.rateLimitEvents.map((event) => `${event.endpoint} ${event.reason}`)).toEqual([
				'file/ls.cgi listings spacing',
				'folder/ls.cgi listings spacing',
			]);
		} finally {
			await sim.close();
		}
	});

	it('has no general listing spacing by default; OBSERVED_LIMITS, setLimits and /__simulator/limits turn it on', async () => {
		expect(DEFAULT_LIMITS.listingsEveryMs).toBe(0);
		expect(OBSERVED_LIMITS).toEqual({ ...DEFAULT_LIMITS, listingsEveryMs: 3000 });
		const sim = await startSimulator({ timeScale: 0.1, limits: { requestsPerSecond: 1000, fileLsPerFolderMs: 0 } });
		try {
			const listings = async () => [(await api(sim, 'folder/ls.cgi', {})).status, (await api(sim, 'file/ls.cgi', {})).status];
			expect(await listings()).toEqual([200, 200]);
			sim.setLimits({ listingsEveryMs: 3000 });
			await sleep(320);
			expect(await listings()).toEqual([200, 403]);
			sim.setLimits({ listingsEveryMs: 0 });
			expect(await listings()).toEqual([200, 200]);
			expect((await control(sim, 'limits', { listingsEveryMs: 3000 })).json.limits.listingsEveryMs).toBe(3000);
			await sleep(320);
			expect(await listings()).toEqual([200, 403]);
			expect((await control(sim, 'state')).json.limits.listingsEveryMs).toBe(3000);
			expect((await control(sim, 'limits', { listingsEvery: 3000 })).status).toBe(400);
			expect((await control(sim, 'limits', { listingsEveryMs: -1 })).status).toBe(400);
			expect(() => sim.setLimits({ listingsEveryMs: Number.NaN })).toThrow(/listingsEveryMs/);
			// A reset goes back to the limits the simulator started with.
			await control(sim, 'reset', {});
			expect(await listings()).toEqual([200, 200]);
		} finally {
			await sim.close();
		}
	});

	it('limits user/info to one call per 5 minutes with #38', async () => {
		const sim = await startSimulator({ timeScale: 0.001 });
		try {
			expect((await api(sim, 'user/info.cgi')).status).toBe(200);
			const again = await api(sim, 'user/info.cgi');
			expect(again.status).toBe(403);
			expect(again.json).toEqual({ status: 'KO', message: 'Flood detected: IP Locked #38' });
			await sleep(310);
			expect((await api(sim, 'user/info.cgi')).status).toBe(200);
		} finally {
			await sim.close();
		}
	});

	it('flood fault answers 403 and starts the lock', async () => {
		const sim = await startSimulator({ timeScale: 0.01 });
		try {
			sim.faults.add({ match: 'folder/ls.cgi', kind: 'flood' });
			expect((await api(sim, 'folder/ls.cgi', {})).json).toEqual(FLOOD);
			expect((await api(sim, 'remote/ls.cgi', {})).status).toBe(403);
			await sleep(320);
			expect((await api(sim, 'remote/ls.cgi', {})).status).toBe(200);
		} finally {
			await sim.close();
		}
	});

	it('answers the other faults: 5xx, maintenance, html403, slow', async () => {
		const sim = await startSimulator({ limits: { requestsPerSecond: 1000 } });
		try {
			sim.faults.add({ match: 'folder/ls.cgi', kind: '5xx', status: 502 });
			sim.faults.add({ match: 'folder/ls.cgi', kind: 'maintenance' });
			sim.faults.add({ match: 'folder/ls.cgi', kind: 'html403' });
			sim.faults.add({ match: 'folder/ls.cgi', kind: 'slow', delayMs: 150 });
			expect(sim.faults.pending()).toBe(4);
			expect((await api(sim, 'folder/ls.cgi', {})).status).toBe(502);
			const maintenance = await api(sim, 'folder/ls.cgi', {});
			expect(maintenance.status).toBe(503);
			expect(maintenance.text).toContain('Our services are in maintenance. Please come back after');
			const antiBot = await api(sim, 'folder/ls.cgi', {});
			expect(antiBot.status).toBe(403);
			expect(antiBot.contentType).toMatch(/text\/html/);
			const started = Date.now();
			expect((await api(sim, 'folder/ls.cgi', {})).status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
			sim.faults.add({ match: 'remote/ls.cgi', kind: 'drop', times: 2 });
			await expect(api(sim, 'remote/ls.cgi', {})).rejects.toThrow();
			expect(sim.faults.pending()).toBe(1);
			sim.faults.clear();
			expect(sim.faults.pending()).toBe(0);
		} finally {
			await sim.close();
		}
	});
});

describe('simulator: file/ls cap of 5 000 (§5)', () => {
	it('returns the newest 5 000, and sent_before walks to the older ones', async () => {
		const sim = await startRelaxed();
		try {
			const folder = sim.state.createFolder(0, 'bulk');
			sim.state.seedFiles(folder.id, 6000, { namePrefix: 'bulk-', startDate: new Date('2024-03-01T00:00:00Z'), stepMs: 1000 });
			expect(sim.state.listFiles(folder.id)).toHaveLength(6000);
			const first = await api(sim, 'file/ls.cgi', { folder_id: folder.id });
			expect(first.json.count).toBe(5000);
			expect(first.json.items[0].filename).toBe('bulk-6000.txt');
			const oldestDate = first.json.items[4999].date as string;
			const second = await api(sim, 'file/ls.cgi', { folder_id: folder.id, sent_before: oldestDate });
			expect(second.json.count).toBe(1000);
			const urls = new Set([...first.json.items, ...second.json.items].map((item: { url: string }) => item.url));
			expect(urls.size).toBe(6000);
			expect(second.json.items[999].filename).toBe('bulk-0001.txt');
		} finally {
			await sim.close();
		}
	});
});
