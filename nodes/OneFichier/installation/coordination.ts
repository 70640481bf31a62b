/**
 * Queue mode: the connection to n8n's Redis through which every n8n process of the installation
 * shares the rate-limit state (`SharedState`). Coordination must never fail a workflow: when Redis
 * cannot be reached the callers use their in-process state instead, and one warning says so.
 *
 * The Redis client is n8n's own ioredis, loaded only here and only in queue mode: n8n puts its
 * node_modules on NODE_PATH before it loads community packages, and in queue mode it has ioredis
 * because it talks to Bull with it. The package therefore has no runtime dependency (README,
 * "Queue mode").
 */
import type { Logger } from 'n8n-workflow';
import type IORedis from 'ioredis';
import type { Cluster, Redis, RedisOptions } from 'ioredis';

import { getClock } from './clock';
import type { Environment } from './n8nSettings';
import { processEnvironment } from './n8nSettings';
import type { SharedRedisSettings } from './redisSettings';
import { redisSettingsFromEnv, sharedRateLimitsWanted } from './redisSettings';
import type { RedisClient } from './sharedState';
import { SharedState } from './sharedState';

type IORedisModule = typeof IORedis & { Cluster: typeof Cluster; Redis: typeof Redis };

export interface CoordinationOptions {
	/** Time allowed to connect (the first call waits for it at most this long). */
	connectTimeoutMs?: number;
	/** A slow Redis is treated like an unreachable one: the call goes on with local pacing. */
	commandTimeoutMs?: number;
	/** How long entries outlive the moment they stop mattering (tests use a short one). */
	extraLifetimeMs?: number;
	/** Where ioredis comes from (n8n's copy by default). */
	loadIoredis?: () => IORedisModule;
}

/** While another process fetches a shared answer, look again this often. */
const SHARED_ANSWER_POLL_MS = 500;

function n8nIoredis(): IORedisModule {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, in queue mode only: the copy n8n itself uses for Bull (n8n puts its node_modules on NODE_PATH before loading community packages)
	return require('ioredis') as IORedisModule;
}

export class Coordination {
	private connecting?: Promise<SharedState | undefined>;

	private clients: RedisClient[] = [];

	private client?: RedisClient;

	private warned = false;

	private logger?: Logger;

	private readonly pauseListeners = new Map<string, Set<() => void>>();

	constructor(
		private readonly settings: SharedRedisSettings,
		private readonly options: CoordinationOptions = {},
	) {}

	/** Logs go through the latest node context's logger (n8n's own). */
	useLogger(logger: Logger | undefined): void {
		if (logger) this.logger = logger;
	}

	/**
	 * Runs `shared` against Redis; when Redis cannot be reached or fails, warns once and runs `local`.
	 * `shared` should only talk to Redis: anything it throws counts as Redis failing.
	 */
	async use<T>(shared: (state: SharedState) => Promise<T>, local: () => T | Promise<T>): Promise<T> {
		const state = await this.sharedState();
		if (state) {
			try {
				return await shared(state);
			} catch (error) {
				this.warnOnce(error as Error);
			}
		}
		return await local();
	}

	/** Calls `listener` whenever any process announces a flood pause of this key. */
	onPause(keyId: string, listener: () => void): void {
		let listeners = this.pauseListeners.get(keyId);
		if (!listeners) {
			listeners = new Set();
			this.pauseListeners.set(keyId, listeners);
		}
		listeners.add(listener);
	}

	/**
	 * The user/info answer, shared by every process: the cached one, or this process fetches and
	 * shares it while the others wait for it. `undefined` when Redis cannot be reached.
	 */
	async sharedUserInfo<T>(keyId: string, fetch: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
		for (;;) {
			signal?.throwIfAborted();
			const claim = await this.use(async (state) => await state.claimUserInfo(keyId), () => undefined);
			if (!claim) return undefined;
			if (claim.kind === 'hit') return JSON.parse(claim.answer) as T;
			if (claim.kind === 'claimed') return await this.fetchAndShare(keyId, fetch);
			await getClock().sleep(SHARED_ANSWER_POLL_MS, signal);
		}
	}

	/** For tests and shutdown: closes the connections. */
	close(): void {
		const clients = this.clients;
		this.clients = [];
		for (const client of clients) client.disconnect();
	}

	private async fetchAndShare<T>(keyId: string, fetch: () => Promise<T>): Promise<T> {
		let answer: T | undefined;
		try {
			answer = await fetch();
			return answer;
		} finally {
			// Without an answer the claim is only given up, so another process may fetch.
			const shared = answer === undefined ? undefined : JSON.stringify(answer);
			await this.use(async (state) => await state.releaseUserInfo(keyId, shared), () => undefined);
		}
	}

