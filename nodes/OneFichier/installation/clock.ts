import { sleep } from 'n8n-workflow';

/** Time source, replaceable in tests so back-off can be checked without waiting. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

let activeClock: Clock = systemClock;

export function getClock(): Clock {
	return activeClock;
}

/** For tests only: swap the time source (returns a function restoring the previous one). */
export function useClockForTesting(clock: Clock): () => void {
	const previous = activeClock;
	activeClock = clock;
	return () => {
		activeClock = previous;
	};
}
