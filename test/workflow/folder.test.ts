/**
 * Folder operations as real n8n workflows (Test Input → 1fichier) against the simulator over
 * loopback HTTP: each test checks the node's output and what the simulator now holds.
 */
import type { INodeParameters } from 'n8n-workflow';

import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../helpers/simulator';

const byId = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });
const byPath = (path: string) => ({ __rl: true, mode: 'path', value: path });
const folderOp = (operation: string, parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'folder',
	operation,
	...parameters,
});

let sim: Simulator;

beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	resetSimulator(sim);
});

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

describe('folder share', () => {
	it('shares publicly with a password and user shares', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const result = await runNode(
			sim,
			folderOp('share', {
				folder: byId(docs.id),
				public: true,
				options: {
					password: 'secret123',
					shares: {
						share: [
							{ email: 'ann@example.com', rw: true, hideLinks: false },
							{ email: 'bob@example.com', rw: true, hideLinks: true },
						],
					},
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const shared = sim.state.getFolder(docs.id)?.shared;
		expect(shared?.public).toBe(true);
		expect(shared?.pass).toBe('secret123');
		expect(shared?.shares).toEqual([
			{ email: 'ann@example.com', rw: 1, hide_links: 0 },
			{ email: 'bob@example.com', rw: 0, hide_links: 1 },
		]);
		expect(result.items[0].json).toMatchObject({ id: docs.id, public: true, url: shared?.url, passwordProtected: true });
		expect(String(result.items[0].json.url)).toMatch(/\/dir\//);
	});

	it('removes the public link', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		await runNode(sim, folderOp('share', { folder: byId(docs.id), public: true }));
		const result = await runNode(sim, folderOp('share', { folder: byId(docs.id), public: false }));
		expect(result.items[0].json).toEqual({ id: docs.id, public: false, url: null });
		expect(sim.state.getFolder(docs.id)?.shared?.public).toBe(false);
	});

	it.each([
		['the default folder', {}],
		['folder ID 0', { folder: byId(0) }],
		['the path /', { folder: byPath('/') }],
		['user shares only, no public link', { folder: byId(0), public: false, options: { shares: { share: [{ email: 'ann@example.com' }] } } }],
	])('refuses to share the root folder (%s) without Share Root Folder, naming what to set, before folder/share.cgi', async (_case, parameters) => {
		const result = await runNode(sim, folderOp('share', parameters));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"Folder" is the root folder: sharing it would share the whole account');
		expect(result.error?.description).toContain('Choose the folder to share in "Folder"');
		expect(result.error?.description).toContain('add "Share Root Folder (Whole Account)" (under Options) and turn it on');
		expect(sim.stats.byEndpoint['folder/share.cgi'] ?? 0).toBe(0);
	});

	it('asks 1fichier to share the root when Share Root Folder is on, and lets the root\'s public link be removed without it', async () => {
		await runNode(sim, folderOp('share', { folder: byId(0), public: true, options: { shareRootFolder: true } }));
		expect(sim.stats.byEndpoint['folder/share.cgi']).toBe(1);
		// Removing the public link shares nothing: no choice needed.
		await runNode(sim, folderOp('share', { folder: byId(0), public: false }));
		expect(sim.stats.byEndpoint['folder/share.cgi']).toBe(2);
	});

	it('refuses a short password and a bad email, naming the option', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const short = await runNode(sim, folderOp('share', { folder: byId(docs.id), public: true, options: { password: '123' } }));
		expect(short.error?.message).toBe('"Password" (under Options) must have at least 6 characters');
		const email = await runNode(
			sim,
			folderOp('share', { folder: byId(docs.id), public: true, options: { shares: { share: [{ email: 'nope' }] } } }),
		);
		expect(email.error?.message).toBe('Share 1 of "Shares" (under Options) has no valid e-mail address: "nope"');
		expect(email.error?.description).toContain('"Email" (under Options → Shares → Share)');
		expect(sim.stats.byEndpoint['folder/share.cgi'] ?? 0).toBe(0);
	});
});
