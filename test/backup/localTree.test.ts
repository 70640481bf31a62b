/**
 * The local tree: read through n8n's own file-system helpers (n8n-core's), folder by folder, with
 * metadata only; Include / Exclude / hidden names; n8n's access settings and symlink rules.
 */
import '../helpers/n8n'; // n8n-core's settings (user folder, encryption key) before n8n-core loads

import { Container } from '@n8n/di';
import { SecurityConfig } from '@n8n/config';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import fsPromises from 'fs/promises';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';
import type { Readable } from 'stream';

import type { LocalFolder, LocalRoot } from '../../nodes/OneFichier/backup/localTree';
import { openLocalFile, openLocalTree, readLocalFolder, sameLocalStat, statLocalFile, walkLocalTree } from '../../nodes/OneFichier/backup/localTree';
import { pathFilter } from '../../nodes/OneFichier/backup/pathFilter';
// n8n-core's own helpers, exactly what a node's `this.helpers` holds.
import { getFileSystemHelperFunctions } from 'n8n-core/dist/execution-engine/node-execution-context/utils/file-system-helper-functions';

const node = { name: '1fichier', type: 'n8n-nodes-1fichier.oneFichier', parameters: {} } as unknown as INode;
const ctx = {
	getNode: () => node,
	helpers: getFileSystemHelperFunctions(node),
	logger: { info() {}, warn() {}, debug() {}, error() {} },
} as unknown as IExecuteFunctions;

const security = Container.get(SecurityConfig);
const original = { restrict: security.restrictFileAccessTo, block: security.blockFilePatterns };
let base: string;
let nas: string;

beforeEach(() => {
	base = realpathSync(mkdtempSync(path.join(tmpdir(), 'localtree-')));
	nas = path.join(base, 'nas');
	security.restrictFileAccessTo = base;
	security.blockFilePatterns = original.block;
});
afterEach(() => {
	security.restrictFileAccessTo = original.restrict;
	security.blockFilePatterns = original.block;
	rmSync(base, { recursive: true, force: true });
	jest.restoreAllMocks();
});

function write(files: Record<string, string>): void {
	for (const [relative, content] of Object.entries(files)) {
		const file = path.join(nas, relative);
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, content);
	}
}

async function walk(root: LocalRoot, options: Parameters<typeof pathFilter>[0] = {}): Promise<LocalFolder[]> {
	const folders: LocalFolder[] = [];
	for await (const folder of walkLocalTree(ctx, root, pathFilter(options))) folders.push(folder);
	return folders;
}

const filesOf = (folders: LocalFolder[]) => folders.flatMap((folder) => folder.files.map((file) => file.path));

async function readAll(stream: Readable): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString();
}

describe('openLocalTree', () => {
	it('resolves the source directory', async () => {
		write({ 'a.txt': 'a' });
		symlinkSync(nas, path.join(base, 'link-to-nas'));
		const root = await openLocalTree(ctx, `${base}/link-to-nas`, 0);
		expect(root.path).toBe(nas);
	});

	it('refuses a directory outside N8N_RESTRICT_FILE_ACCESS_TO, naming the setting', async () => {
		write({ 'a.txt': 'a' });
		security.restrictFileAccessTo = path.join(base, 'elsewhere');
		await expect(openLocalTree(ctx, nas, 0)).rejects.toMatchObject({
			message: expect.stringContaining('n8n does not allow access to "Source Directory"'),
			description: expect.stringContaining('N8N_RESTRICT_FILE_ACCESS_TO'),
		});
	});

	it('refuses a directory matching N8N_BLOCK_FILE_PATTERNS, naming the setting', async () => {
		write({ 'a.txt': 'a' });
		security.blockFilePatterns = '/nas$';
		await expect(openLocalTree(ctx, nas, 0)).rejects.toMatchObject({
			description: expect.stringContaining('N8N_BLOCK_FILE_PATTERNS'),
		});
	});

	it('says a missing directory (an unmounted NAS) cannot be read, and a file is not a directory', async () => {
		await expect(openLocalTree(ctx, path.join(base, 'not-mounted', 'export'), 0)).rejects.toThrow('cannot be read: it does not exist');
		write({ 'a.txt': 'a' });
		await expect(openLocalTree(ctx, path.join(nas, 'a.txt'), 0)).rejects.toThrow('is not a directory');
	});
});

