/**
 * The API door against a server that accepts a call and never answers: the call gives up after its
 * time limit, is retried as a transient failure, and the node succeeds once the server answers
 * again (or fails with a clear error when it never does), instead of hanging.
 */
import { useApiCallTimeoutForTesting } from '../../nodes/OneFichier/api/request';
import { runNode } from '../helpers/n8n';
import { scaledRateLimits, useTestSimulator } from '../helpers/simulator';

const sim = useTestSimulator();
let restoreTimeout: () => void;

beforeAll(() => (restoreTimeout = useApiCallTimeoutForTesting(500)));
afterAll(() => restoreTimeout());

const listRoot = { resource: 'folder', operation: 'getMany', folder: { __rl: true, mode: 'id', value: '0' }, returnAll: true };

describe('an API call that never gets its answer', () => {
	it('is given up after its time limit and tried again', async () => {
		sim().state.createFolder(0, 'photos');
		sim().faults.add({ kind: 'stall', match: 'folder/ls.cgi' });
		const result = await runNode(sim(), listRoot);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.name)).toEqual(['photos']);
		expect(sim().stats.byEndpoint['folder/ls.cgi']).toBe(2);
	});

	it('fails with the timeout named once Max Wait on Rate Limits is spent', async () => {
		sim().faults.add({ kind: 'stall', match: 'folder/ls.cgi', always: true });
		const started = Date.now();
		const result = await runNode(sim(), listRoot, { rateLimits: { ...scaledRateLimits(), maxRetryWaitSeconds: 2 } });
		expect(result.error?.message).toMatch(/timeout|timed out/i);
		expect(Date.now() - started).toBeLessThan(20_000);
	});
});
