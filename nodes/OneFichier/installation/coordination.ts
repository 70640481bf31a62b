/**
 * Queue mode: the connection to n8n's Redis through which every n8n process of the installation
 * shares the rate-limit state (`SharedState`). Coordination must never fail a workflow: whatever
 * goes wrong with it (ioredis missing or incompatible, a client that cannot be built, no
 * connection, a command that fails or never answers, a script error, the subscriber) the callers
 * use their in-process state instead, one warning says so, and sharing resumes when it can.
 *
 * The Redis client is n8n's own ioredis, loaded only here and only in queue mode: n8n puts its
 * node_modules on NODE_PATH before it loads community packages, and in queue mode it has ioredis
 * because it talks to Bull with it. The package therefore has no runtime dependency (docs/queue-mode.md).
 */
import type { Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
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
	/** After a command failed or went unanswered, calls pace in the process this long before Redis is tried again. */
	retryAfterMs?: number;
	/** How long entries outlive the moment they stop mattering (tests use a short one). */
	extraLifetimeMs?: number;
	/** Where ioredis comes from (n8n's copy by default). */
	loadIoredis?: () => IORedisModule;
}

/** While another process fetches a shared answer, look again this often. */
const SHARED_ANSWER_POLL_MS = 500;

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
/** Redis answers these one-round-trip scripts in well under a millisecond; two seconds is a Redis in trouble. */
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
/**
 * A Redis that accepts commands but does not answer them would otherwise cost every call the
 * command timeout; after one such failure the process paces on its own for this long, then tries again.
 */
const DEFAULT_RETRY_AFTER_MS = 15_000;
/** ioredis reports its own connect timeout first; this only bounds a client that never settles. */
const CONNECT_GRACE_MS = 1000;

function n8nIoredis(): IORedisModule {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, in queue mode only: the copy n8n itself uses for Bull (n8n puts its node_modules on NODE_PATH before loading community packages)
	return require('ioredis') as IORedisModule;
}

export class Coordination {
	private connecting?: Promise<SharedState | undefined>;

	private clients: RedisClient[] = [];

	private client?: RedisClient;

	private warned = false;

	private subscriberWarned = false;

