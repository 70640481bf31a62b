/**
 * file: delete, as a real n8n workflow against the simulator, checking the output and the
 * simulator's state; and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: delete', () => {
	it('deletes the file', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const keep = sim.state.addFile(0, 'b.txt', 'x');
		const result = await runNode(sim, fileOp('delete', { file: rl('url', stored.url) }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, deleted: true });
		expect(sim.state.findFile(stored.url)).toBeUndefined();
		expect(sim.state.findFile(keep.url)).toBeDefined();
	});

	it('an unknown file is a NodeApiError', async () => {
		const result = await runNode(sim, fileOp('delete', { file: rl('url', 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz') }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not delete the file in "File": it does not exist');
	});
});
