import { existsSync } from 'node:fs';

import { parseParisDate, type Simulator } from '../../simulator';
import { api, startRelaxed, uploadThroughNode } from './helpers';

describe('simulator: file endpoints (§2.4)', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startRelaxed();
	});
	afterEach(() => sim.close());

	it('file/ls lists a folder newest first with the real item shape', async () => {
		const folder = sim.state.createFolder(0, 'docs');
		sim.state.addFile(folder.id, 'old.txt', 'old', { date: new Date('2024-01-10T10:00:00Z') });
		sim.state.addFile(folder.id, 'new.txt', 'newer', { date: new Date('2024-01-11T10:00:00Z') });
		sim.state.addFile(0, 'root.txt', 'root');
		const answer = await api(sim, 'file/ls.cgi', { folder_id: folder.id });
		expect(answer.json.status).toBe('OK');
		expect(answer.json.count).toBe(2);
		expect(answer.json.items.map((item: { filename: string }) => item.filename)).toEqual(['new.txt', 'old.txt']);
		expect(answer.json.items[0]).toEqual({
			url: expect.stringMatching(/^https:\/\/1fichier\.com\/\?[a-z0-9]{20}$/),
			filename: 'new.txt',
			size: 5,
			date: '2024-01-11 11:00:00',
			checksum: expect.stringMatching(/^[0-9a-f]{128}$/),
			'content-type': 'text/plain',
			pass: 0,
			acl: 0,
			cdn: 0,
		});
		expect((await api(sim, 'file/ls.cgi', {})).json.count).toBe(1);
		expect((await api(sim, 'file/ls.cgi', { folder_id: -1 })).json.count).toBe(3);
		expect((await api(sim, 'file/ls.cgi', { folder_id: 123 })).json.status).toBe('KO');
	});

	it('file/ls sent_after is inclusive and sent_before exclusive (Paris time)', async () => {
		sim.state.addFile(0, 'a.txt', 'a', { date: new Date('2024-07-01T08:00:00Z') }); // 10:00:00 Paris (CEST)
		sim.state.addFile(0, 'b.txt', 'b', { date: new Date('2024-07-01T09:00:00Z') }); // 11:00:00 Paris
		const names = async (body: Record<string, unknown>) =>
			(await api(sim, 'file/ls.cgi', body)).json.items.map((item: { filename: string }) => item.filename);
		expect(await names({ sent_after: '2024-07-01 10:00:00' })).toEqual(['b.txt', 'a.txt']);
		expect(await names({ sent_after: '2024-07-01 10:00:01' })).toEqual(['b.txt']);
		expect(await names({ sent_before: '2024-07-01 11:00:00' })).toEqual(['a.txt']);
		expect((await api(sim, 'file/ls.cgi', { sent_before: 'yesterday' })).json.status).toBe('KO');
	});

	it('file/info returns the top-level object with path, folder_id and acl; 404 when unknown', async () => {
		const parent = sim.state.createFolder(0, 'a');
		const child = sim.state.createFolder(parent.id, 'b');
		const file = sim.state.addFile(child.id, 'deep.txt', 'deep');
		const answer = await api(sim, 'file/info.cgi', { url: file.url });
		expect(answer.json).toMatchObject({
			url: file.url,
			filename: 'deep.txt',
			size: 4,
			path: 'a/b',
			folder_id: child.id,
			description: '',
			acl: { ip: [], country: [], email: [], premium: 0 },
			inline: 0,
			no_ssl: 0,
			cdn: 0,
			'content-type': 'text/plain',
		});
		expect((await api(sim, 'file/info.cgi', { folder_id: child.id, filename: 'deep.txt' })).json.url).toBe(file.url);
		const missing = await api(sim, 'file/info.cgi', { url: 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz' });
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({ status: 'KO', message: 'Resource not found #469' });
	});

	it('file/mv needs destination_folder_id, renames one file only, refuses the same name', async () => {
		const target = sim.state.createFolder(0, 'target');
		const one = sim.state.addFile(0, 'one.txt', '1');
		const two = sim.state.addFile(0, 'two.txt', '2');
		expect((await api(sim, 'file/mv.cgi', { urls: [one.url] })).json.status).toBe('KO');
		const moved = await api(sim, 'file/mv.cgi', { urls: [one.url, two.url], destination_folder_id: target.id });
		expect(moved.json).toMatchObject({ status: 'OK', moved: 2, urls: [one.url, two.url] });
		expect(sim.state.listFiles(target.id)).toHaveLength(2);
		expect((await api(sim, 'file/mv.cgi', { urls: [one.url, two.url], destination_folder_id: 0, rename: 'x' })).json.status).toBe('KO');
		expect((await api(sim, 'file/mv.cgi', { urls: [one.url], destination_folder_id: 0, rename: 'one.txt' })).json.status).toBe('KO');
		const renamed = await api(sim, 'file/mv.cgi', { urls: [one.url], destination_folder_id: 0, rename: 'uno.txt' });
		expect(renamed.json).toMatchObject({ status: 'OK', moved: 1, filename: 'uno.txt' });
		expect(sim.state.findFile(one.url)).toMatchObject({ folderId: 0, filename: 'uno.txt' });
	});

	it('file/cp copies into folder_id with new links', async () => {
		const target = sim.state.createFolder(0, 'copies');
		const file = sim.state.addFile(0, 'orig.txt', 'original');
		const answer = await api(sim, 'file/cp.cgi', { urls: [file.url], folder_id: target.id, rename: 'copy.txt' });
		expect(answer.json).toMatchObject({ status: 'OK', copied: 1, filename: 'copy.txt' });
		const [{ from_url, to_url }] = answer.json.urls;
		expect(from_url).toBe(file.url);
		expect(to_url).not.toBe(file.url);
		expect(sim.state.findFile(to_url)).toMatchObject({ folderId: target.id, filename: 'copy.txt' });
		expect(sim.state.readFile(to_url).toString()).toBe('original');
		// Removing the original keeps the copy's bytes (shared blob, reference-counted).
		await api(sim, 'file/rm.cgi', { files: [{ url: file.url }] });
		expect(sim.state.readFile(to_url).toString()).toBe('original');
	});

	it('file/rename renames in batch; nothing renamed → #312', async () => {
		const a = sim.state.addFile(0, 'a.txt', 'a');
		const b = sim.state.addFile(0, 'b.txt', 'b');
		const answer = await api(sim, 'file/rename.cgi', {
			urls: [
				{ url: a.url, filename: 'a2.txt' },
				{ url: b.url, filename: 'b.txt' },
			],
		});
		expect(answer.json).toMatchObject({ status: 'OK', renamed: 1, urls: [{ url: a.url, old_filename: 'a.txt', new_filename: 'a2.txt' }] });
		const nothing = await api(sim, 'file/rename.cgi', { urls: [{ url: b.url, filename: 'b.txt' }] });
		expect(nothing.json).toEqual({ status: 'KO', message: 'No file has been renamed #312' });
		expect((await api(sim, 'file/rename.cgi', { urls: [{ url: b.url, filename: 'b$.txt' }] })).json.status).toBe('KO');
	});

	it('file/chattr sets attributes, enforces pass length and one-file filename', async () => {
		const a = sim.state.addFile(0, 'a.txt', 'a');
		const b = sim.state.addFile(0, 'b.txt', 'b');
		const answer = await api(sim, 'file/chattr.cgi', {
			urls: [a.url, b.url],
			description: 'described',
			inline: 1,
			cdn: 1,
			acl: { ip: ['10.0.0.0/8'], country: ['FR'], email: [], premium: 1 },
		});
		expect(answer.json).toMatchObject({ status: 'OK', updated: 2 });
		expect(sim.state.findFile(b.url)).toMatchObject({ description: 'described', inline: 1, cdn: 1, acl: { ip: ['10.0.0.0/8'], premium: 1 } });
		const listed = await api(sim, 'file/ls.cgi', {});
		expect(listed.json.items[0]).toMatchObject({ acl: 1, cdn: 1 });
		expect((await api(sim, 'file/chattr.cgi', { urls: [a.url], pass: 'short' })).json.status).toBe('KO');
		expect((await api(sim, 'file/chattr.cgi', { urls: [a.url, b.url], filename: 'same.txt' })).json.status).toBe('KO');
		await api(sim, 'file/chattr.cgi', { urls: [a.url], filename: 'renamed.txt', pass: 'longenough', acl: {} });
		expect(sim.state.findFile(a.url)).toMatchObject({ filename: 'renamed.txt', pass: 'longenough', acl: { ip: [], premium: 0 } });
		expect((await api(sim, 'file/chattr.cgi', {})).json.status).toBe('KO');
	});

	it('file/rm removes by {url} objects and deletes the bytes', async () => {
		const file = sim.state.addFile(0, 'gone.txt', 'gone');
		const path = sim.state.filePath(file.url);
		const answer = await api(sim, 'file/rm.cgi', { files: [{ url: file.url }] });
		expect(answer.json).toMatchObject({ status: 'OK', removed: 1, urls: [file.url] });
		expect(sim.state.findFile(file.url)).toBeUndefined();
		expect(existsSync(path)).toBe(false);
		expect((await api(sim, 'file/rm.cgi', { files: [{ url: file.url }] })).status).toBe(404);
	});
});