	/** Until then (Date.now()), calls pace in the process without asking Redis. */
	private localUntil = 0;

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
	 * Runs `shared` against Redis; when Redis cannot be reached, fails or does not answer within the
	 * command timeout, warns once and runs `local`. `shared` should only talk to Redis (one round
	 * trip): anything it throws counts as Redis failing.
	 */
	async use<T>(shared: (state: SharedState) => Promise<T>, local: () => T | Promise<T>): Promise<T> {
		const state = await this.sharedState();
		if (state) {
			try {
				const timeoutMs = this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
				return await settlesWithin(shared(state), timeoutMs, `no answer within ${timeoutMs} ms`);
			} catch (error) {
				this.commandFailed(error);
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
		for (const client of clients) {
			try {
				client.disconnect();
			} catch {
				// A client that cannot even disconnect is dropped all the same.
			}
		}
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
		if (Date.now() < this.localUntil) return undefined;
		this.connecting ??= this.connect();
		const state = await this.connecting;
		if (!state) return undefined;
		const status = this.client?.status;
		if (status === 'ready') return state;
		this.warnOnce(new Error(`the connection is ${status ?? 'closed'}`));
		return undefined;
	}

	/** Never throws: undefined (and the warning) when no client can be had at all, for good. */
	private async connect(): Promise<SharedState | undefined> {
		let ioredis: IORedisModule;
		let state: SharedState;
		try {
			ioredis = (this.options.loadIoredis ?? n8nIoredis)();
		} catch (error) {
			this.warnOnce(new Error(`ioredis could not be loaded from n8n (${messageOf(error)})`));
			return undefined;
		}
		try {
			const client = this.createClient(ioredis, {
				// Commands fail at once while disconnected, so callers fall back instead of queueing.
				enableOfflineQueue: false,
				maxRetriesPerRequest: 0,
				commandTimeout: this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
			});
			this.client = client;
			state = new SharedState(client, this.settings.prefix, this.options.extraLifetimeMs);
		} catch (error) {
			// An ioredis n8n did not ship (another copy first on the module path) or a broken install:
			// building the client again would fail again, so this process paces on its own from now on.
			this.close();
			this.warnOnce(new Error(`the ioredis found cannot be used (${messageOf(error)})`));
			return undefined;
		}
		await this.firstConnection(this.client!);
		this.subscribeToPauses(ioredis, state.pauseChannel);
		return state;
	}

	private async firstConnection(client: RedisClient): Promise<void> {
		const timeoutMs = (this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) + CONNECT_GRACE_MS;
		try {
			await settlesWithin(Promise.resolve().then(async () => await client.connect()), timeoutMs, `no connection within ${timeoutMs} ms`);
		} catch (error) {
			// ioredis keeps reconnecting in the background; until then the callers pace locally.
			this.warnOnce(error);
		}
	}

	/**
	 * A second connection, in subscriber mode: flood pauses announced by other processes. Without it,
	 * pauses still reach every process's next reservation; only callers asleep on a slot miss them.
	 */
	private subscribeToPauses(ioredis: IORedisModule, channel: string): void {
		try {
			const subscriber = this.createClient(ioredis, { maxRetriesPerRequest: null });
			subscriber.on('message', (_channel: string, keyId: string) => {
				for (const listener of this.pauseListeners.get(keyId) ?? []) listener();
			});
			// Queued until the connection is up (however long that takes), then renewed on every reconnect.
			Promise.resolve()
				.then(async () => await subscriber.subscribe(channel))
				.catch((error: unknown) => this.logger?.debug(`1fichier: no subscription to flood pauses (${messageOf(error)})`));
		} catch (error) {
			if (this.subscriberWarned) return;
			this.subscriberWarned = true;
			this.logger?.warn(
				`1fichier: no subscription to flood pauses on n8n's Redis (${this.settings.where}): ${messageOf(error)}; pacing is still shared, but a flood pause reaches this process's waiting calls only when they reserve their next slot`,
			);
		}
	}

	private createClient(ioredis: IORedisModule, overrides: RedisOptions): RedisClient {
		const { settings } = this;
		const connectTimeout = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
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
		this.clients.push(client);
		// Failures show as failed commands (and the one warning); the events themselves are noise.
		client.on('error', () => undefined);
		return client;
	}

	/** A command failed or went unanswered: warn once, and pace locally for a while before trying again. */
	private commandFailed(error: unknown): void {
		this.localUntil = Date.now() + (this.options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
		this.warnOnce(error);
	}

	private warnOnce(error: unknown): void {
		if (this.warned) return;
		this.warned = true;
		this.logger?.warn(
			`1fichier: n8n's Redis (${this.settings.where}) cannot be reached (${messageOf(error)}); until it can, each n8n process paces its own 1fichier calls, so several processes together may exceed 1fichier's rate limits`,
		);
	}
}

function messageOf(error: unknown): string {
	const message = (error as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' ? message : String(error);
}

/** `work`, or a rejection with `timeoutMessage` once `ms` have passed without it settling. */
async function settlesWithin<T>(work: Promise<T>, ms: number, timeoutMessage: string): Promise<T> {
	const settled = new AbortController();
	// Real time, not the replaceable clock: a test's frozen clock must not hold a call forever.
	const timeout = sleep(ms, settled.signal).then(() => {
		throw new Error(timeoutMessage);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		settled.abort();
	}
}

let installation: Coordination | null | undefined;

/** The installation's coordination in queue mode (`EXECUTIONS_MODE=queue`); undefined in regular mode. */
export function installationCoordination(logger?: Logger, env: Environment = processEnvironment()): Coordination | undefined {
	if (installation === undefined) installation = coordinationFor(env, logger);
	installation?.useLogger(logger);
	return installation ?? undefined;
}

function coordinationFor(env: Environment, logger?: Logger): Coordination | null {
	try {
		return sharedRateLimitsWanted(env) ? new Coordination(redisSettingsFromEnv(env)) : null;
	} catch (error) {
		// n8n would not have started with settings it cannot read, but a workflow never fails on them.
		logger?.warn(
			`1fichier: n8n's Redis settings cannot be read (${messageOf(error)}); each n8n process paces its own 1fichier calls, so several processes together may exceed 1fichier's rate limits`,
		);
		return null;
	}
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
