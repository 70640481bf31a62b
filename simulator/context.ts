import type { BlobStore } from './blobs';
import type { TokenStore } from './download';
import type { FaultQueue } from './faults';
import type { RateLimiter } from './limits';
import type { RemoteRunner } from './remote';
import type { StalledConnections } from './stalls';
import type { SimulatorStateStore } from './state';
import type { StatsRecorder } from './stats';
import type { SimulatorClock, SimulatorLimits } from './types';
import type { UploadSessions } from './upload';

/** Account settings that user/info reports and may change (§2.1). */
export interface AccountSettings {
	email: string;
	offer: number;
	createdAt: number;
	settings: Record<string, number>;
}

/** Everything a request handler may touch; built once per simulator by startSimulator. */
export interface SimulatorContext {
	state: SimulatorStateStore;
	blobs: BlobStore;
	limits: SimulatorLimits;
	limiter: RateLimiter;
	faults: FaultQueue;
	stats: StatsRecorder;
	tokens: TokenStore;
	uploads: UploadSessions;
	remote: RemoteRunner;
	account: AccountSettings;
	keys: Set<string>;
	stalls: StalledConnections;
	/** Host time: rate limits and lifetimes (tokens, end.pl results). */
	now(): number;
	/** The simulator's clock for dates in answers: host time + the clock offset (clockOffsetMs). */
	clock: SimulatorClock;
	/** What `/__simulator/reset` goes back to (the limits and clock offset the simulator started with). */
	initial: { limits: SimulatorLimits; clockOffsetMs: number };
	/** A limit or TTL after timeScale. */
	scaled(ms: number): number;
	/** 'http://127.0.0.1:<port>' once listening. */
	publicUrl(): string;
}
