/**
 * Folder getMany as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

function childNamed(parentId: number, name: string) {
	return sim.state.listFolders(parentId).find((folder) => folder.name === name);
}

describe('folder getMany', () => {
	beforeEach(() => {
		const parent = sim.state.createFolder(0, 'parent');
		for (let i = 1; i <= 5; i++) sim.state.createFolder(parent.id, `child${i}`);
	});

	it('returns up to limit sub-folders with their parentId', async () => {
		const parent = childNamed(0, 'parent')!;
		const result = await runNode(sim, folderOp('getMany', { folder: byId(parent.id), returnAll: false, limit: 3 }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		for (const item of result.items) {
			expect(item.json).toMatchObject({ parentId: parent.id, passwordProtected: false });
			expect(typeof item.json.id).toBe('number');
			expect(String(item.json.name)).toMatch(/^child\d$/);
		}
	});

	it('returns every sub-folder with returnAll', async () => {
		const result = await runNode(sim, folderOp('getMany', { folder: byPath('parent'), returnAll: true }));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.name).sort()).toEqual(['child1', 'child2', 'child3', 'child4', 'child5']);
	});

	it('uses the default limit of 50', async () => {
		const many = sim.state.createFolder(0, 'many');
		for (let i = 0; i < 60; i++) sim.state.createFolder(many.id, `f${i}`);
		const result = await runNode(sim, folderOp('getMany', { folder: byId(many.id) }));
		expect(result.items).toHaveLength(50);
	});
});
