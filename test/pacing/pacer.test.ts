/**
 * The in-process pacer (pacing/pacer.ts): a call to an idle key goes at once, two calls may go
 * together, and no window of k spacings ever gets more calls than strict spacing puts in it.
 * Then the simulator at 1fichier's real limits (3 calls per second, real time) under sustained
 * load, and a download whose two calls wait for nothing on an idle key.
 */
import { apiRequest } from '../../nodes/OneFichier/api/request';
import type { Clock } from '../../nodes/OneFichier/installation/clock';
import { systemClock, useClockForTesting } from '../../nodes/OneFichier/installation/clock';
import { afterCallAt, KeyPacer } from '../../nodes/OneFichier/pacing/pacer';
import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { createApiContext, runNode } from '../helpers/n8n';
import { paceBreaches } from '../helpers/pace';
import type { Simulator } from '../helpers/simulator';
import { startTestSimulator } from '../helpers/simulator';

const SPACING = 500;

/** Virtual time: sleeping advances the clock at once. Sleepers wake in order of their deadline. */
function virtualClock() {
	let now = 1_700_000_000_000;
	const start = now;
	let sleepers: Array<{ at: number; wake: () => void }> = [];
	const clock: Clock = {
		now: () => now,
		sleep: async (ms, signal) =>
			await new Promise<void>((wake, fail) => {
				const sleeper = { at: now + ms, wake };
				sleepers.push(sleeper);
				signal?.addEventListener('abort', () => {
					sleepers = sleepers.filter((other) => other !== sleeper);
					fail(signal.reason);
				});
			}),
	};
	/** Runs until nothing sleeps: each step lets every runnable task go, then jumps to the next deadline. */
	const run = async () => {
		for (;;) {
			for (let tick = 0; tick < 20; tick++) await Promise.resolve();
			await new Promise((resolve) => setImmediate(resolve));
			if (sleepers.length === 0) return;
			sleepers.sort((a, b) => a.at - b.at);
			const next = sleepers[0].at;
			now = Math.max(now, next);
			const due = sleepers.filter((sleeper) => sleeper.at <= now);
			sleepers = sleepers.filter((sleeper) => sleeper.at > now);
			for (const sleeper of due) sleeper.wake();
		}
	};
	return { clock, run, elapsed: () => now - start };
}

let time: ReturnType<typeof virtualClock>;
let restoreClock: (() => void) | undefined;

function useVirtualTime() {
	time = virtualClock();
	restoreClock = useClockForTesting(time.clock);
}
afterEach(() => {
	restoreClock?.();
	restoreClock = undefined;
});

/** Each caller takes `calls` turns, pausing `gap(call)` virtual ms after each; returns every start (ms from 0). */
async function callers(pacer: KeyPacer, count: number, calls: number, gap: (caller: number, call: number) => number) {
	const starts: number[] = [];
	const origin = time.clock.now();
	const work = Array.from({ length: count }, async (_, caller) => {
		for (let call = 0; call < calls; call++) {
			await pacer.waitTurn(SPACING);
			starts.push(time.clock.now() - origin);
			const pause = gap(caller, call);
			if (pause > 0) await time.clock.sleep(pause);
		}
	});
	const all = Promise.all(work);
	await time.run();
	await all;
	return starts.sort((a, b) => a - b);
}

