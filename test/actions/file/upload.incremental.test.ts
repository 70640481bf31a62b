/**
 * Backups as real n8n workflows against the simulator: incremental uploads (`ifExists: update`),
 * directory trees (`options.baseDirectory`). Retention (folder `cleanUp`) is in test/actions/folder/cleanUp.test.ts,
 * the restore listing (file getMany, `options.includeSubfolders`) in test/actions/file/getMany.includeSubfolders.test.ts.
 */
import { randomBytes } from 'crypto';
import { writeFileSync } from 'fs';
import path from 'path';

import * as whirlpool from '../../../nodes/OneFichier/transfer/whirlpool';
import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { backupUploadParams, folderAt, readFromDisk, useNasTree } from './fixture';

useSim();
const { nas, writeTree } = useNasTree();

beforeEach(() => {
	clearListingGateForTesting();
});
afterEach(() => {
	jest.restoreAllMocks();
});

const updateParams = (extra: Record<string, unknown> = {}) => backupUploadParams({ ifExists: 'update', ...extra });
const uploads = () => sim.stats.transfers['upload.cgi'] ?? 0;

/** backups/nas, made before the run. */
const nasFolder = () => sim.state.createFolder(sim.state.createFolder(0, 'backups').id, 'nas');

const namesIn = (folderId: number) => sim.state.listFiles(folderId).map((file) => file.filename).sort();

describe('file upload, ifExists: update', () => {
	it('a second run over unchanged files uploads nothing and says each one is unchanged', async () => {
		const paths = writeTree({ 'a.txt': 'alpha', 'b.bin': randomBytes(300_000) });
		const first = await runNode(sim, updateParams(), { items: readFromDisk(paths) });
		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => item.json.replaced)).toEqual([0, 0]);
		expect(uploads()).toBe(2);

		sim.stats.reset();
		clearListingGateForTesting();
		const second = await runNode(sim, updateParams(), { items: readFromDisk(paths) });
		expect(second.error).toBeUndefined();
		expect(uploads()).toBe(0);
		expect(sim.stats.byEndpoint['upload/get_upload_server.cgi']).toBeUndefined();
		expect(second.items.map((item) => item.json)).toEqual([
			expect.objectContaining({ filename: 'a.txt', skipped: true, unchanged: true, verified: true, url: first.items[0].json.url }),
			expect.objectContaining({ filename: 'b.bin', skipped: true, unchanged: true, verified: true, url: first.items[1].json.url }),
		]);
		expect(second.items[1].json.checksum).toBe(sim.state.findFile(first.items[1].json.url as string)?.checksum);
		expect(namesIn(folderAt('backups/nas'))).toEqual(['a.txt', 'b.bin']);
	});

	it('replaces a same-name copy in the target folder: size difference decides without hashing', async () => {
		const nas = nasFolder();
		const old = sim.state.addFile(nas.id, 'notes.txt', 'short');
		const [notes] = writeTree({ 'notes.txt': 'a longer version' });
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, updateParams(), { items: readFromDisk([notes]) });
		expect(result.error).toBeUndefined();
		expect(hashes).not.toHaveBeenCalled();
		expect(result.items[0].json).toMatchObject({ filename: 'notes.txt', replaced: 1 });
		expect(sim.state.findFile(old.url)).toBeUndefined();
		expect(sim.state.listFiles(nas.id).map((file) => sim.state.readFile(file.url).toString())).toEqual(['a longer version']);
	});

	it('a same-size file whose bytes differ is re-sent and the old copy removed', async () => {
		const nas = nasFolder();
		const old = sim.state.addFile(nas.id, 'db.dump', 'AAAA-1');
		const [dump] = writeTree({ 'db.dump': 'AAAA-2' });
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, updateParams(), { items: readFromDisk([dump]) });
		expect(result.error).toBeUndefined();
		expect(hashes).toHaveBeenCalledTimes(1);
		expect(result.items[0].json).toMatchObject({ replaced: 1 });
		expect(uploads()).toBe(1);
		expect(sim.state.findFile(old.url)).toBeUndefined();
		expect(sim.state.listFiles(nas.id).map((file) => sim.state.readFile(file.url).toString())).toEqual(['AAAA-2']);
	});

	it('uploads when 1fichier gives no checksum for the copy of the same size (no guessing)', async () => {
		const nas = nasFolder();
		const old = sim.state.addFile(nas.id, 'same.txt', 'same bytes');
		sim.state.findFile(old.url)!.checksum = '';
		const [same] = writeTree({ 'same.txt': 'same bytes' });
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, updateParams(), { items: readFromDisk([same]) });
		expect(result.error).toBeUndefined();
		expect(hashes).not.toHaveBeenCalled();
		expect(result.items[0].json).toMatchObject({ replaced: 1 });
		expect(uploads()).toBe(1);
		expect(sim.state.findFile(old.url)).toBeUndefined();
	});

	it('compares checksums case-insensitively and skips when one of several same-name copies matches', async () => {
		const nas = nasFolder();
		const stale = sim.state.addFile(nas.id, 'x.txt', 'other!');
		const match = sim.state.addFile(nas.id, 'x.txt', 'match!');
		sim.state.findFile(match.url)!.checksum = match.checksum.toUpperCase();
		const [x] = writeTree({ 'x.txt': 'match!' });
		const result = await runNode(sim, updateParams(), { items: readFromDisk([x]) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: match.url, skipped: true, unchanged: true });
		expect(uploads()).toBe(0);
		// A skip changes nothing: the other copy stays too.
		expect(sim.state.findFile(stale.url)).toBeDefined();
	});

	it('adds a new file next to unchanged ones, and an item that fails does not stop the others with continueOnFail', async () => {
		const paths = writeTree({ 'keep.txt': 'keep' });
		await runNode(sim, updateParams(), { items: readFromDisk(paths) });
		clearListingGateForTesting();
		sim.stats.reset();
		const [added] = writeTree({ 'added.txt': 'new file' });
		const [empty] = writeTree({ 'empty.txt': '' });
		const result = await runNode(sim, updateParams(), { items: readFromDisk([paths[0], empty, added]), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filename: 'keep.txt', unchanged: true });
		expect(result.items[1].json.error).toMatch(/empty/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[2].json).toMatchObject({ filename: 'added.txt', replaced: 0 });
		expect(uploads()).toBe(1);
		expect(namesIn(folderAt('backups/nas'))).toEqual(['added.txt', 'keep.txt']);
	});
});