	private async sharedState(): Promise<SharedState | undefined> {
		this.connecting ??= this.connect();
		const state = await this.connecting;
		if (!state) return undefined;
		if (this.client?.status === 'ready') return state;
		this.warnOnce(new Error(`the connection is ${this.client?.status ?? 'closed'}`));
		return undefined;
	}

	private async connect(): Promise<SharedState | undefined> {
		let ioredis: IORedisModule;
		try {
			ioredis = (this.options.loadIoredis ?? n8nIoredis)();
		} catch (error) {
			this.warnOnce(new Error(`ioredis could not be loaded from n8n (${(error as Error).message})`));
			return undefined;
		}
		const client = this.createClient(ioredis, {
			// Commands fail at once while disconnected, so callers fall back instead of queueing.
			enableOfflineQueue: false,
			maxRetriesPerRequest: 0,
			commandTimeout: this.options.commandTimeoutMs ?? 2000,
		});
		this.client = client;
		try {
			await client.connect();
		} catch (error) {
			// ioredis keeps reconnecting in the background; until then the callers pace locally.
			this.warnOnce(error as Error);
		}
		const state = new SharedState(client, this.settings.prefix, this.options.extraLifetimeMs);
		this.subscribeToPauses(ioredis, state.pauseChannel);
		return state;
	}

	/** A second connection, in subscriber mode: flood pauses announced by other processes. */
	private subscribeToPauses(ioredis: IORedisModule, channel: string): void {
		const subscriber = this.createClient(ioredis, { maxRetriesPerRequest: null });
		subscriber.on('message', (_channel: string, keyId: string) => {
			for (const listener of this.pauseListeners.get(keyId) ?? []) listener();
		});
		// Queued until the connection is up (however long that takes), then renewed on every reconnect.
		// Without it, pauses still reach every process's next reservation; only sleepers miss them.
		subscriber
			.subscribe(channel)
			.catch((error: Error) => this.logger?.debug(`1fichier: no subscription to flood pauses (${error.message})`));
	}

	private createClient(ioredis: IORedisModule, overrides: RedisOptions): RedisClient {
		const { settings } = this;
		const connectTimeout = this.options.connectTimeoutMs ?? 3000;
		const retryStrategy = (attempt: number) => Math.min(attempt * 500, 5000);
		const options: RedisOptions = { ...settings.options, ...overrides, lazyConnect: true, connectTimeout, retryStrategy };
		const client: RedisClient =
			settings.clusterNodes.length > 0
				? new ioredis.Cluster(settings.clusterNodes, {
						...settings.clusterOptions,
						redisOptions: options,
						lazyConnect: true,
						enableOfflineQueue: options.enableOfflineQueue,
						clusterRetryStrategy: retryStrategy,
					})
				: new ioredis.Redis(options);
		// Failures show as failed commands (and the one warning); the events themselves are noise.
		client.on('error', () => undefined);
		this.clients.push(client);
		return client;
	}

	private warnOnce(error: Error): void {
		if (this.warned) return;
		this.warned = true;
		this.logger?.warn(
			`1fichier: n8n's Redis (${this.settings.where}) cannot be reached (${error.message}); until it can, each n8n process paces its own 1fichier calls, so several processes together may exceed 1fichier's rate limits`,
		);
	}
}

let installation: Coordination | null | undefined;

/** The installation's coordination in queue mode (`EXECUTIONS_MODE=queue`); undefined in regular mode. */
export function installationCoordination(logger?: Logger, env: Environment = processEnvironment()): Coordination | undefined {
	if (installation === undefined) {
		installation = sharedRateLimitsWanted(env) ? new Coordination(redisSettingsFromEnv(env)) : null;
	}
	installation?.useLogger(logger);
	return installation ?? undefined;
}

/** Runs `shared` against n8n's Redis in queue mode (`local` when Redis fails), `local` in regular mode. */
export async function withSharedState<T>(
	logger: Logger | undefined,
	shared: (state: SharedState) => Promise<T>,
	local: () => T | Promise<T>,
): Promise<T> {
	const coordination = installationCoordination(logger);
	return coordination ? await coordination.use(shared, local) : await local();
}

/** For tests only: closes the installation's coordination; the next call reads the environment again. */
export function resetCoordinationForTesting(): void {
	installation?.close();
	installation = undefined;
}
