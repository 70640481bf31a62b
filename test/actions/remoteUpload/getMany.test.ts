/**
 * Remote upload getMany as real n8n workflows against the simulator. The simulator fetches the links
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

describe('remote upload getMany', () => {
	async function createAndWait(urls: string): Promise<number> {
		const result = await runNode(
			sim,
			remoteOp('create', { urls, folder: byId(0), options: { waitForCompletion: true, pollIntervalSeconds: 0.05 } }),
		);
		expect(result.error).toBeUndefined();
		return result.items[0].json.requestId as number;
	}

	it('lists requests newest first with limit, pending ones without execution date', async () => {
		const done = await createAndWait(`${originUrl}/1.txt`);
		const pendingRun = await runNode(sim, remoteOp('create', { urls: `${originUrl}/hang`, folder: byId(0) }));
		const pending = pendingRun.items[0].json.requestId as number;

		const all = await runNode(sim, remoteOp('getMany', { returnAll: true }));
		expect(all.error).toBeUndefined();
		expect(all.items.map((item) => item.json.requestId)).toEqual([pending, done]);
		expect(all.items[0].json).toMatchObject({ requestId: pending, executionDate: null, status: 'pending' });
		expect(all.items[1].json).toMatchObject({ requestId: done, status: 'done' });
		expect(typeof all.items[1].json.executionDate).toBe('string');

		const limited = await runNode(sim, remoteOp('getMany', { returnAll: false, limit: 1 }));
		expect(limited.items.map((item) => item.json.requestId)).toEqual([pending]);
	});
});
