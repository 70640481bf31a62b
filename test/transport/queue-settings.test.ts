/** Queue mode's settings come from the environment variables n8n itself reads. */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { binaryDataMode, databaseModeMaxBytes, noteUploadFromDatabaseStore } from '../../nodes/OneFichier/installation/binaryStore';
import { redisSettingsFromEnv, sharedRateLimitsWanted } from '../../nodes/OneFichier/installation/redisSettings';

describe('n8n\'s Redis settings', () => {
	it('defaults to what n8n defaults to', () => {
		const settings = redisSettingsFromEnv({});
		expect(settings.prefix).toBe('bull');
		expect(settings.options).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
		expect(settings.options.tls).toBeUndefined();
		expect(settings.clusterNodes).toEqual([]);
		expect(settings.where).toBe('localhost:6379');
	});

	it('reads host, port, database, credentials, TLS, dual stack and prefix', () => {
		const settings = redisSettingsFromEnv({
			QUEUE_BULL_REDIS_HOST: 'redis.internal',
			QUEUE_BULL_REDIS_PORT: '6380',
			QUEUE_BULL_REDIS_DB: '3',
			QUEUE_BULL_REDIS_USERNAME: 'n8n',
			QUEUE_BULL_REDIS_PASSWORD: '"not-a-real-password"',
			QUEUE_BULL_REDIS_TLS: 'true',
			QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE: 'false',
			QUEUE_BULL_REDIS_DUALSTACK: '1',
			QUEUE_BULL_PREFIX: 'n8n-prod',
		});
		expect(settings.options).toMatchObject({
			host: 'redis.internal',
			port: 6380,
			db: 3,
			username: 'n8n',
			password: 'not-a-real-password',
			family: 0,
			tls: { rejectUnauthorized: false },
		});
		expect(settings.prefix).toBe('n8n-prod');
		expect(settings.where).toBe('redis.internal:6380');
		expect(settings.where).not.toContain('not-a-real-password');
	});

	it('reads a password from the file named by QUEUE_BULL_REDIS_PASSWORD_FILE, like n8n', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'redis-secret-'));
		try {
			writeFileSync(path.join(dir, 'password'), 'from-a-secret-file\n');
			const settings = redisSettingsFromEnv({ QUEUE_BULL_REDIS_PASSWORD_FILE: path.join(dir, 'password') });
			expect(settings.options.password).toBe('from-a-secret-file');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('reads a cluster\'s nodes and its slot refresh settings', () => {
		const settings = redisSettingsFromEnv({
			QUEUE_BULL_REDIS_CLUSTER_NODES: 'r1:7000, r2:7001',
			QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT: '2000',
		});
		expect(settings.clusterNodes).toEqual([
			{ host: 'r1', port: 7000 },
			{ host: 'r2', port: 7001 },
		]);
		expect(settings.clusterOptions).toMatchObject({ slotsRefreshTimeout: 2000, slotsRefreshInterval: 5000 });
		expect(settings.where).toBe('cluster r1:7000,r2:7001');
	});

	it('shares rate limits in queue mode only, unless ONEFICHIER_SHARED_RATE_LIMITS=false', () => {
		expect(sharedRateLimitsWanted({})).toBe(false);
		expect(sharedRateLimitsWanted({ EXECUTIONS_MODE: 'regular' })).toBe(false);
		expect(sharedRateLimitsWanted({ EXECUTIONS_MODE: 'queue' })).toBe(true);
		expect(sharedRateLimitsWanted({ EXECUTIONS_MODE: 'queue', ONEFICHIER_SHARED_RATE_LIMITS: 'false' })).toBe(false);
	});
});

describe('n8n\'s binary data mode', () => {
	it('is database in queue mode and filesystem otherwise, unless set', () => {
		expect(binaryDataMode({})).toBe('filesystem');
		expect(binaryDataMode({ EXECUTIONS_MODE: 'queue' })).toBe('database');
		expect(binaryDataMode({ EXECUTIONS_MODE: 'queue', N8N_DEFAULT_BINARY_DATA_MODE: 's3' })).toBe('s3');
	});

	it('stores at most N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE MiB (512 by default, 1024 at most)', () => {
		expect(databaseModeMaxBytes({})).toBe(512 * 1024 * 1024);
		expect(databaseModeMaxBytes({ N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '100' })).toBe(100 * 1024 * 1024);
		expect(databaseModeMaxBytes({ N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '4096' })).toBe(1024 * 1024 * 1024);
	});

	it('logs that n8n holds the file in memory when an upload comes from the database store', () => {
		const info = jest.fn();
		const ctx = { logger: { info } } as unknown as IExecuteFunctions;
		noteUploadFromDatabaseStore(ctx, { id: 'filesystem-v2:abc', fileName: 'a.bin' } as IBinaryData, 10);
		expect(info).not.toHaveBeenCalled();
		noteUploadFromDatabaseStore(ctx, { id: 'database:abc', fileName: 'a.bin' } as IBinaryData, 3 * 1024 * 1024);
		expect(info).toHaveBeenCalledWith(expect.stringContaining('"a.bin" (3.0 MiB) from n8n\'s database binary data mode, in which n8n holds the whole file in memory'));
	});
});
