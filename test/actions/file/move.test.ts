/**
 * file: move, as a real n8n workflow against the simulator, checking the output and the
 * simulator's state; and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: move', () => {
	it('moves into a folder and renames when asked', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('move', { file: rl('url', stored.url), destinationFolder: rl('id', String(dest.id)), options: { newName: 'b.txt' } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, filename: 'b.txt', folderId: dest.id });
		const moved = sim.state.findFile(stored.url)!;
		expect(moved.folderId).toBe(dest.id);
		expect(moved.filename).toBe('b.txt');
	});

	it('a newName equal to the current name is not sent as rename', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('move', { file: rl('url', stored.url), destinationFolder: rl('path', 'dest'), options: { newName: 'a.txt' } }),
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ url: stored.url, filename: 'a.txt', folderId: dest.id });
		expect(sim.state.findFile(stored.url)!.folderId).toBe(dest.id);
	});
});
