/**
 * The pacer of one API key in queue mode, shared by every n8n process through n8n's Redis. Each
 * call reserves its slot in one atomic round trip (as the key's pace allows, see `PaceState` in
 * pacer.ts, and after any flood pause), then sleeps until it. A flood pause is written to Redis
 * and announced: callers already asleep on a reservation, in any process, wake up and reserve
 * again after the pause, so nobody calls into a locked key.
 */
import { getClock } from '../installation/clock';
import type { Coordination } from '../installation/coordination';
import type { KeyPacer, Pacer } from './pacer';

/** The abort reason of a sleep cut short by a flood pause (as opposed to a cancelled execution). */
const PAUSED = Symbol('flood pause');

export class SharedPacer implements Pacer {
	/** Counts the pauses seen, so a reservation made before one is known to be stale. */
	private pauses = 0;

	private readonly sleepers = new Set<AbortController>();

	constructor(
		private readonly keyId: string,
		private readonly coordination: Coordination,
		/** Used whenever Redis cannot be reached. */
		private readonly local: KeyPacer,
	) {
		coordination.onPause(keyId, () => this.wakeSleepers());
	}

	async waitTurn(spacingMs: number, signal?: AbortSignal, listingSpacingMs?: number): Promise<void> {
		for (;;) {
			signal?.throwIfAborted();
			const pausesBefore = this.pauses;
			const slot = await this.coordination.use(
				async (state) => await state.reserveSlot(this.keyId, spacingMs, listingSpacingMs),
				() => undefined,
			);
			if (!slot) return await this.local.waitTurn(spacingMs, signal, listingSpacingMs);
			// A pause announced while the reservation was on its way makes it stale: reserve again.
			if (this.pauses !== pausesBefore) continue;
			if (slot.waitMs <= 0) return;
			if (await this.sleepUnlessPaused(slot.waitMs, signal)) return;
		}
	}

	async pauseFor(ms: number): Promise<void> {
		this.local.pauseFor(ms);
		await this.coordination.use(async (state) => await state.pause(this.keyId, ms), () => undefined);
		this.wakeSleepers();
	}

	async listingDone(): Promise<void> {
		this.local.listingDone();
		await this.coordination.use(async (state) => await state.markListingDone(this.keyId), () => undefined);
	}

	private wakeSleepers(): void {
		this.pauses++;
		for (const sleeper of this.sleepers) sleeper.abort(PAUSED);
	}

	/** True when the whole wait passed, false when a flood pause cut it short. */
	private async sleepUnlessPaused(ms: number, signal?: AbortSignal): Promise<boolean> {
		signal?.throwIfAborted();
		const sleeper = new AbortController();
		const cancel = () => sleeper.abort(signal?.reason);
		signal?.addEventListener('abort', cancel, { once: true });
		this.sleepers.add(sleeper);
		try {
			// A cancelled execution rejects as usual; a pause just ends the sleep early.
			return await getClock()
				.sleep(ms, sleeper.signal)
				.then(
					() => true,
					(error: Error) => {
						if (sleeper.signal.reason === PAUSED) return false;
						throw error;
					},
				);
		} finally {
			this.sleepers.delete(sleeper);
			signal?.removeEventListener('abort', cancel);
		}
	}
}
