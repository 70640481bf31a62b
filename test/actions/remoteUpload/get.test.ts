/**
 * Remote upload get as real n8n workflows against the simulator. The simulator fetches the links
 * from a loopback HTTP server started here (./linkOrigin.ts), so nothing leaves the machine.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { useTestSimulator } from '../../helpers/simulator';
import type { LinkOrigin } from './linkOrigin';
import { startLinkOrigin } from './linkOrigin';

const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const remoteOp = (operation: string, parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'remoteUpload',
	operation,
	...parameters,
});

let origin: LinkOrigin;
let originUrl: string;

const simulator = useTestSimulator();
let sim: Simulator;

beforeAll(async () => {
	origin = await startLinkOrigin();
	originUrl = origin.url;
});
afterAll(async () => await origin.close());
beforeEach(() => {
	sim = simulator();
});

describe('remote upload get', () => {
	async function createAndWait(urls: string): Promise<number> {
		const result = await runNode(
			sim,
			remoteOp('create', { urls, folder: byId(0), options: { waitForCompletion: true, pollIntervalSeconds: 0.05 } }),
		);
		expect(result.error).toBeUndefined();
		return result.items[0].json.requestId as number;
	}

	it('gets one request with each link\'s result', async () => {
		const id = await createAndWait(`${originUrl}/g.txt`);
		const result = await runNode(sim, remoteOp('get', { requestId: String(id) }));
		expect(result.error).toBeUndefined();
		const file = sim.state.listFiles(0)[0];
		expect(result.items[0].json).toMatchObject({
			requestId: id,
			urls: [`${originUrl}/g.txt`],
			status: 'finished',
			results: [{ url: `${originUrl}/g.txt`, status: 'done', downloadUrl: file.url, message: null }],
		});
		expect(typeof result.items[0].json.executionDate).toBe('string');
	});

	it('accepts a number from an expression, and names "Request ID" on bad input', async () => {
		const id = await createAndWait(`${originUrl}/h.txt`);
		const ok = await runNode(sim, remoteOp('get', { requestId: '={{ $json.id }}' }), { items: [{ json: { id } }] });
		expect(ok.items[0].json.requestId).toBe(id);
		const bad = await runNode(sim, remoteOp('get', { requestId: 'abc' }));
		expect(bad.error?.message).toBe('"Request ID" must be a remote upload request ID (a whole number), got "abc"');
	});
});
