/**
 * Remote upload get as real n8n workflows against the simulator. The simulator fetches the links
 * from a loopback HTTP server started here (./linkOrigin.ts), so nothing leaves the machine.
 */
import { runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { createAndWait, remoteOp, useLinkOrigin } from './fixture';

useSim();
const origin = useLinkOrigin();

describe('remote upload get', () => {
	it('gets one request with each link\'s result', async () => {
		const id = await createAndWait(`${origin.url}/g.txt`);
		const result = await runNode(sim, remoteOp('get', { requestId: String(id) }));
		expect(result.error).toBeUndefined();
		const file = sim.state.listFiles(0)[0];
		expect(result.items[0].json).toMatchObject({
			requestId: id,
			urls: [`${origin.url}/g.txt`],
			status: 'finished',
			results: [{ url: `${origin.url}/g.txt`, status: 'done', downloadUrl: file.url, message: null }],
		});
		expect(typeof result.items[0].json.executionDate).toBe('string');
	});

	it('accepts a number from an expression, and names "Request ID" on bad input', async () => {
		const id = await createAndWait(`${origin.url}/h.txt`);
		const ok = await runNode(sim, remoteOp('get', { requestId: '={{ $json.id }}' }), { items: [{ json: { id } }] });
		expect(ok.items[0].json.requestId).toBe(id);
		const bad = await runNode(sim, remoteOp('get', { requestId: 'abc' }));
		expect(bad.error?.message).toBe('"Request ID" must be a remote upload request ID (a whole number), got "abc"');
	});
});
