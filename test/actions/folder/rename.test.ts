/**
 * Folder rename as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

describe('folder rename', () => {
	it('renames a folder', async () => {
		const old = sim.state.createFolder(0, 'old');
		const result = await runNode(sim, folderOp('rename', { folder: byId(old.id), newName: 'new' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({ id: old.id, name: 'new', oldName: 'old' });
		expect(sim.state.getFolder(old.id)?.name).toBe('new');
	});

	it('refuses the root', async () => {
		const result = await runNode(sim, folderOp('rename', { folder: byId(0), newName: 'x' }));
		expect(result.error?.message).toMatch(/root folder cannot be renamed/i);
		expect(sim.state.getFolder(0)?.name).toBe('Root');
	});

	it('refuses a bad new name, naming "New Name"', async () => {
		const old = sim.state.createFolder(0, 'old');
		const result = await runNode(sim, folderOp('rename', { folder: byId(old.id), newName: 'a/b' }));
		expect(result.error?.message).toBe('"New Name" contains the character "/", which 1fichier does not allow in names: "a/b"');
		expect(sim.state.getFolder(old.id)?.name).toBe('old');
	});
});
