import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_ACCOUNT_SETTINGS } from './api/account';
import { BlobStore, whirlpoolReady } from './blobs';
import type { SimulatorContext } from './context';
import { TokenStore } from './download';
import { FaultQueue } from './faults';
import { DEFAULT_LIMITS, RateLimiter, setLimits } from './limits';
import { RemoteRunner } from './remote';
import { seedDemo } from './seed';
import { StalledConnections } from './stalls';
import { createRequestListener } from './server';
import { SimulatorStateStore } from './state';
import { StatsRecorder } from './stats';
import type { Simulator, SimulatorClock, SimulatorOptions } from './types';
import { UploadSessions } from './upload';

/** An obviously fake key of the real shape: 32 chars of `[A-Za-z0-9-_=]` (§1 "Auth", JD). */
export const DEMO_API_KEY = 'SIMULATOR-DEMO-KEY-0000000000000';

function listen(server: Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

/** A wildcard bind address is not something a client can connect to. */
function connectableHost(host: string): string {
	if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
	return host.includes(':') ? `[${host}]` : host;
}

/** Starts a simulator on 127.0.0.1 (random port by default). Close it with `close()`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const timeScale = options.timeScale ?? 1;
	if (!(timeScale > 0)) throw new Error('simulator: timeScale must be > 0');
	const host = options.host ?? '127.0.0.1';
	const ownsDataDir = options.dataDir === undefined;
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), '1fichier-sim-'));
	const now = () => Date.now();
	const clock = offsetClock(options.clockOffsetMs ?? 0);
	await whirlpoolReady;
	const blobs = new BlobStore(dataDir, options.checksums ?? true);
	const limits = { ...DEFAULT_LIMITS };
	setLimits(limits, options.limits ?? {});
	const stalls = new StalledConnections();
	let publicUrl = '';
	const ctx: SimulatorContext = {
		state: new SimulatorStateStore(blobs, () => clock.now()),
		blobs,
		limits,
		limiter: new RateLimiter(limits, timeScale, now),
		faults: new FaultQueue(() => stalls.releaseAll()),
		stats: new StatsRecorder(),
		tokens: new TokenStore(),
		uploads: new UploadSessions(),
		remote: new RemoteRunner(() => ctx),
		account: { email: 'demo@simulator.invalid', offer: options.offer ?? 1, createdAt: clock.now(), settings: { ...DEFAULT_ACCOUNT_SETTINGS } },
		keys: new Set(options.keys ?? [DEMO_API_KEY]),
		stalls,
		now,
		clock,
		initial: { limits: { ...limits }, clockOffsetMs: clock.offsetMs() },
		scaled: (ms) => ms * timeScale,
		publicUrl: () => publicUrl,
	};
	if (options.seed === 'demo') seedDemo(ctx.state, clock.now());

	const server = createServer(createRequestListener(ctx, options.onRequest));
	// Multi-GiB uploads take longer than Node's default 5 min request timeout.
	server.requestTimeout = 0;
	const port = await listen(server, options.port ?? 0, host);
	publicUrl = `http://${connectableHost(host)}:${port}`;

	let closed: Promise<void> | undefined;
	const close = () => {
		closed ??= new Promise<void>((resolve) => {
			ctx.remote.stop();
			stalls.releaseAll();
			server.close(() => {
				if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
				void blobs.close().then(resolve);
			});
			server.closeAllConnections();
		});
		return closed;
	};

	return {
		url: publicUrl,
		baseUrl: `${publicUrl}/v1`,
		port,
		keys: [...ctx.keys],
		clock,
		state: ctx.state,
		faults: ctx.faults,
		stats: ctx.stats,
		resetLimits: () => ctx.limiter.reset(),
		setLimits: (changes) => setLimits(ctx.limits, changes),
		releaseStalled: () => stalls.releaseAll(),
		close,
	};
}

/** The simulator's clock: the host's, moved by an offset that can change while running. */
function offsetClock(initialOffsetMs: number): SimulatorClock {
	let offset = 0;
	const clock: SimulatorClock = {
		now: () => Date.now() + offset,
		offsetMs: () => offset,
		setOffsetMs: (offsetMs) => {
			if (!Number.isFinite(offsetMs)) throw new Error('simulator: clock offset must be a number of ms');
			offset = offsetMs;
		},
	};
	clock.setOffsetMs(initialOffsetMs);
	return clock;
}
