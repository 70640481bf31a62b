/**
 * Where n8n's own Redis is, read from the environment variables n8n reads in queue mode
 * (`@n8n/config` scaling-mode.config) and turned into ioredis options the way n8n's
 * RedisClientService does, so the shared rate limits need no setting of their own.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';

import type { Environment } from './n8nSettings';
import { booleanSetting, numberSetting, readSetting } from './n8nSettings';

/** The switch that keeps pacing inside each process even in queue mode (for comparisons). */
export const SHARED_RATE_LIMITS_SWITCH = 'ONEFICHIER_SHARED_RATE_LIMITS';

export interface SharedRedisSettings {
	/** n8n's `QUEUE_BULL_PREFIX`; this package's keys live under `<prefix>:n8n-nodes-1fichier:`. */
	prefix: string;
	/** For one server, and for each node of a cluster. */
	options: RedisOptions;
	/** Empty unless `QUEUE_BULL_REDIS_CLUSTER_NODES` is set. */
	clusterNodes: Array<{ host: string; port: number }>;
	clusterOptions: ClusterOptions;
	/** `host:port` (or the cluster's nodes) for log messages; never the password. */
	where: string;
}

/** Queue mode (main, workers and webhook processes share Redis), unless switched off. */
export function sharedRateLimitsWanted(env: Environment): boolean {
	return readSetting(env, 'EXECUTIONS_MODE') === 'queue' && booleanSetting(env, SHARED_RATE_LIMITS_SWITCH, true);
}

export function redisSettingsFromEnv(env: Environment): SharedRedisSettings {
	const options: RedisOptions = {
		host: readSetting(env, 'QUEUE_BULL_REDIS_HOST') || 'localhost',
		port: numberSetting(env, 'QUEUE_BULL_REDIS_PORT', 6379),
		db: numberSetting(env, 'QUEUE_BULL_REDIS_DB', 0),
		username: readSetting(env, 'QUEUE_BULL_REDIS_USERNAME') || undefined,
		password: readSetting(env, 'QUEUE_BULL_REDIS_PASSWORD') || undefined,
	};
	if (booleanSetting(env, 'QUEUE_BULL_REDIS_DUALSTACK', false)) options.family = 0;
	if (booleanSetting(env, 'QUEUE_BULL_REDIS_TLS', false)) {
		options.tls = {
			servername: readSetting(env, 'QUEUE_BULL_REDIS_TLS_SERVERNAME') || undefined,
			rejectUnauthorized: booleanSetting(env, 'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE', true),
		};
	}
	if (booleanSetting(env, 'QUEUE_BULL_REDIS_KEEP_ALIVE', false)) {
		options.keepAlive = numberSetting(env, 'QUEUE_BULL_REDIS_KEEP_ALIVE_DELAY', 5000);
	}
	const clusterNodes = (readSetting(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES') ?? '')
		.split(',')
		.filter((pair) => pair.trim() !== '')
		.map((pair) => {
			const [host, port] = pair.trim().split(':');
			return { host, port: parseInt(port, 10) };
		});
	const clusterOptions: ClusterOptions = {
		redisOptions: options,
		slotsRefreshTimeout: numberSetting(env, 'QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT', 1000),
		slotsRefreshInterval: numberSetting(env, 'QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL', 5000),
	};
	if (readSetting(env, 'QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY') === 'NONE') {
		clusterOptions.dnsLookup = (address, lookup) => lookup(null, address);
	}
	const where =
		clusterNodes.length > 0
			? `cluster ${clusterNodes.map((node) => `${node.host}:${node.port}`).join(',')}`
			: `${options.host}:${options.port}`;
	return { prefix: readSetting(env, 'QUEUE_BULL_PREFIX') || 'bull', options, clusterNodes, clusterOptions, where };
}
