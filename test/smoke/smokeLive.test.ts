/**
 * The live smoke test (test/smoke/smokeLive.ts), the same code `npm run smoke:live` runs, pointed at
 * the simulator: it passes, cleans up after itself even when a step fails, never prints the key,
 * and refuses to run without one.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator, TEST_TIME_SCALE } from '../helpers/simulator';
import { runSmoke } from './smokeLive';

const KEY = 'SMOKE-FAKE-KEY-00000000000000000';

let sim: Simulator;
let remote: Server;
let remoteUrl: string;

beforeAll(async () => {
	sim = await startTestSimulator({ keys: [KEY] });
	remote = createServer((_req, res) => res.end('a small public file\n'));
	await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
	remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/small.txt`;
});
afterAll(async () => {
	await sim.close();
	remote.close();
});
beforeEach(() => {
	resetSimulator(sim);
	resetPacersForTesting();
});

async function smoke(apiKey: string | undefined) {
	const lines: string[] = [];
	const result = await runSmoke({ apiKey, baseUrl: sim.baseUrl, remoteUrl, timeScale: TEST_TIME_SCALE, log: (line) => lines.push(line) });
	return { result, lines, output: lines.join('\n') };
}

it('passes every step against the simulator and leaves nothing behind', async () => {
	const { result, lines, output } = await smoke(KEY);
	expect(output).not.toMatch(/FAIL/);
	expect(result).toEqual({ passed: 13, failed: 0, ran: true });
	expect(lines[lines.length - 1]).toBe('smoke: 13 passed, 0 failed');
	for (const line of lines.slice(0, -1)) expect(line).toMatch(/^ok {3}.+ \(\d+\.\d\d s\)$/);
	expect(sim.state.listFolders(0)).toEqual([]);
	expect(sim.state.allFiles()).toEqual([]);
	expect(output).not.toContain(KEY);
	// One user/info, and one listing of the new folder: well under 1fichier's limits.
	expect(sim.stats.byEndpoint['user/info.cgi']).toBe(1);
	expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
	expect(sim.stats.floodEvents).toBe(0);
});

it('prints 1fichier\'s answer for a failed step and still cleans up', async () => {
	sim.faults.add({ kind: 'refusal', status: 403, message: `Renaming refused for ${KEY} #953`, match: 'file/rename.cgi', always: true });
	const { result, output } = await smoke(` Bearer ${KEY} `);
	expect(result.failed).toBe(1);
	expect(output).toMatch(/^FAIL rename \(\d+\.\d\d s\): Could not rename the file in "File": 1fichier refused it \(1fichier answered "Renaming refused for \[redacted\] #953"/m);
	expect(output).toMatch(/^ok {3}delete folder/m);
	expect(output).toMatch(/smoke: 12 passed, 1 failed$/);
	expect(output).not.toContain(KEY);
	expect(sim.state.listFolders(0)).toEqual([]);
	expect(sim.state.allFiles()).toEqual([]);
});

it('refuses to run without a key, sending nothing', async () => {
	const { result, output } = await smoke(undefined);
	expect(result).toEqual({ passed: 0, failed: 0, ran: false });
	expect(output).toMatch(/ONEFICHIER_API_KEY is not set, nothing was run/);
	expect(sim.stats.requests).toBe(0);
});
