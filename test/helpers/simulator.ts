/**
 * Starts the local 1fichier simulator for a test file, with its limits sped up by `timeScale`,
 * and gives the node options that keep the client within those scaled limits.
 */
import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import type { Simulator, SimulatorOptions } from '../../simulator';
import { startSimulator } from '../../simulator';

/** 1 real second of the simulator's limits lasts this long in tests (30 s listing limit → 0.6 s). */
export const TEST_TIME_SCALE = 0.02;

/** The simulator's 30 s listing limit, scaled like the rest of its limits (the node's "Listing Interval", seconds). */
export const LISTING_INTERVAL = 30 * TEST_TIME_SCALE;

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	return await startSimulator({ timeScale: TEST_TIME_SCALE, ...options });
}

/**
 * The node's "Rate Limits" options scaled like the simulator: the production defaults
 * (500 ms spacing, 30 s flood wait, 300 s budget, 3 s between listings) times the time scale.
 */
export function scaledRateLimits(timeScale = TEST_TIME_SCALE) {
	return {
		requestSpacingMs: Math.ceil(500 * timeScale),
		floodWaitSeconds: 30 * timeScale,
		maxRetryWaitSeconds: 300 * timeScale,
		listingSpacingSeconds: 3 * timeScale,
	};
}

export type { Simulator };

/** Between tests: an empty account, no rate-limit memory, no counted calls, no armed faults. */
export function resetSimulator(sim: Simulator): void {
	sim.state.reset();
	sim.resetLimits();
	sim.stats.reset();
	sim.faults.clear();
}

/**
 * One simulator for the whole test file, reset before each test together with the node's pacers.
 * Returns a getter: the simulator exists once beforeAll has run.
 */
export function useTestSimulator(options: SimulatorOptions = {}): () => Simulator {
	let sim: Simulator | undefined;
	beforeAll(async () => {
		sim = await startTestSimulator(options);
	});
	afterAll(async () => await sim?.close());
	beforeEach(() => {
		resetSimulator(sim!);
		resetPacersForTesting();
	});
	return () => sim!;
}

/**
 * The simulator of `useSim()`, for test files that read it as a plain variable: set before each
 * test (an ES live binding, so `import { sim }` always sees the current one).
 */
export let sim: Simulator;

/** `useTestSimulator()` whose simulator is also `sim` in every test; returns the getter too. */
export function useSim(options: SimulatorOptions = {}): () => Simulator {
	const simulator = useTestSimulator(options);
	beforeEach(() => {
		sim = simulator();
	});
	return simulator;
}
