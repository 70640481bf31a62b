/**
 * Folder get as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

describe('folder get', () => {
	it('describes a folder with numbers as numbers', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		sim.state.createFolder(docs.id, 'sub');
		sim.state.addFile(docs.id, 'a.txt', 'hello');
		sim.state.addFile(docs.id, 'b.txt', 'world!');
		const result = await runNode(sim, folderOp('get', { folder: byPath('docs') }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id: docs.id,
			name: 'docs',
			parentId: 0,
			path: 'docs',
			createDate: docs.createDate,
			fileCount: 2,
			size: 11,
			passwordProtected: false,
			shareUrl: null,
			subFolderCount: 1,
		});
	});

	it('describes the root (size null)', async () => {
		const result = await runNode(sim, folderOp('get', { folder: byId(0) }));
		expect(result.items[0].json).toMatchObject({ id: 0, name: 'Root', size: null, fileCount: 0, subFolderCount: 0 });
		expect(result.items[0].json).not.toHaveProperty('parentId');
	});

	it('names the parameter on a bad id from an expression', async () => {
		// A literal bad id is stopped by n8n's own validation; an expression reaches the node.
		const result = await runNode(sim, folderOp('get', { folder: byId('={{ "abc" }}') }));
		expect(result.error?.message).toBe('"Folder" must be a folder ID (a whole number, 0 is the root), got "abc"');
		expect(sim.stats.requests).toBe(0);
	});
});
