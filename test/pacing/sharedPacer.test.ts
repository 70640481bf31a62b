/**
 * Queue mode's shared rate-limit state against a real redis-server: two `Coordination`s stand for
 * two n8n processes (each has its own Redis connections, pacers and in-process fallback).
 * Skipped with a message when redis-server is not installed; `.ci/run` installs it and sets
 * REQUIRE_REDIS_TESTS=1 so CI always runs them.
 */
import Redis from 'ioredis';
import type { Logger } from 'n8n-workflow';

import type { CoordinationOptions } from '../../nodes/OneFichier/installation/coordination';
import { Coordination } from '../../nodes/OneFichier/installation/coordination';
import { KeyPacer } from '../../nodes/OneFichier/pacing/pacer';
import { keyIdOf } from '../../nodes/OneFichier/pacing/keyId';
import { redisSettingsFromEnv } from '../../nodes/OneFichier/installation/redisSettings';
import { SharedPacer } from '../../nodes/OneFichier/pacing/sharedPacer';
import type { SharedState } from '../../nodes/OneFichier/installation/sharedState';
import { paceBreaches } from '../helpers/pace';
import type { RedisServer } from '../helpers/redisServer';
import { findRedisServer, freeLoopbackPort, startRedisServer } from '../helpers/redisServer';

const FAKE_KEY = 'FAKE-KEY-for-tests-0000';
const KEY_ID = keyIdOf('http://127.0.0.1:1/v1', FAKE_KEY);
const PREFIX = 'test-bull';

const available = !!findRedisServer() || process.env.REQUIRE_REDIS_TESTS === '1';
if (!available) {
	console.warn(
		'Skipping the queue-mode (Redis) pacer tests: redis-server is not installed. Install Debian\'s redis-server (or set REDIS_SERVER=/path/to/redis-server); CI installs it.',
	);
}
const describeWithRedis = available ? describe : describe.skip;

function recordingLogger() {
	const warnings: string[] = [];
	const logger = {
		warn: (message: string) => warnings.push(message),
		info: () => undefined,
		debug: () => undefined,
		error: () => undefined,
	} as unknown as Logger;
	return { logger, warnings };
}

/** One simulated n8n process: its own connections, pacer and fallback. */
function process_(port: number, options: CoordinationOptions = {}) {
	const settings = redisSettingsFromEnv({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port), QUEUE_BULL_PREFIX: PREFIX });
	const coordination = new Coordination(settings, { connectTimeoutMs: 1000, ...options });
	const { logger, warnings } = recordingLogger();
	coordination.useLogger(logger);
	const pacer = new SharedPacer(KEY_ID, coordination, new KeyPacer());
	const state = async <T>(use: (state: SharedState) => Promise<T>) =>
		await coordination.use(use, () => {
			throw new Error('Redis was expected to answer');
		});
	return { coordination, pacer, warnings, state };
}

