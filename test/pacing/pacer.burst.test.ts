/**
 * Bursts of calls through the transport against the simulator, which enforces 1fichier's per-key limit
 * (3 calls per second, scaled): the pacer must keep every one of them under it.
 */
import { apiRequest } from '../../nodes/OneFichier/api/request';
import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { createApiContext } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { scaledRateLimits, startTestSimulator } from '../helpers/simulator';

// Slower than the other suites' time scale: at 0.02 the simulator's one-second window lasts 20 ms,
// so a loaded test machine's timer jitter alone could bunch three calls into it. At 0.15 a call
// must be 75 ms late to do that (a real client 500 ms late): CI runs this beside two n8n suites
// and a browser on two cores, where a timer 30 ms late happens.
const BURST_TIME_SCALE = 0.15;
/** folder/ls stands for any call here: the spacing of listings among themselves is off. */
const rateLimits = { ...scaledRateLimits(BURST_TIME_SCALE), listingSpacingSeconds: 0 };

let sim: Simulator;

beforeAll(async () => {
	sim = await startTestSimulator({ timeScale: BURST_TIME_SCALE });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => resetPacersForTesting());

it('sends a burst of 200 sequential calls without a single flood event', async () => {
	const ctx = createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits });
	sim.stats.reset();
	for (let call = 0; call < 200; call++) {
		await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 });
	}
	expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(200);
	expect(sim.stats.floodEvents).toBe(0);
});

it('keeps 100 parallel calls from several executions under the limit too', async () => {
	const contexts = [1, 2, 3, 4].map(() =>
		createApiContext({ apiKey: sim.keys[0], baseUrl: sim.baseUrl }, { rateLimits }),
	);
	// The first calls of a process reach the server tens of milliseconds late (n8n's request
	// helper loads and connects lazily): nothing at 1fichier's time scale, half a window at this
	// one, and the idle key's first two calls go together. Warm up, then let the key go idle.
	await Promise.all(contexts.map(async (ctx) => await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 })));
	await new Promise((resolve) => setTimeout(resolve, 2000 * BURST_TIME_SCALE));
	sim.resetLimits();
	sim.stats.reset();
	await Promise.all(
		Array.from({ length: 100 }, async (_, call) => await apiRequest(contexts[call % 4], 'folder/ls.cgi', { folder_id: 0 })),
	);
	expect(sim.stats.floodEvents).toBe(0);
});

it('without pacing the simulator does flood (the test can fail)', async () => {
	const ctx = createApiContext(
		{ apiKey: sim.keys[0], baseUrl: sim.baseUrl },
		// No waiting on a refusal either: the calls that flood give up at once (only the count matters).
		{ rateLimits: { requestSpacingMs: 0, floodWaitSeconds: 0.6, maxRetryWaitSeconds: 0, listingSpacingSeconds: 0 } },
	);
	sim.stats.reset();
	await Promise.allSettled(Array.from({ length: 10 }, async () => await apiRequest(ctx, 'folder/ls.cgi', { folder_id: 0 })));
	expect(sim.stats.floodEvents).toBeGreaterThan(0);
});