describe('simulator: folder endpoints (§2.5)', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startRelaxed();
	});
	afterEach(() => sim.close());

	it('folder/ls on root: name Root, size null, sub_folders with id; items only with files:1', async () => {
		const sub = sim.state.createFolder(0, 'photos');
		sim.state.addFile(0, 'r.txt', 'root file');
		const answer = await api(sim, 'folder/ls.cgi', { folder_id: 0 });
		expect(answer.json).toMatchObject({ status: 'OK', folder_id: 0, name: 'Root', size: null, files: 1, shared: 0 });
		expect(answer.json.sub_folders).toEqual([{ id: sub.id, name: 'photos', create_date: sub.createDate, pass: 0 }]);
		expect(answer.json.items).toBeUndefined();
		const withFiles = await api(sim, 'folder/ls.cgi', { folder_id: 0, files: 1 });
		expect(withFiles.json.items[0].filename).toBe('r.txt');
		expect((await api(sim, 'folder/ls.cgi', { folder_id: 42 })).json.status).toBe('KO');
	});

	it('folder/mkdir creates under a parent, refuses duplicates, reserved chars and long names', async () => {
		const made = await api(sim, 'folder/mkdir.cgi', { name: 'new', folder_id: 0 });
		expect(made.json).toMatchObject({ status: 'OK', name: 'new', folder_id: expect.any(Number) });
		expect(made.json.folder_id).toBeGreaterThanOrEqual(3_357_645);
		const inner = await api(sim, 'folder/mkdir.cgi', { name: 'inner', folder_id: made.json.folder_id });
		expect(sim.state.getFolder(inner.json.folder_id)?.parentId).toBe(made.json.folder_id);
		expect((await api(sim, 'folder/mkdir.cgi', { name: 'new' })).json.status).toBe('KO');
		for (const name of ['a/b', 'a\\b', '<x>', '"q"', "it's", 'a$b', 'a`b', 'a\u00b4b', ' lead', '', 'x'.repeat(251)]) {
			const answer = await api(sim, 'folder/mkdir.cgi', { name, folder_id: 0 });
			expect(answer.json.status).toBe('KO');
			expect(answer.json.message).toMatch(/ #\d+$/);
		}
		expect((await api(sim, 'folder/mkdir.cgi', { name: 'y'.repeat(250) })).json.status).toBe('OK');
		expect((await api(sim, 'folder/mkdir.cgi', { name: 'z', folder_id: 999 })).json.status).toBe('KO');
	});

	it('folder/rm refuses root and non-empty folders', async () => {
		const full = sim.state.createFolder(0, 'full');
		sim.state.addFile(full.id, 'f.txt', 'f');
		const parent = sim.state.createFolder(0, 'parent');
		sim.state.createFolder(parent.id, 'child');
		const empty = sim.state.createFolder(0, 'empty');
		expect((await api(sim, 'folder/rm.cgi', { folder_id: 0 })).json.status).toBe('KO');
		const notEmpty = await api(sim, 'folder/rm.cgi', { folder_id: full.id });
		expect(notEmpty.json).toEqual({ status: 'KO', message: expect.stringMatching(/^Folder not empty #\d+$/) });
		expect((await api(sim, 'folder/rm.cgi', { folder_id: parent.id })).json.status).toBe('KO');
		expect((await api(sim, 'folder/rm.cgi', { folder_id: empty.id })).json.status).toBe('OK');
		expect(sim.state.getFolder(empty.id)).toBeUndefined();
	});

	it('folder/mv moves, refuses moving into itself, and rename wins over destination', async () => {
		const a = sim.state.createFolder(0, 'a');
		const b = sim.state.createFolder(0, 'b');
		const aChild = sim.state.createFolder(a.id, 'a-child');
		const moved = await api(sim, 'folder/mv.cgi', { folder_id: b.id, destination_folder_id: a.id });
		expect(moved.json).toEqual({ status: 'OK', old_name: 'b', new_name: 'b' });
		expect(sim.state.getFolder(b.id)?.parentId).toBe(a.id);
		expect((await api(sim, 'folder/mv.cgi', { folder_id: a.id, destination_folder_id: aChild.id })).json.status).toBe('KO');
		expect((await api(sim, 'folder/mv.cgi', { folder_id: a.id, destination_folder_id: a.id })).json.status).toBe('KO');
		const renamed = await api(sim, 'folder/mv.cgi', { folder_id: b.id, destination_folder_id: 0, rename: 'bee' });
		expect(renamed.json).toEqual({ status: 'OK', old_name: 'b', new_name: 'bee' });
		expect(sim.state.getFolder(b.id)).toMatchObject({ name: 'bee', parentId: a.id });
	});

	it('folder/share gives a public URL and keeps groupware shares', async () => {
		const folder = sim.state.createFolder(0, 'pub');
		sim.state.addFile(folder.id, 'shared.txt', 'shared');
		const answer = await api(sim, 'folder/share.cgi', {
			folder_id: folder.id,
			share: 1,
			shares: [{ email: 'friend@example.com', rw: 1, hide_links: 1 }],
		});
		expect(answer.json.status).toBe('OK');
		expect(answer.json.url).toMatch(new RegExp(`^${sim.url}/dir/[a-z0-9]+$`));
		expect(sim.state.getFolder(folder.id)?.shared?.shares).toEqual([{ email: 'friend@example.com', rw: 0, hide_links: 1 }]);
		const listing = await fetch(`${answer.json.url}?json=1`);
		expect(await listing.json()).toEqual([{ filename: 'shared.txt', link: expect.any(String), size: 6, password: 0, acl: 0 }]);
		const ls = await api(sim, 'folder/ls.cgi', { folder_id: 0 });
		expect(ls.json.sub_folders[0].id).toBe(folder.id);
		expect((await api(sim, 'folder/ls.cgi', { folder_id: folder.id })).json.shared).toBe(answer.json.url);
		expect((await api(sim, 'folder/share.cgi', { folder_id: folder.id, pass: '123' })).json.status).toBe('KO');
	});
});

describe('simulator: folder/ls with files, file/cp of many links (§2.4, §2.5)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed();
	});
	afterAll(() => sim.close());

	it('folder/ls files:1 returns the folder files as file/ls items, beside sub_folders', async () => {
		const folder = sim.state.createFolder(0, 'both');
		const sub = sim.state.createFolder(folder.id, 'inner');
		sim.state.addFile(folder.id, 'old.txt', 'old', { date: new Date(Date.now() - 60_000) });
		sim.state.addFile(folder.id, 'new.txt', 'new');
		sim.state.addFile(sub.id, 'deeper.txt', 'not listed: not recursive');
		const folderLs = await api(sim, 'folder/ls.cgi', { folder_id: folder.id, files: 1 });
		const fileLs = await api(sim, 'file/ls.cgi', { folder_id: folder.id });
		expect(folderLs.json.sub_folders).toEqual([{ id: sub.id, name: 'inner', create_date: sub.createDate, pass: 0 }]);
		expect(folderLs.json.items).toEqual(fileLs.json.items);
		expect(folderLs.json.items.map((item: { filename: string }) => item.filename)).toEqual(['new.txt', 'old.txt']);
		expect(folderLs.json).toMatchObject({ files: 2, size: 6 });
	});

	it('file/cp copies 200 links in one call: copied, from_url/to_url in order, shared bytes, same checksum, copy-time date', async () => {
		const source = sim.state.createFolder(0, 'cp-source');
		const target = sim.state.createFolder(0, 'cp-target');
		const longAgo = new Date('2024-01-02T03:04:05Z');
		const originals = Array.from({ length: 200 }, (_, index) => sim.state.addFile(source.id, `f${index}.txt`, `content ${index}`, { date: longAgo }));
		// A checksum 1fichier showed wrongly stays what the copy shows too.
		sim.faults.add({ kind: 'wrongChecksum' });
		const [lying] = await uploadThroughNode(sim, [{ filename: 'lying.bin', content: 'bytes' }], { fields: { did: String(source.id) } });
		const urls = [...originals.map((file) => file.url), lying.download];
		const before = Date.now();
		const answer = await api(sim, 'file/cp.cgi', { urls, folder_id: target.id });
		expect(answer.json).toMatchObject({ status: 'OK', copied: 201 });
		expect(answer.json.urls.map((pair: { from_url: string }) => pair.from_url)).toEqual(urls);
		const copies = sim.state.listFiles(target.id);
		expect(copies).toHaveLength(201);
		for (const { from_url: from, to_url: to } of answer.json.urls as Array<{ from_url: string; to_url: string }>) {
			const original = sim.state.findFile(from)!;
			const copy = sim.state.findFile(to)!;
			expect(to).not.toBe(from);
			expect(copy).toMatchObject({ filename: original.filename, size: original.size, checksum: original.checksum, folderId: target.id });
			// No byte copy: both links read the same stored bytes.
			expect(sim.state.filePath(to)).toBe(sim.state.filePath(from));
			expect(parseParisDate(copy.date)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
		}
		expect(sim.state.findFile(answer.json.urls[200].to_url)?.checksum).toBe(lying.whirlpool);
		// Removing the original keeps the copy's bytes.
		await api(sim, 'file/rm.cgi', { files: [{ url: originals[0].url }] });
		expect(sim.state.readFile(answer.json.urls[0].to_url).toString()).toBe('content 0');
	});
});