describe('file upload, options.baseDirectory', () => {
	it('a nested tree arrives as the same tree, each folder listed or created once', async () => {
		const paths = writeTree({
			'top.txt': 'top',
			'photos/2026/a.jpg': 'a',
			'photos/2026/b.jpg': 'b',
			'photos/2025/c.jpg': 'c',
			'docs/deep/er/d.pdf': 'd',
		});
		const base = nas();
		const result = await runNode(sim, backupUploadParams({ baseDirectory: base }), { items: readFromDisk(paths) });
		expect(result.error).toBeUndefined();
		expect(namesIn(folderAt('backups/nas'))).toEqual(['top.txt']);
		expect(namesIn(folderAt('backups/nas/photos/2026'))).toEqual(['a.jpg', 'b.jpg']);
		expect(namesIn(folderAt('backups/nas/photos/2025'))).toEqual(['c.jpg']);
		expect(namesIn(folderAt('backups/nas/docs/deep/er'))).toEqual(['d.pdf']);
		expect(result.items.map((item) => item.json.folderId)).toEqual([
			folderAt('backups/nas'),
			folderAt('backups/nas/photos/2026'),
			folderAt('backups/nas/photos/2026'),
			folderAt('backups/nas/photos/2025'),
			folderAt('backups/nas/docs/deep/er'),
		]);
		// Created once each: backups, nas, photos, 2026, 2025, docs, deep, er. Listed once each: the
		// parents walked through (a folder is created only after its parent's listing lacked it).
		expect(sim.stats.byEndpoint['folder/mkdir.cgi']).toBe(8);
		const parentsWalked = ['root', 'backups', 'nas', 'photos', 'docs', 'deep'].length;
		expect(sim.stats.byEndpoint['folder/ls.cgi']).toBe(parentsWalked);
	});

	it('incremental over a tree: second run uploads nothing; a changed and a new file are sent', async () => {
		const paths = writeTree({ 'a.txt': 'one', 'sub/b.txt': 'two', 'sub/deeper/c.txt': 'three' });
		const params = updateParams({ baseDirectory: nas() });
		expect((await runNode(sim, params, { items: readFromDisk(paths) })).error).toBeUndefined();

		clearListingGateForTesting();
		sim.stats.reset();
		const again = await runNode(sim, params, { items: readFromDisk(paths) });
		expect(again.items.map((item) => item.json.unchanged)).toEqual([true, true, true]);
		expect(uploads()).toBe(0);
		expect(sim.stats.byEndpoint['folder/mkdir.cgi']).toBeUndefined();

		writeFileSync(paths[1], 'TWO');
		const [added] = writeTree({ 'sub/deeper/new.txt': 'new' });
		clearListingGateForTesting();
		sim.stats.reset();
		const third = await runNode(sim, params, { items: readFromDisk([...paths, added]) });
		expect(third.error).toBeUndefined();
		expect(third.items.map((item) => [item.json.filename, item.json.unchanged ?? false, item.json.replaced])).toEqual([
			['a.txt', true, undefined],
			['b.txt', false, 1],
			['c.txt', true, undefined],
			['new.txt', false, 0],
		]);
		expect(uploads()).toBe(2);
		const sub = folderAt('backups/nas/sub');
		expect(sim.state.listFiles(sub).map((file) => sim.state.readFile(file.url).toString())).toEqual(['TWO']);
		expect(namesIn(folderAt('backups/nas/sub/deeper'))).toEqual(['c.txt', 'new.txt']);
	});

	it('accepts a base directory with a trailing slash or backslashes, and a folder given by ID', async () => {
		const paths = writeTree({ 'x/y.txt': 'y' });
		const target = sim.state.createFolder(0, 'target');
		const base = `${nas().replace(/\//g, '\\')}\\`;
		const result = await runNode(sim, backupUploadParams({ baseDirectory: base }, rl('id', String(target.id))), {
			items: readFromDisk(paths),
		});
		expect(result.error).toBeUndefined();
		expect(namesIn(folderAt('target/x'))).toEqual(['y.txt']);
	});

	it('refuses a file outside the base directory before any call, naming "Base Directory"', async () => {
		const paths = writeTree({ 'a.txt': 'a' });
		const result = await runNode(sim, backupUploadParams({ baseDirectory: '/somewhere/else' }), { items: readFromDisk(paths) });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(`The file's directory "${nas()}" is not under "Base Directory" (under Options) (/somewhere/else)`);
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses a binary without a directory (not read from disk), with continueOnFail per item', async () => {
		const [good] = writeTree({ 'good.txt': 'good' });
		const result = await runNode(sim, backupUploadParams({ baseDirectory: nas() }), {
			continueOnFail: true,
			items: [
				{ inlineBinary: [{ property: 'data', base64: Buffer.from('x').toString('base64'), fileName: 'x.txt', mimeType: 'text/plain' }] },
				...readFromDisk([good]),
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.error).toBe('The file in input binary field "data" has no directory, so "Base Directory" (under Options) cannot place it');
		expect(result.items[1].json).toMatchObject({ filename: 'good.txt', folderId: folderAt('backups/nas') });
	});

	it('refuses a sub-folder name 1fichier forbids, before any call', async () => {
		const paths = writeTree({ "it's/a.txt": 'a' });
		const result = await runNode(sim, backupUploadParams({ baseDirectory: nas() }), { items: readFromDisk(paths) });
		expect(result.error?.message).toBe(
			`A folder name in the directory "${path.join(nas(), "it's")}" of the file contains the character "'", which 1fichier does not allow in names: "it's"`,
		);
		expect(result.error?.description).toMatch(/e\.g\. to "it＇s".*Folder → Back Up stores whole directories this way/);
		expect(sim.stats.requests).toBe(0);
	});
});
