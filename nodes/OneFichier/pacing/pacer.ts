import { createHash } from 'crypto';
import type { Logger } from 'n8n-workflow';

import { getClock } from '../installation/clock';
import { installationCoordination } from '../installation/coordination';
import { SharedPacer } from './sharedPacer';

export type { Clock } from '../installation/clock';
export { getClock, systemClock, useClockForTesting } from '../installation/clock';

/**
 * Pacing and back-off limits. Defaults come from the API reference (section 3): the documented
 * limit is 3 requests/s, about 2/s is what works in practice (rclone spaces calls 400 ms apart),
 * and a flood lock wants at least 30 s of silence before the next call.
 */
export interface RateLimitSettings {
	/** Minimum time between the starts of two API calls with the same key. */
	spacingMs: number;
	/** First wait after "Flood detected" / "Locked" (doubles on each further flood). */
	floodWaitMs: number;
	/** Total time one call may spend waiting on rate limits and server errors before failing. */
	maxRetryWaitMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
	spacingMs: 500,
	floodWaitMs: 30_000,
	maxRetryWaitMs: 300_000,
};

/** Spaces the calls made with one API key. */
export interface Pacer {
	/** Waits until this caller may send: `spacingMs` after the previous start and after any flood pause. */
	waitTurn(spacingMs: number, signal?: AbortSignal): Promise<void>;
	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void | Promise<void>;
}

/**
 * Serialises the start times of API calls for one API key. Every execution in the process that
 * uses the key shares it, so ten parallel workflows still send at most one call per spacing.
 */
export class KeyPacer implements Pacer {
	private lastStartAt = Number.NEGATIVE_INFINITY;

	private pausedUntil = 0;

	/** Callers take their turn one after the other, so late timers cannot bunch calls together. */
	private queue: Promise<void> = Promise.resolve();

	/** Waits until this caller may send: `spacingMs` after the previous start and after any flood pause. */
	async waitTurn(spacingMs: number, signal?: AbortSignal): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot(spacingMs, signal));
		this.queue = turn.catch(() => undefined);
		await turn;
	}

	private async waitForSlot(spacingMs: number, signal?: AbortSignal): Promise<void> {
		const clock = getClock();
		for (;;) {
			signal?.throwIfAborted();
			const now = clock.now();
			// Re-read after every sleep: a flood answered meanwhile pauses queued callers too.
			const readyAt = Math.max(this.lastStartAt + spacingMs, this.pausedUntil);
			if (now >= readyAt) {
				this.lastStartAt = now;
				return;
			}
			await clock.sleep(readyAt - now, signal);
		}
	}

	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, getClock().now() + ms);
	}
}

const pacers = new Map<string, Pacer>();

/** What identifies an API key in memory and in Redis: a hash, so the key itself is never kept. */
export function keyIdOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}

/**
 * The pacer of one API key: in this process (regular mode), or shared by every process of a
 * queue-mode installation through n8n's Redis (`SharedPacer`, which falls back to this process's
 * own pacing when Redis cannot be reached).
 */
export function pacerFor(baseUrl: string, apiKey: string, logger?: Logger): Pacer {
	const id = keyIdOf(baseUrl, apiKey);
	const coordination = installationCoordination(logger);
	let pacer = pacers.get(id);
	if (!pacer) {
		pacer = coordination ? new SharedPacer(id, coordination, new KeyPacer()) : new KeyPacer();
		pacers.set(id, pacer);
	}
	return pacer;
}

/** For tests only: forget every pacer (and so every pause). */
export function resetPacersForTesting(): void {
	pacers.clear();
}
