/**
 * Cancelling an execution (the editor's Stop button) ends the node's waits and transfers at once
 * instead of sitting out a flood back-off or finishing a large upload.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { resetPacersForTesting } from '../../nodes/OneFichier/transport/pacer';
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

it('stops waiting on a flood back-off when the execution is cancelled', async () => {
	const file = path.join(dir, 'small.txt');
	writeFileSync(file, 'hello');
	sim.faults.add({ match: 'get_upload_server', kind: 'flood', times: 20 });
	sim.stats.reset();
	const result = await runNode(sim, upload, {
		items: [{ files: [{ path: file, fileName: 'small.txt' }] }],
		// Flood waits of 0.2 s, 0.4 s, 0.8 s…: uncancelled, the node would call again and again.
		rateLimits: { requestSpacingMs: 10, floodWaitSeconds: 0.2, maxRetryWaitSeconds: 300 },
		onStart: (cancel) => setTimeout(cancel, 300),
	});
	await new Promise((resolve) => setTimeout(resolve, 2500));
	expect(result.items).toEqual([]);
	// Calls at about 0 s and 0.2 s, then the cancel at 0.3 s: no more.
	expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBeLessThanOrEqual(2);
	expect(sim.state.listFiles(0).map((f) => f.filename)).not.toContain('small.txt');
});
