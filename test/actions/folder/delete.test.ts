/**
 * Folder delete as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

describe('folder delete', () => {
	function buildTree() {
		const top = sim.state.createFolder(0, 'top');
		sim.state.addFile(top.id, 'top.txt', 'x');
		const mid = sim.state.createFolder(top.id, 'mid');
		sim.state.addFile(mid.id, 'm1.txt', 'x');
		sim.state.addFile(mid.id, 'm2.txt', 'x');
		const leaf = sim.state.createFolder(mid.id, 'leaf');
		sim.state.addFile(leaf.id, 'l.txt', 'x');
		sim.state.createFolder(top.id, 'empty');
		return { top, mid, leaf };
	}

	it('deletes an empty folder', async () => {
		const empty = sim.state.createFolder(0, 'empty');
		const result = await runNode(sim, folderOp('delete', { folder: byId(empty.id) }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ id: empty.id, deleted: true, filesDeleted: 0, foldersDeleted: 1 });
		expect(sim.state.getFolder(empty.id)).toBeUndefined();
	});

	it('refuses a non-empty folder without Delete Contents, and leaves it alone', async () => {
		const { top } = buildTree();
		const result = await runNode(sim, folderOp('delete', { folder: byId(top.id) }));
		expect(result.error?.message).toBe(`Folder ${top.id} is not empty: 1 files, 2 sub-folders; enable Delete Contents`);
		expect(sim.state.getFolder(top.id)).toBeDefined();
		expect(sim.state.allFiles()).toHaveLength(4);
		expect(sim.stats.byEndpoint['folder/rm.cgi'] ?? 0).toBe(0);
		expect(sim.stats.byEndpoint['file/rm.cgi'] ?? 0).toBe(0);
	});

	it('empties a nested folder bottom-up with Delete Contents', async () => {
		const { top, mid, leaf } = buildTree();
		const keep = sim.state.createFolder(0, 'keep');
		sim.state.addFile(keep.id, 'keep.txt', 'x');
		const result = await runNode(sim, folderOp('delete', { folder: byPath('top'), options: { deleteContents: true } }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ id: top.id, deleted: true, filesDeleted: 4, foldersDeleted: 4 });
		for (const id of [top.id, mid.id, leaf.id]) expect(sim.state.getFolder(id)).toBeUndefined();
		expect(sim.state.allFiles().map((file) => file.filename)).toEqual(['keep.txt']);
		// folder/ls with files, never file/ls (limited to once per folder per 30 s).
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
	});

	it('deletes files in batches of 100', async () => {
		const big = sim.state.createFolder(0, 'big');
		sim.state.seedFiles(big.id, 250, { namePrefix: 'f' });
		const result = await runNode(sim, folderOp('delete', { folder: byId(big.id), options: { deleteContents: true } }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filesDeleted: 250, foldersDeleted: 1 });
		expect(sim.stats.byEndpoint['file/rm.cgi']).toBe(3);
		expect(sim.state.allFiles()).toHaveLength(0);
	});

	it('refuses the root even with Delete Contents', async () => {
		sim.state.addFile(0, 'root.txt', 'x');
		const result = await runNode(sim, folderOp('delete', { folder: byId(0), options: { deleteContents: true } }));
		expect(result.error?.message).toMatch(/root folder cannot be deleted/i);
		expect(sim.state.allFiles()).toHaveLength(1);
		expect(sim.stats.requests).toBe(0);
	});

	it('reports the error in the item with continueOnFail', async () => {
		const { top } = buildTree();
		const result = await runNode(sim, folderOp('delete', { folder: byId(top.id) }), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.error).toMatch(/is not empty/);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});
});