describe('walkLocalTree', () => {
	it('yields each folder once, depth first in name order, with each file\'s metadata', async () => {
		write({ 'b/2.txt': 'two', 'b/c/3.txt': 'three', 'a/1.txt': '1', 'top.txt': 'top', "L'été/été.jpg": 'jpg' });
		const past = new Date('2001-01-01T00:00:00Z');
		utimesSync(path.join(nas, 'top.txt'), past, past);

		const folders = await walk(await openLocalTree(ctx, nas, 0));

		expect(folders.map((folder) => folder.path)).toEqual(['', "L'été", 'a', 'b', 'b/c']);
		expect(filesOf(folders)).toEqual(['top.txt', "L'été/été.jpg", 'a/1.txt', 'b/2.txt', 'b/c/3.txt']);
		const top = folders[0].files[0];
		const stats = statSync(path.join(nas, 'top.txt'));
		expect(top).toMatchObject({ name: 'top.txt', size: 3, mtimeMs: past.getTime(), ctimeMs: stats.ctimeMs, ino: stats.ino });
		// A modification time set into the past does not hide the change: the status-change time is now.
		expect(top.lastChangeMs).toBe(stats.ctimeMs);
		expect(top.lastChangeMs).toBeGreaterThan(past.getTime());
	});

	it('applies Include, Exclude and hidden names to files and folders', async () => {
		write({
			'photos/a.jpg': 'a',
			'photos/a.tmp': 't',
			'photos/cache/c.jpg': 'c',
			'docs/d.pdf': 'd',
			'.hidden/h.jpg': 'h',
			'photos/.thumb.jpg': 't',
		});
		const root = await openLocalTree(ctx, nas, 0);
		expect(filesOf(await walk(root))).toEqual(['docs/d.pdf', 'photos/a.jpg', 'photos/a.tmp', 'photos/cache/c.jpg']);
		expect(filesOf(await walk(root, { includeHidden: true }))).toContain('.hidden/h.jpg');
		expect(filesOf(await walk(root, { exclude: '*.tmp, photos/cache/**' }))).toEqual(['docs/d.pdf', 'photos/a.jpg']);
		expect(filesOf(await walk(root, { include: '*.{jpg,pdf}', exclude: 'photos/cache' }))).toEqual(['docs/d.pdf', 'photos/a.jpg']);
		expect(filesOf(await walk(root, { include: 'photos/**/*.jpg' }))).toEqual(['photos/a.jpg', 'photos/cache/c.jpg']);
		// An excluded folder is not even read.
		const folders = await walk(root, { exclude: 'photos' });
		expect(folders.map((folder) => folder.path)).toEqual(['', 'docs']);
	});

	it('skips symbolic links and special files with their reason, and never follows a linked folder', async () => {
		write({ 'real/r.txt': 'r', 'outside.txt': 'o' });
		symlinkSync(path.join(nas, 'outside.txt'), path.join(nas, 'real', 'link.txt'));
		symlinkSync(path.join(nas, 'real'), path.join(nas, 'linked-folder'));
		execFileSync('mkfifo', [path.join(nas, 'real', 'pipe')]);

		const folders = await walk(await openLocalTree(ctx, nas, 0));

		expect(folders.map((folder) => folder.path)).toEqual(['', 'real']);
		expect(folders.flatMap((folder) => folder.skipped)).toEqual([
			{ path: 'linked-folder', reason: 'symlink', folder: false },
			{ path: 'real/link.txt', reason: 'symlink', folder: false },
			{ path: 'real/pipe', reason: 'special', folder: false },
		]);
	});

	it('skips what N8N_BLOCK_FILE_PATTERNS blocks below the source (.git by default)', async () => {
		write({ 'project/.git/config': 'x', 'project/src.txt': 's' });
		const folders = await walk(await openLocalTree(ctx, nas, 0), { includeHidden: true });
		expect(filesOf(folders)).toEqual(['project/src.txt']);
		expect(folders.flatMap((folder) => folder.skipped)).toEqual([{ path: 'project/.git', reason: 'blocked', folder: true }]);
	});

	it('reports a folder that cannot be read, and one that vanished, as failures and goes on', async () => {
		write({ 'ok/a.txt': 'a', 'locked/b.txt': 'b', 'gone/c.txt': 'c' });
		const root = await openLocalTree(ctx, nas, 0);
		const readdir = fsPromises.readdir;
		jest.spyOn(fsPromises, 'readdir').mockImplementation((async (target: string, options: unknown) => {
			if (String(target).endsWith('locked')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
			return await (readdir as (a: string, b: unknown) => Promise<unknown>)(target, options);
		}) as typeof fsPromises.readdir);
		const folders: LocalFolder[] = [];
		for await (const folder of walkLocalTree(ctx, root, pathFilter({}))) {
			if (folder.path === '') rmSync(path.join(nas, 'gone'), { recursive: true });
			folders.push(folder);
		}
		expect(folders.map((folder) => [folder.path, folder.readable])).toEqual([
			['', true],
			['gone', false],
			['locked', false],
			['ok', true],
		]);
		expect(folders.flatMap((folder) => folder.failures)).toEqual([
			{ path: 'gone', reason: 'the folder cannot be read: it does not exist' },
			{ path: 'locked', reason: 'the folder cannot be read: permission denied' },
		]);
		expect(filesOf(folders)).toEqual(['ok/a.txt']);
	});

	it('reports a name that is not UTF-8 as a failure (n8n cannot open it) and goes on', async () => {
		write({ 'fine.txt': 'f' });
		const latin1 = Buffer.concat([Buffer.from(`${nas}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]);
		writeFileSync(latin1, 'x');
		const folder = await readLocalFolder(ctx, await openLocalTree(ctx, nas, 0), '', pathFilter({}));
		expect(folder.files.map((file) => file.name)).toEqual(['fine.txt']);
		expect(folder.failures).toEqual([{ path: 'caf\uFFFD.txt', reason: expect.stringContaining('not valid UTF-8') }]);
	});
});

describe('openLocalFile / statLocalFile', () => {
	it('reads a file through n8n\'s createReadStream and tells whether its metadata changed', async () => {
		write({ 'a/file.txt': 'content' });
		const root = await openLocalTree(ctx, nas, 0);
		const [, folder] = await walk(root);
		const file = folder.files[0];
		expect(await readAll(await openLocalFile(ctx, root, file.path))).toBe('content');
		expect(sameLocalStat(file, await statLocalFile(root, file.path))).toBe(true);

		writeFileSync(path.join(nas, 'a/file.txt'), 'CONTENT'); // same size, new bytes
		expect(sameLocalStat(file, await statLocalFile(root, file.path))).toBe(false);
		rmSync(path.join(nas, 'a/file.txt'));
		expect(await statLocalFile(root, file.path)).toBeUndefined();
	});

	it('refuses to read through a symbolic link, as Read/Write Files does', async () => {
		write({ 'real.txt': 'secret' });
		symlinkSync(path.join(nas, 'real.txt'), path.join(nas, 'link.txt'));
		const root = await openLocalTree(ctx, nas, 0);
		await expect(openLocalFile(ctx, root, 'link.txt')).rejects.toThrow(/not allowed|Symlinks/);
		expect(readFileSync(path.join(nas, 'real.txt'), 'utf8')).toBe('secret');
	});
});
