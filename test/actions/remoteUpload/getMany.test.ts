/**
 * Remote upload getMany as real n8n workflows against the simulator. The simulator fetches the links
 * from a loopback HTTP server started here (./linkOrigin.ts), so nothing leaves the machine.
 */
import { byId, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { createAndWait, remoteOp, useLinkOrigin } from './fixture';

useSim();
const origin = useLinkOrigin();

describe('remote upload getMany', () => {
	it('lists requests newest first with limit, pending ones without execution date', async () => {
		const done = await createAndWait(`${origin.url}/1.txt`);
		const pendingRun = await runNode(sim, remoteOp('create', { urls: `${origin.url}/hang`, folder: byId(0) }));
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
