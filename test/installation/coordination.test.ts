/**
 * Queue-mode coordination never fails a call: whatever goes wrong with n8n's Redis or its client
 * (an ioredis whose client cannot be built, commands or a connection that never answer, a script
 * error, the subscriber), the calls pace in the process and one warning says so.
 *
 * The broken clients are injected ioredis modules (`CoordinationOptions.loadIoredis`); the script
 * error and the workflow-level checks use a real redis-server (test/helpers/redisServer.ts).
 */
import { Container } from '@n8n/di';
import { Logger as N8nLogger } from '@n8n/backend-common';
import { EventEmitter } from 'events';
import Redis from 'ioredis';
import type { Logger } from 'n8n-workflow';

import { clearUserInfoCacheForTesting } from '../../nodes/OneFichier/api/userInfo';
import type { CoordinationOptions } from '../../nodes/OneFichier/installation/coordination';
import { Coordination, installationCoordination, resetCoordinationForTesting } from '../../nodes/OneFichier/installation/coordination';
import { redisSettingsFromEnv } from '../../nodes/OneFichier/installation/redisSettings';
import { keyIdOf } from '../../nodes/OneFichier/pacing/keyId';
import { clearListingGateForTesting } from '../../nodes/OneFichier/pacing/listingGate';
import { KeyPacer } from '../../nodes/OneFichier/pacing/pacer';
import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { SharedPacer } from '../../nodes/OneFichier/pacing/sharedPacer';
import { runNode } from '../helpers/n8n';
import type { RedisServer } from '../helpers/redisServer';
import { findRedisServer, freeLoopbackPort, startRedisServer } from '../helpers/redisServer';
import { useTestSimulator } from '../helpers/simulator';

type IoredisModule = ReturnType<NonNullable<CoordinationOptions['loadIoredis']>>;

const FAKE_KEY = 'FAKE-KEY-for-coordination-tests-0000';
const KEY_ID = keyIdOf('http://127.0.0.1:1/v1', FAKE_KEY);
/** Every test here must end well within this: a hang fails it instead of stalling the suite. */
const BOUNDED_MS = 15_000;
const never = <T>() => new Promise<T>(() => undefined);

const redisAvailable = !!findRedisServer() || process.env.REQUIRE_REDIS_TESTS === '1';

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

/** How a fake ioredis client behaves; `answering` may change during a test. */
interface FakeBehaviour {
	answering: boolean;
	connects: boolean;
	/** Throws from the constructor of the n-th client (1 = the main connection, 2 = the subscriber). */
	throwOnClient?: number;
	commandsSent: number;
	clientsBuilt: number;
}

/** An ioredis look-alike: what Coordination and SharedState use, answering or hanging on demand. */
function fakeIoredis(behaviour: FakeBehaviour): IoredisModule {
	class FakeRedis extends EventEmitter {
		status = 'wait';

		constructor() {
			super();
			behaviour.clientsBuilt++;
			if (behaviour.clientsBuilt === behaviour.throwOnClient) {
				throw new TypeError('Cannot read properties of undefined (reading \'connectionOptions\')');
			}
		}

		async connect(): Promise<void> {
			if (!behaviour.connects) return await never<void>();
			this.status = 'ready';
		}

		defineCommand(name: string): void {
			const answers: Record<string, unknown> = { oneFichierReserve: [Date.now(), 0], oneFichierReservePaced: [Date.now(), 0], oneFichierPause: 0, oneFichierMark: 1, oneFichierAge: -1, oneFichierUserInfo: ['claimed'] };
			(this as unknown as Record<string, unknown>)[name] = async () => await this.answer(answers[name]);
		}

		multi() {
			const batch = { set: () => batch, del: () => batch, exec: async () => await this.answer([]) };
			return batch;
		}

		async subscribe(): Promise<void> {
			return await never<void>();
		}

		disconnect(): void {
			this.status = 'end';
		}

		private async answer<T>(value: T): Promise<T> {
			behaviour.commandsSent++;
			return behaviour.answering ? value : await never<T>();
		}
	}
	return { Redis: FakeRedis, Cluster: FakeRedis } as unknown as IoredisModule;
}

function behaviour(overrides: Partial<FakeBehaviour> = {}): FakeBehaviour {
	return { answering: true, connects: true, commandsSent: 0, clientsBuilt: 0, ...overrides };
}

/** An ioredis whose client constructor throws, as an incompatible copy first on the module path does. */
const throwingIoredis = (): IoredisModule =>
	({
		Redis: class {
			constructor() {
				throw new TypeError('Cannot read properties of undefined (reading \'connectionOptions\')');
			}
		},
		Cluster: class {},
	}) as unknown as IoredisModule;

