/**
 * Cancelling an execution (the editor's Stop button) ends the node's waits and transfers at once
 * instead of sitting out a flood back-off or finishing a large upload.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
const dir = mkdtempSync(path.join(tmpdir(), 'cancel-test-'));

beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => await sim.close());
beforeEach(() => {
	resetPacersForTesting();
	sim.faults.clear();
});

const upload = {
	resource: 'file',
	operation: 'upload',
	binaryPropertyName: 'data',
	folder: { __rl: true, mode: 'id', value: '0' },
};

/** Resolves once the simulator has answered `endpoint` at least once. */
async function firstCallTo(endpoint: string): Promise<void> {
	while (!sim.stats.byEndpoint[endpoint]) await new Promise((resolve) => setTimeout(resolve, 10));
}

it('stops waiting on a flood back-off when the execution is cancelled', async () => {
	const file = path.join(dir, 'small.txt');
	writeFileSync(file, 'hello');
	sim.faults.add({ match: 'get_upload_server', kind: 'flood', times: 20 });
	sim.stats.reset();
	const endpoint = 'upload/get_upload_server.cgi';
	const result = await runNode(sim, upload, {
		items: [{ files: [{ path: file, fileName: 'small.txt' }] }],
		// Flood waits of 1 s (±20 %), 2 s…: uncancelled, the node would call again within 1.2 s.
		rateLimits: { requestSpacingMs: 10, floodWaitSeconds: 1, maxRetryWaitSeconds: 300 },
		// Cancelled once the first flood answer has put the node into its back-off, however long
		// a loaded machine took to get there.
		onStart: (cancel) => void firstCallTo(endpoint).then(() => setTimeout(cancel, 100)),
	});
	await new Promise((resolve) => setTimeout(resolve, 2500));
	expect(result.items).toEqual([]);
	expect(sim.stats.byEndpoint[endpoint]).toBe(1);
	expect(sim.state.listFiles(0).map((f) => f.filename)).not.toContain('small.txt');
});
