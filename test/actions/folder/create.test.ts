/**
 * Folder create as a real n8n workflow (Test Input → 1fichier) against the simulator over loopback
 * HTTP: each test checks the node's output and what the simulator now holds.
 */
import { byId, byPath, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { folderOp } from './fixture';

useSim();

function childNamed(parentId: number, name: string) {
	return sim.state.listFolders(parentId).find((folder) => folder.name === name);
}

describe('folder create', () => {
	it('creates every part of a path, and running twice creates nothing new', async () => {
		const first = await runNode(sim, folderOp('create', { name: 'backups/nas/2026', parentFolder: byId(0) }));
		expect(first.error).toBeUndefined();
		const a = childNamed(0, 'backups');
		const b = a && childNamed(a.id, 'nas');
		const c = b && childNamed(b.id, '2026');
		expect(c).toBeDefined();
		expect(first.items).toHaveLength(1);
		expect(first.items[0].json).toEqual({ id: c!.id, name: '2026', parentId: b!.id, path: 'backups/nas/2026', created: true });
		expect(first.items[0].pairedItem).toEqual({ item: 0 });
		expect(sim.stats.byEndpoint['folder/mkdir.cgi']).toBe(3);

		sim.stats.reset();
		const second = await runNode(sim, folderOp('create', { name: 'backups/nas/2026', parentFolder: byId(0) }));
		expect(second.error).toBeUndefined();
		expect(second.items[0].json).toMatchObject({ id: c!.id, created: false });
		expect(sim.stats.byEndpoint['folder/mkdir.cgi'] ?? 0).toBe(0);
		expect(sim.state.listFolders(0)).toHaveLength(1);
		expect(sim.state.listFolders(b!.id)).toHaveLength(1);
	});

	it('reuses existing parts and creates only the missing ones, under a parent given by path', async () => {
		const projects = sim.state.createFolder(0, 'projects');
		const alpha = sim.state.createFolder(projects.id, 'alpha');
		const result = await runNode(sim, folderOp('create', { name: 'alpha/docs', parentFolder: byPath('projects') }));
		expect(result.error).toBeUndefined();
		const docs = childNamed(alpha.id, 'docs');
		expect(result.items[0].json).toEqual({ id: docs!.id, name: 'docs', parentId: alpha.id, path: 'projects/alpha/docs', created: true });
		expect(sim.stats.byEndpoint['folder/mkdir.cgi']).toBe(1);
	});

	it('refuses a reserved character, naming the parameter, before calling the API', async () => {
		const result = await runNode(sim, folderOp('create', { name: 'ok/bad$name', parentFolder: byId(0) }));
		expect(result.error?.message).toBe('A folder name in the path in "Name" contains the character "$", which 1fichier does not allow in names: "bad$name"');
		expect(result.error?.description).toMatch(/Change the name in "Name", e\.g\. to "bad＄name"/);
		expect(sim.stats.requests).toBe(0);
		expect(sim.state.listFolders(0)).toHaveLength(0);
	});

	it('refuses an empty name', async () => {
		const result = await runNode(sim, folderOp('create', { name: ' / ', parentFolder: byId(0) }));
		expect(result.error?.message).toBe('"Name" must not be empty');
	});

	it('creates one folder per input item, with pairedItem', async () => {
		const result = await runNode(sim, folderOp('create', { name: '={{ $json.name }}', parentFolder: byId(0) }), {
			items: [{ json: { name: 'one' } }, { json: { name: 'two' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.name, item.pairedItem])).toEqual([
			['one', { item: 0 }],
			['two', { item: 1 }],
		]);
		expect(sim.state.listFolders(0).map((folder) => folder.name).sort()).toEqual(['one', 'two']);
	});
});
