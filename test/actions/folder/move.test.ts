/**
 * Folder move as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

describe('folder move', () => {
	it('moves a folder into another', async () => {
		const source = sim.state.createFolder(0, 'source');
		const target = sim.state.createFolder(0, 'target');
		const result = await runNode(sim, folderOp('move', { folder: byId(source.id), destinationFolder: byPath('target') }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ id: source.id, name: 'source', parentId: target.id, path: 'target/source' });
		expect(sim.state.getFolder(source.id)?.parentId).toBe(target.id);
	});

	it('refuses moving the root, or a folder into itself or its sub-folder', async () => {
		const a = sim.state.createFolder(0, 'a');
		sim.state.createFolder(a.id, 'b');
		const root = await runNode(sim, folderOp('move', { folder: byId(0), destinationFolder: byId(a.id) }));
		expect(root.error?.message).toMatch(/root folder cannot be moved/i);
		const self = await runNode(sim, folderOp('move', { folder: byId(a.id), destinationFolder: byId(a.id) }));
		expect(self.error?.message).toMatch(/into itself/);
		const child = await runNode(sim, folderOp('move', { folder: byPath('a'), destinationFolder: byPath('a/b') }));
		expect(child.error?.message).toMatch(/into itself/);
		expect(sim.state.getFolder(a.id)?.parentId).toBe(0);
		expect(sim.stats.byEndpoint['folder/mv.cgi'] ?? 0).toBe(0);
	});
});