/** Resolves once `condition` holds (the subscriber connects in the background). */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
	const started = Date.now();
	while (!(await condition())) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describeWithRedis('queue mode: the pacer shared through Redis', () => {
	let redis: RedisServer;
	/** A plain client, to look at what the pacers left in Redis. */
	let inspector: Redis;
	let processes: Array<ReturnType<typeof process_>> = [];
	const start = (options?: CoordinationOptions) => {
		const started = process_(redis.port, options);
		processes.push(started);
		return started;
	};

	beforeAll(async () => {
		redis = await startRedisServer();
		inspector = new Redis(redis.port, '127.0.0.1');
	});
	afterAll(async () => {
		inspector?.disconnect();
		await redis?.stop();
	});
	afterEach(async () => {
		for (const p of processes) p.coordination.close();
		processes = [];
		await inspector.flushall();
	});

	it('keeps the key\'s pace however many callers race from two processes: the pair, then strict spacing', async () => {
		const [a, b] = [start(), start()];
		const reserve = async (p: typeof a) => await p.state(async (state) => await state.reserveSlot(KEY_ID, 25));
		const slots = await Promise.all(Array.from({ length: 200 }, async (_, i) => await reserve(i % 2 ? a : b)));
		const starts = slots.map((slot) => slot.at).sort((x, y) => x - y);
		// No window of k spacings holds more slots than strict spacing puts in it (pacing/pacer.ts).
		expect(paceBreaches(starts, 25, 20)).toEqual([]);
		// The first two together (an idle key), then one spacing apart: the rate of strict spacing.
		expect(starts[1] - starts[0]).toBeLessThan(25);
		expect(starts[2] - starts[0]).toBeGreaterThanOrEqual(50);
		expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(199 * 25);
	});

	it('spaces after a slot that a version without the pair reserved', async () => {
		const p = start();
		const [seconds, micros] = (await inspector.time()).map(Number);
		const redisNow = seconds * 1000 + Math.floor(micros / 1000);
		await inspector.set(`${PREFIX}:n8n-nodes-1fichier:{${KEY_ID}}:slot`, String(redisNow + 300), 'PX', 5000);
		const slot = await p.state(async (state) => await state.reserveSlot(KEY_ID, 100));
		expect(slot.at).toBeGreaterThanOrEqual(redisNow + 400);
	});

	it('spaces listings from two processes by the listing spacing, from the last answer, and other calls by the spacing only', async () => {
		const [a, b] = [start(), start()];
		const reserve = async (p: typeof a, listing?: number) => await p.state(async (state) => await state.reserveSlot(KEY_ID, 10, listing));
		const first = await reserve(a, 300);
		const other = await reserve(b);
		const second = await reserve(b, 300);
		expect(other.at - first.at).toBeLessThan(300);
		expect(second.at - first.at).toBeGreaterThanOrEqual(300);
		// A listing answered later than it was sent: the next one is spaced from its answer.
		await new Promise((resolve) => setTimeout(resolve, 50));
		await a.state(async (state) => await state.markListingDone(KEY_ID));
		const third = await reserve(a, 300);
		expect(third.at - Math.max(second.at, first.at + 50)).toBeGreaterThanOrEqual(300 - 5);
	});

	it('two processes waiting their turns together take as long as one pacer would for all the calls', async () => {
		const [a, b] = [start(), start()];
		const started = Date.now();
		await Promise.all(Array.from({ length: 30 }, async (_, i) => await (i % 2 ? a : b).pacer.waitTurn(40)));
		// Two unshared pacers would be done after about 15 slots (≈ 560 ms).
		expect(Date.now() - started).toBeGreaterThanOrEqual(29 * 40 - 5);
		expect([...a.warnings, ...b.warnings]).toEqual([]);
	});

	it('a flood pause from one process holds back the other, including a caller already asleep on its slot', async () => {
		const [a, b] = [start(), start()];
		await a.pacer.waitTurn(0);
		await b.pacer.waitTurn(0);
		// Both subscribers listen before the pause is announced.
		const channel = `${PREFIX}:n8n-nodes-1fichier:pause`;
		await eventually(async () => Number(((await inspector.pubsub('NUMSUB', channel)) as [string, number])[1]) >= 2);
		await b.pacer.waitTurn(400);
		const sleeping = b.pacer.waitTurn(400).then(() => Date.now());
		await new Promise((resolve) => setTimeout(resolve, 50));
		const pausedAt = Date.now();
		await a.pacer.pauseFor(1000);
		const nextOfA = a.pacer.waitTurn(400).then(() => Date.now());
		// Without the announcement B's caller would go at its slot, ≈ 350 ms from now.
		expect(await sleeping).toBeGreaterThanOrEqual(pausedAt + 1000 - 20);
		expect(await nextOfA).toBeGreaterThanOrEqual(pausedAt + 1000 - 20);
	});

	it('stores hashes, never the API key, and every entry expires on its own', async () => {
		const p = start({ extraLifetimeMs: 100 });
		await p.pacer.waitTurn(50);
		await p.pacer.pauseFor(100);
		const keys = await inspector.keys('*');
		expect(keys.sort()).toEqual(
			['pause', 'slot', 'slot:next'].map((entry) => `${PREFIX}:n8n-nodes-1fichier:{${KEY_ID}}:${entry}`),
		);
		expect(keys.join(' ')).not.toContain(FAKE_KEY);
		for (const key of keys) {
			const ttl = await inspector.pttl(key);
			expect(ttl).toBeGreaterThan(0);
			expect(ttl).toBeLessThanOrEqual(250);
		}
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(await inspector.keys('*')).toEqual([]);
	});

	it('lets one process fetch user/info while the others wait for its answer', async () => {
		const [a, b] = [start(), start()];
		let fetches = 0;
		const fetch = async () => {
			fetches++;
			await new Promise((resolve) => setTimeout(resolve, 300));
			return { email: 'someone@example.com', offer: fetches };
		};
		const answers = await Promise.all([a.coordination.sharedUserInfo(KEY_ID, fetch), b.coordination.sharedUserInfo(KEY_ID, fetch)]);
		expect(fetches).toBe(1);
		expect(answers[0]).toEqual(answers[1]);
		expect(await start().coordination.sharedUserInfo(KEY_ID, fetch)).toEqual(answers[0]);
		expect(fetches).toBe(1);
	});

	it('gives up the user/info claim when the fetch fails, so another process can fetch', async () => {
		const [a, b] = [start(), start()];
		await expect(a.coordination.sharedUserInfo(KEY_ID, async () => await Promise.reject(new Error('flooded')))).rejects.toThrow('flooded');
		expect(await b.coordination.sharedUserInfo(KEY_ID, async () => ({ offer: 2 }))).toEqual({ offer: 2 });
	});

	it('claims folder listings across processes: the second claimant waits the interval', async () => {
		const [a, b] = [start(), start()];
		expect(await a.state(async (state) => await state.claimListing(KEY_ID, 7, 30_000))).toBe(0);
		const wait = await b.state(async (state) => await state.claimListing(KEY_ID, 7, 30_000));
		expect(wait).toBeGreaterThan(29_000);
		expect(wait).toBeLessThanOrEqual(30_000);
		await b.state(async (state) => await state.markListed(KEY_ID, 8, 5000));
		const age = await a.state(async (state) => await state.listingAge(KEY_ID, 8));
		expect(age).toBeGreaterThanOrEqual(5000);
		expect(age).toBeLessThan(6000);
		// A later listing wins over an older report.
		await a.state(async (state) => await state.markListed(KEY_ID, 8, 60_000));
		expect(await a.state(async (state) => await state.listingAge(KEY_ID, 8))).toBeLessThan(6000);
	});

	it('falls back to pacing in the process, with one warning, when Redis cannot be reached', async () => {
		const down = process_(await freeLoopbackPort());
		processes.push(down);
		const started = Date.now();
		for (let call = 0; call < 3; call++) await down.pacer.waitTurn(100);
		await down.pacer.pauseFor(10);
		await down.pacer.waitTurn(100);
		expect(Date.now() - started).toBeGreaterThanOrEqual(300 - 5);
		expect(down.warnings).toHaveLength(1);
		expect(down.warnings[0]).toMatch(/Redis \(127\.0\.0\.1:\d+\) cannot be reached.*each n8n process paces its own/);
		expect(await down.coordination.sharedUserInfo(KEY_ID, async () => ({ offer: 1 }))).toBeUndefined();
	});

	it('shares again once Redis is back', async () => {
		const port = await freeLoopbackPort();
		const p = process_(port);
		processes.push(p);
		await p.pacer.waitTurn(10);
		expect(p.warnings).toHaveLength(1);
		const late = await startRedisServer({ port });
		try {
			const probe = new Redis(port, '127.0.0.1');
			await eventually(async () => {
				await p.pacer.waitTurn(10);
				return (await probe.exists(`${PREFIX}:n8n-nodes-1fichier:{${KEY_ID}}:slot`)) === 1;
			}, 15_000);
			// Its subscription to flood pauses was waiting for the connection too.
			const channel = `${PREFIX}:n8n-nodes-1fichier:pause`;
			await eventually(async () => Number(((await probe.pubsub('NUMSUB', channel)) as [string, number])[1]) === 1, 15_000);
			probe.disconnect();
			expect(p.warnings).toHaveLength(1);
		} finally {
			p.coordination.close();
			await late.stop();
		}
	});

	it('keeps working, locally, when Redis goes away in the middle', async () => {
		const own = await startRedisServer();
		const p = process_(own.port);
		processes.push(p);
		await p.pacer.waitTurn(50);
		expect(p.warnings).toEqual([]);
		await own.stop();
		await p.pacer.waitTurn(50);
		await p.pacer.pauseFor(10);
		await p.pacer.waitTurn(50);
		expect(p.warnings).toHaveLength(1);
	});

	it('honours the execution\'s cancellation while waiting for a shared slot', async () => {
		const p = start();
		const cancel = new AbortController();
		await p.pacer.pauseFor(5000);
		const waiting = p.pacer.waitTurn(10, cancel.signal);
		setTimeout(() => cancel.abort(new Error('cancelled by the user')), 50);
		const started = Date.now();
		await expect(waiting).rejects.toThrow('cancelled by the user');
		expect(Date.now() - started).toBeLessThan(2000);
	});
});
