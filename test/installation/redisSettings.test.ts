/** Queue mode's Redis settings come from the environment variables n8n itself reads. */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

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