/** One simulated n8n process using the given ioredis. */
function processWith(options: CoordinationOptions) {
	const settings = redisSettingsFromEnv({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: '1', QUEUE_BULL_PREFIX: 'coordination-test' });
	const coordination = new Coordination(settings, { connectTimeoutMs: 200, commandTimeoutMs: 200, ...options });
	const { logger, warnings } = recordingLogger();
	coordination.useLogger(logger);
	const pacer = new SharedPacer(KEY_ID, coordination, new KeyPacer());
	/** Which of the two ran: Redis ('shared') or the process's own state ('local'). */
	const which = async () => await coordination.use(async (state) => await state.listingAge(KEY_ID, 1).then(() => 'shared'), () => 'local');
	return { coordination, pacer, warnings, which };
}

/** Every entry point a call goes through: slots, pauses, listings, user/info. */
async function callsThatMustComplete(p: ReturnType<typeof processWith>): Promise<void> {
	for (let call = 0; call < 3; call++) await p.pacer.waitTurn(10);
	await p.pacer.pauseFor(10);
	await p.pacer.waitTurn(10);
	expect(await p.which()).toBe('local');
	expect(await p.coordination.sharedUserInfo(KEY_ID, async () => ({ offer: 1 }))).toBeUndefined();
}

describe('queue-mode coordination falls back to pacing in the process, with one warning', () => {
	const processes: Array<ReturnType<typeof processWith>> = [];
	const start = (options: CoordinationOptions) => {
		const started = processWith(options);
		processes.push(started);
		return started;
	};
	afterEach(() => {
		for (const p of processes.splice(0)) p.coordination.close();
	});

	it('when the ioredis found cannot build a client (its constructor throws)', async () => {
		const p = start({ loadIoredis: throwingIoredis });
		await callsThatMustComplete(p);
		expect(p.warnings).toHaveLength(1);
		expect(p.warnings[0]).toMatch(/Redis \(127\.0\.0\.1:1\) cannot be reached \(the ioredis found cannot be used \(Cannot read properties.*each n8n process paces its own/);
	}, BOUNDED_MS);

	it('when the module has no client class at all (not ioredis 5)', async () => {
		const p = start({ loadIoredis: () => ({}) as IoredisModule });
		await callsThatMustComplete(p);
		expect(p.warnings).toHaveLength(1);
		expect(p.warnings[0]).toContain('is not a constructor');
	}, BOUNDED_MS);

	it('when ioredis cannot be loaded', async () => {
		const p = start({
			loadIoredis: () => {
				throw new Error("Cannot find module 'ioredis'");
			},
		});
		await callsThatMustComplete(p);
		expect(p.warnings).toEqual([expect.stringContaining("ioredis could not be loaded from n8n (Cannot find module 'ioredis')")]);
	}, BOUNDED_MS);

	it('when Redis commands never answer: one call waits the command timeout, the next ones do not ask Redis', async () => {
		const fake = behaviour({ answering: false });
		const p = start({ loadIoredis: () => fakeIoredis(fake), retryAfterMs: 60_000 });
		await callsThatMustComplete(p);
		expect(fake.commandsSent).toBe(1);
		expect(p.warnings).toHaveLength(1);
		expect(p.warnings[0]).toContain('cannot be reached (no answer within 200 ms)');
	}, BOUNDED_MS);

	it('when the connection never settles', async () => {
		const fake = behaviour({ connects: false });
		const p = start({ loadIoredis: () => fakeIoredis(fake) });
		await callsThatMustComplete(p);
		expect(fake.commandsSent).toBe(0);
		expect(p.warnings).toHaveLength(1);
		expect(p.warnings[0]).toContain('no connection within');
	}, BOUNDED_MS);

	it('asks Redis again after a while, and shares again once it answers', async () => {
		const fake = behaviour({ answering: false });
		const p = start({ loadIoredis: () => fakeIoredis(fake), retryAfterMs: 300 });
		expect(await p.which()).toBe('local');
		fake.answering = true;
		expect(await p.which()).toBe('local');
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(await p.which()).toBe('shared');
		expect(p.warnings).toHaveLength(1);
	}, BOUNDED_MS);

	it('keeps sharing when only the subscriber to flood pauses cannot be built, and says what is missing', async () => {
		const fake = behaviour({ throwOnClient: 2 });
		const p = start({ loadIoredis: () => fakeIoredis(fake) });
		for (let call = 0; call < 3; call++) await p.pacer.waitTurn(10);
		expect(await p.which()).toBe('shared');
		expect(fake.commandsSent).toBe(4);
		expect(p.warnings).toHaveLength(1);
		expect(p.warnings[0]).toMatch(/no subscription to flood pauses.*pacing is still shared/);
	}, BOUNDED_MS);
});

describe('queue-mode settings n8n\'s Redis cannot be read from', () => {
	afterEach(() => resetCoordinationForTesting());

	it('pace in the process, with one warning, instead of failing every call', () => {
		const { logger, warnings } = recordingLogger();
		const env = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_PASSWORD_FILE: '/nonexistent/redis-password' };
		resetCoordinationForTesting();
		expect(installationCoordination(logger, env)).toBeUndefined();
		expect(installationCoordination(logger, env)).toBeUndefined();
		expect(warnings).toEqual([expect.stringMatching(/Redis settings cannot be read \(ENOENT.*each n8n process paces its own/)]);
	});
});

(redisAvailable ? describe : describe.skip)('queue-mode coordination against a real Redis', () => {
	let redis: RedisServer;
	let inspector: Redis;
	beforeAll(async () => {
		redis = await startRedisServer();
		inspector = new Redis(redis.port, '127.0.0.1');
	});
	afterAll(async () => {
		inspector?.disconnect();
		await redis?.stop();
	});

	it('a script error (the slot key holds another type) paces in the process, with one warning', async () => {
		const settings = redisSettingsFromEnv({ QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port), QUEUE_BULL_PREFIX: 'lua-error' });
		const coordination = new Coordination(settings, { connectTimeoutMs: 1000 });
		const { logger, warnings } = recordingLogger();
		coordination.useLogger(logger);
		try {
			await inspector.rpush(`lua-error:n8n-nodes-1fichier:{${KEY_ID}}:slot`, 'not a time');
			const pacer = new SharedPacer(KEY_ID, coordination, new KeyPacer());
			const started = Date.now();
			for (let call = 0; call < 3; call++) await pacer.waitTurn(100);
			// The local pacer still spaces the calls.
			expect(Date.now() - started).toBeGreaterThanOrEqual(200 - 5);
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toMatch(/WRONGTYPE/);
		} finally {
			coordination.close();
			await inspector.flushall();
		}
	}, BOUNDED_MS);
});

describe('an n8n node call in queue mode with a broken ioredis', () => {
	const sim = useTestSimulator();
	const savedEnv = { ...process.env };
	let warn: jest.SpyInstance;
	/**
	 * The node requires n8n's ioredis itself: the broken one is what that require finds. Jest keeps
	 * the first module a mock factory returns, so it forwards to the module each test sets here.
	 */
	let found: IoredisModule;
	beforeAll(() => {
		jest.doMock('ioredis', () => ({
			get Redis() {
				return found.Redis;
			},
			get Cluster() {
				return found.Cluster;
			},
		}));
	});
	afterAll(() => jest.dontMock('ioredis'));

	beforeEach(async () => {
		// A fresh process: nothing remembered of the previous test's user/info or listings.
		clearUserInfoCacheForTesting();
		clearListingGateForTesting();
		Object.assign(process.env, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(await freeLoopbackPort()),
		});
		warn = jest.spyOn(Container.get(N8nLogger), 'warn');
	});
	afterEach(() => {
		warn.mockRestore();
		resetCoordinationForTesting();
		resetPacersForTesting();
		process.env = { ...savedEnv };
	});

	const coordinationWarnings = () =>
		warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes("n8n's Redis"));

	it('completes when the client constructor throws', async () => {
		found = throwingIoredis();
		const first = await runNode(sim(), { resource: 'account', operation: 'get' });
		const second = await runNode(sim(), { resource: 'file', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' }, returnAll: true });
		expect(first.error).toBeUndefined();
		expect(first.items[0].json.email).toBeDefined();
		expect(second.error).toBeUndefined();
		expect(coordinationWarnings()).toEqual([expect.stringContaining('the ioredis found cannot be used')]);
	}, BOUNDED_MS);

	it('completes when Redis commands never answer', async () => {
		const fake = behaviour({ answering: false });
		found = fakeIoredis(fake);
		const first = await runNode(sim(), { resource: 'account', operation: 'get' });
		const second = await runNode(sim(), { resource: 'file', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' }, returnAll: true });
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(fake.commandsSent).toBeGreaterThan(0);
		expect(coordinationWarnings()).toHaveLength(1);
	}, BOUNDED_MS);
});