describe('the pace of one key', () => {
	beforeEach(useVirtualTime);

	it('lets a call to an idle key and the one right after it go at once, then spaces the calls', async () => {
		const starts = await callers(new KeyPacer(), 1, 6, () => 0);
		// Strict spacing: 0, 500, 1000, 1500, 2000, 2500. The second call no longer waits; the
		// third waits for the window of two spacings; the rest are as strict spacing puts them.
		expect(starts).toEqual([0, 0, 1000, 1500, 2000, 2500]);
	});

	it('gives a key idle for three spacings its pair again: a transfer of two calls waits for nothing', async () => {
		// A "transfer" of two calls, the key idle, another transfer: four calls in three spacings
		// are what strict spacing allows (0, 500, 1000, 1500), so the pair comes back after three.
		const transfers = async (idle: number) => await callers(new KeyPacer(), 1, 4, (_caller, call) => (call === 1 ? idle : 0));
		expect(await transfers(3 * SPACING)).toEqual([0, 0, 1500, 1500]);
		expect(await transfers(2 * SPACING)).toEqual([0, 0, 1000, 1500]);
	});

	it('keeps the long-run rate of strict spacing: n calls queued at once end where strict spacing ends them', async () => {
		const starts = await callers(new KeyPacer(), 10, 3, () => 0);
		expect(starts).toHaveLength(30);
		expect(starts[starts.length - 1]).toBe(29 * SPACING);
	});

	it('never puts more calls in a window of k spacings than strict spacing does, whatever the callers do', async () => {
		// Callers that pause at random between calls: pairs, lulls, sustained runs, mixed.
		let seed = 42;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const patterns = [
			() => 0,
			() => Math.floor(random() * 3 * SPACING),
			() => (random() < 0.5 ? 0 : Math.floor(random() * 4 * SPACING)),
			() => Math.floor(SPACING * (1 + random())),
		];
		for (const [index, gap] of patterns.entries()) {
			const starts = await callers(new KeyPacer(), 1 + index, 40, () => gap());
			expect({ pattern: index, breaches: paceBreaches(starts, SPACING, 12) }).toEqual({ pattern: index, breaches: [] });
		}
	});

	it('follows a call that waited for its turn one spacing after its actual start, as strict spacing does', () => {
		let state = { lastStartAt: -Infinity, nextStartAt: -Infinity };
		state = afterCallAt(state, 0, SPACING, false);
		expect(state.nextStartAt).toBe(-Infinity);
		state = afterCallAt(state, 0, SPACING, false);
		expect(state.nextStartAt).toBe(2 * SPACING);
		// Its timer fired late: the next call does not catch up (the bound alone would allow 1500).
		state = afterCallAt(state, 2 * SPACING + 400, SPACING, true);
		expect(state.nextStartAt).toBe(3 * SPACING + 400);
		// The same late start without waiting (a key that was ready) may be followed sooner.
		expect(afterCallAt({ lastStartAt: 0, nextStartAt: 2 * SPACING }, 2 * SPACING + 400, SPACING, false).nextStartAt).toBe(3 * SPACING);
	});

	it('holds every caller back during a flood pause, then spaces them: they waited for their turn', async () => {
		const pacer = new KeyPacer();
		pacer.pauseFor(5000);
		const starts = await callers(pacer, 2, 1, () => 0);
		expect(starts).toEqual([5000, 5500]);
	});

	it('a cancelled caller leaves its turn to the next one', async () => {
		const pacer = new KeyPacer();
		const cancel = new AbortController();
		await pacer.waitTurn(SPACING);
		await pacer.waitTurn(SPACING);
		const cancelled = pacer.waitTurn(SPACING, cancel.signal);
		const next = pacer.waitTurn(SPACING).then(() => time.clock.now());
		cancel.abort(new Error('cancelled by the user'));
		await expect(cancelled).rejects.toThrow('cancelled by the user');
		const origin = time.clock.now();
		const done = next;
		await time.run();
		expect((await done) - origin).toBe(2 * SPACING);
	});
});

describe('against the simulator at 1fichier\'s real limits (3 calls per second, real time)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startTestSimulator({ timeScale: 1 });
	});
	afterAll(async () => await sim.close());
	beforeEach(() => {
		resetPacersForTesting();
		sim.resetLimits();
		sim.stats.reset();
	});

	const realLimits = { requestSpacingMs: SPACING, floodWaitSeconds: 30, maxRetryWaitSeconds: 300 };
	const context = () => createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits: realLimits });

	it('sees no flood from several callers making transfers of two calls with short lulls, for seconds', async () => {
		// The pattern the pair could make worst: pairs of calls separated by lulls of about a spacing.
		const lulls = [0, 180, 420, 520, 760, 950];
		const startedAt = Date.now();
		await Promise.all(
			[0, 1, 2].map(async (caller) => {
				const ctx = context();
				for (let transfer = 0; transfer < 2; transfer++) {
					await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 });
					await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 });
					await new Promise((resolve) => setTimeout(resolve, lulls[(caller + transfer) % lulls.length]));
				}
			}),
		);
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(12);
		expect(sim.stats.floodEvents).toBe(0);
		// 12 calls at the key's pace: what strict spacing takes for them (11 spacings).
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(11 * SPACING - 5);
	}, 60_000);

	it('a download from an idle key waits for no turn: get_token and file/info go together', async () => {
		const file = sim.state.addFile(0, 'paced.bin', Buffer.alloc(300_000, 7)) as unknown as { url: string };
		const sleeps: number[] = [];
		const recording: Clock = {
			now: systemClock.now,
			sleep: async (ms, signal) => {
				sleeps.push(ms);
				await systemClock.sleep(ms, signal);
			},
		};
		const restore = useClockForTesting(recording);
		try {
			const result = await runNode(
				sim,
				{ resource: 'file', operation: 'download', file: { __rl: true, mode: 'url', value: file.url }, options: { verifyChecksum: true } },
				{ rateLimits: realLimits },
			);
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.verified).toBe(true);
		} finally {
			restore();
		}
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBe(1);
		expect(sim.stats.byEndpoint['file/info.cgi']).toBe(1);
		// Before the pair, file/info waited for its turn, one spacing after get_token.
		expect(sleeps).toEqual([]);
		expect(sim.stats.floodEvents).toBe(0);
	});
});
