/**
 * The nodes as n8n runs them in queue mode (EXECUTIONS_MODE=queue), in-process: pacing, user/info
 * and folder listings go through n8n's Redis (a real redis-server, found through the QUEUE_BULL_*
 * variables n8n reads), and downloads respect the database binary mode's size limit.
 */
import { Container } from '@n8n/di';
import Redis from 'ioredis';
import { BinaryDataService } from 'n8n-core';

import { clearUserInfoCacheForTesting } from '../../nodes/OneFichier/api/userInfo';
import { resetCoordinationForTesting } from '../../nodes/OneFichier/installation/coordination';
import { keyIdOf } from '../../nodes/OneFichier/pacing/keyId';
import { pacerFor, resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { SharedPacer } from '../../nodes/OneFichier/pacing/sharedPacer';
import { ensureBinaryDataService, runNode } from '../helpers/n8n';
import type { RedisServer } from '../helpers/redisServer';
import { findRedisServer, startRedisServer } from '../helpers/redisServer';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../helpers/simulator';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const MiB = 1024 * 1024;
const PREFIX = 'queue-test';
const redisAvailable = !!findRedisServer() || process.env.REQUIRE_REDIS_TESTS === '1';
if (!redisAvailable) console.warn('Skipping the in-process queue-mode workflows: redis-server is not installed (CI installs it).');

let sim: Simulator;
const savedEnv = { ...process.env };

beforeAll(async () => {
	sim = await startTestSimulator();
	// n8n-core's own configuration (filesystem binary mode) is read before queue mode is switched on.
	await ensureBinaryDataService();
});
afterAll(async () => {
	await sim.close();
	process.env = savedEnv;
});
beforeEach(() => {
	resetSimulator(sim);
	resetPacersForTesting();
	clearUserInfoCacheForTesting();
	// Each test decides queue mode from its own environment, as a fresh n8n process would.
	resetCoordinationForTesting();
});
afterEach(() => resetCoordinationForTesting());

describe('database binary data mode', () => {
	afterEach(() => {
		delete process.env.EXECUTIONS_MODE;
		delete process.env.ONEFICHIER_SHARED_RATE_LIMITS;
		delete process.env.N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE;
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	});

	it('refuses a download larger than n8n stores in database mode as soon as its size is known, before reading it', async () => {
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'database';
		process.env.N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE = '1';
		const stored = sim.state.addFile(0, 'big.bin', Buffer.alloc(2 * MiB + 1, 7));
		const store = jest.spyOn(Container.get(BinaryDataService), 'store');
		try {
			const result = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', stored.url), binaryPropertyName: 'data' });
			expect(result.error?.message).toContain('"big.bin" (2.0 MiB) is larger than n8n stores in its database binary data mode');
			expect(result.error?.message).toContain('N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE = 1.0 MiB');
			expect(result.error?.description).toMatch(/Get Link.*Remote Upload.*S3 binary data mode/);
			// Stopped at the download's headers: n8n was never handed the bytes, file/info never asked.
			expect(store).not.toHaveBeenCalled();
			expect(sim.stats.byEndpoint['file/info.cgi'] ?? 0).toBe(0);
		} finally {
			store.mockRestore();
		}
	});

	it('queue mode means database mode unless n8n is told otherwise; smaller files download', async () => {
		delete process.env.N8N_DEFAULT_BINARY_DATA_MODE;
		process.env.EXECUTIONS_MODE = 'queue';
		process.env.ONEFICHIER_SHARED_RATE_LIMITS = 'false';
		process.env.N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE = '1';
		const big = sim.state.addFile(0, 'big.bin', Buffer.alloc(MiB + 1, 7));
		const small = sim.state.addFile(0, 'small.bin', Buffer.alloc(MiB, 7));
		const refused = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', big.url) });
		expect(refused.error?.message).toContain('N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE');
		const accepted = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', small.url) });
		expect(accepted.error).toBeUndefined();
		expect(accepted.items[0].binary?.data.fileName).toBe('small.bin');
	});
});

(redisAvailable ? describe : describe.skip)('queue mode: rate-limit state in n8n\'s Redis', () => {
	let redis: RedisServer;
	let inspector: Redis;
	const keyId = () => keyIdOf(sim.baseUrl, sim.keys[0]);

	beforeAll(async () => {
		redis = await startRedisServer();
		inspector = new Redis(redis.port, '127.0.0.1');
		Object.assign(process.env, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: PREFIX,
		});
	});
	afterAll(async () => {
		inspector?.disconnect();
		await redis?.stop();
	});
	beforeEach(async () => await inspector.flushall());

	it('paces API calls through Redis, under keys derived from a hash of the API key', async () => {
		expect(pacerFor(sim.baseUrl, sim.keys[0])).toBeInstanceOf(SharedPacer);
		const files = Array.from({ length: 12 }, (_, i) => sim.state.addFile(0, `f${i}.txt`, `file ${i}`));
		const result = await runNode(
			sim,
			{ resource: 'file', operation: 'getLink', file: rl('url', '={{ $json.url }}') },
			{ items: files.map((file) => ({ json: { url: file.url } })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(12);
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBe(12);
		expect(sim.stats.floodEvents).toBe(0);
		const keys = await inspector.keys(`${PREFIX}:*`);
		expect(keys).toContain(`${PREFIX}:n8n-nodes-1fichier:{${keyId()}}:slot`);
		expect(keys.join(' ')).not.toContain(sim.keys[0]);
	});

	it('shares user/info through Redis: a second process (empty local cache) does not call again', async () => {
		const first = await runNode(sim, { resource: 'account', operation: 'get' });
		clearUserInfoCacheForTesting();
		resetPacersForTesting();
		const second = await runNode(sim, { resource: 'account', operation: 'get' });
		expect(first.error).toBeUndefined();
		expect(second.items[0].json).toEqual(first.items[0].json);
		expect(sim.stats.byEndpoint['user/info.cgi']).toBe(1);
		expect(await inspector.pttl(`${PREFIX}:n8n-nodes-1fichier:{${keyId()}}:userinfo`)).toBeGreaterThan(4 * 60_000);
	});

	it('records folder listings in Redis so other processes wait their turn', async () => {
		sim.state.addFile(0, 'a.txt', 'a');
		const result = await runNode(sim, { resource: 'file', operation: 'getMany', folder: rl('id', '0'), returnAll: true });
		expect(result.error).toBeUndefined();
		const listed = await inspector.get(`${PREFIX}:n8n-nodes-1fichier:{${keyId()}}:ls:0`);
		expect(Number(listed)).toBeGreaterThan(Date.now() - 60_000);
	});
});
