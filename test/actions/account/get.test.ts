/** Account → Get as a real n8n workflow against the simulator: user/info is read once per key and cached. */
import { clearUserInfoCacheForTesting } from '../../../nodes/OneFichier/api/userInfo';
import { runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../../helpers/simulator';

let sim: Simulator;

beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	clearUserInfoCacheForTesting();
	resetSimulator(sim);
});

describe('account get', () => {
	it('returns the account with numbers as numbers', async () => {
		sim.state.addFile(0, 'a.txt', 'hello world');
		const result = await runNode(sim, { resource: 'account', operation: 'get' });
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({ offer: 1, offerName: 'premium', storageUsed: 11, uploadForbidden: false, cdnCredits: 0 });
		expect(typeof json.email).toBe('string');
		expect(typeof json.storageAvailable).toBe('number');
		expect(json.storageFree).toBe((json.storageAvailable as number) - 11);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('reads user/info once for two runs and several items (cached per key)', async () => {
		const first = await runNode(sim, { resource: 'account', operation: 'get' }, { items: [{ json: {} }, { json: {} }] });
		const second = await runNode(sim, { resource: 'account', operation: 'get' });
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(first.items).toHaveLength(2);
		expect(second.items[0].json).toEqual(first.items[0].json);
		expect(sim.stats.byEndpoint['user/info.cgi']).toBe(1);
		expect(sim.stats.floodEvents).toBe(0);
	});
});
