import { getClock } from '../installation/clock';

/** Spaces the calls made with one API key. */
export interface Pacer {
	/**
	 * Waits until this caller may send: `spacingMs` after the previous start and after any flood
	 * pause; a listing (`listingSpacingMs` given) also that long after the previous listing.
	 */
	waitTurn(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void>;
	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void | Promise<void>;
	/**
	 * A listing got its answer: the next one waits Listing Spacing from now, not from when this one
	 * was sent, so the service sees them that far apart however long one took to reach it.
	 */
	listingDone(): void | Promise<void>;
}

/**
 * Serialises the start times of API calls for one API key. Every execution in the process that
 * uses the key shares it, so ten parallel workflows still send at most one call per spacing.
 */
export class KeyPacer implements Pacer {
	private lastStartAt = Number.NEGATIVE_INFINITY;

	private lastListingAt = Number.NEGATIVE_INFINITY;

	private pausedUntil = 0;

	/** Callers take their turn one after the other, so late timers cannot bunch calls together. */
	private queue: Promise<void> = Promise.resolve();

	async waitTurn(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot(spacingMs, signal, listingSpacingMs));
		this.queue = turn.catch(() => undefined);
		await turn;
	}

	private async waitForSlot(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void> {
		const clock = getClock();
		const listing = listingSpacingMs !== undefined;
		for (;;) {
			signal?.throwIfAborted();
			const now = clock.now();
			// Re-read after every sleep: a flood answered meanwhile pauses queued callers too.
			const readyAt = Math.max(this.lastStartAt + spacingMs, this.pausedUntil, listingSpacingMs !== undefined ? this.lastListingAt + listingSpacingMs : 0);
			if (now >= readyAt) {
				this.lastStartAt = now;
				if (listing) this.lastListingAt = now;
				return;
			}
			await clock.sleep(readyAt - now, signal);
		}
	}

	/** Holds every caller of this key back for `ms` (after a flood answer the key is locked). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, getClock().now() + ms);
	}

	listingDone(): void {
		this.lastListingAt = Math.max(this.lastListingAt, getClock().now());
	}
}
