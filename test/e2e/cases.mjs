// End-to-end cases: each runs one workflow in the real n8n (through its webhook) against the
// simulator and checks both n8n's output and the simulator's state.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { afterRestoreCases, backupCases } from './backupCases.mjs';
import { sha512OfFile, whirlpoolOfFile, writeRandomFile } from './files.mjs';
import { body, binaryFromBody, binaryToJson, code, exampleAsWebhook, fichier, readFromDisk, rl, writeToDisk } from './workflow.mjs';

const b64 = (s) => Buffer.from(s).toString('base64');
const FILE_URL = /^https:\/\/1fichier\.com\/\?[A-Za-z0-9]+$/;

/**
 * Each case: name, steps (nodes after the Webhook), optional responseData, setup(ctx) → the
 * webhook body, check(output, ctx, setupResult). `example` cases run a shipped example instead.
 * `binaryModes` (default ['filesystem']) runs the case in each n8n binary data mode named;
 * `ctx.binaryMode` says which one a run is in.
 */
export const cases = [
	{
		name: 'account get',
		steps: [fichier('Account', { resource: 'account', operation: 'get' })],
		check: ([acc]) => {
			assert.ok(acc.email, 'account has an email');
			assert.equal(typeof (acc.availableStorage ?? acc.available_storage ?? 0), 'number');
		},
	},
	{
		name: 'folder create (path, reused on second run)',
		steps: [
			fichier('Create', { resource: 'folder', operation: 'create', name: 'e2e/create/a/b', parentFolder: rl('id', '0') }),
			fichier('Create again', { resource: 'folder', operation: 'create', name: 'e2e/create/a/b', parentFolder: rl('id', '0') }),
		],
		check: async ([again], ctx) => {
			assert.equal(again.created, false, 'second create reuses the folder');
			assert.equal(again.name, 'b');
			const f = await ctx.folderByPath('e2e/create/a/b');
			assert.ok(f, 'e2e/create/a/b exists in the simulator');
			assert.equal(again.id, f.id);
			assert.equal((await ctx.foldersNamed('a')).length, 1, 'no duplicate "a" folder');
		},
	},
	{
		name: 'folder getMany (returnAll and limit)',
		setup: async (ctx) => {
			const parent = await ctx.folder('e2e/fgm');
			for (const n of ['x', 'y', 'z']) await ctx.sim.addFolder(parent.id, n);
			return { folderId: parent.id };
		},
		steps: [
			fichier('All', { resource: 'folder', operation: 'getMany', folder: rl('id', body('folderId')), returnAll: true }, { executeOnce: true }),
			fichier('Two', { resource: 'folder', operation: 'getMany', folder: rl('id', body('folderId')), returnAll: false, limit: 2 }, { executeOnce: true }),
		],
		check: (out) => {
			assert.equal(out.length, 2);
			for (const f of out) assert.equal(typeof f.id, 'number');
		},
	},
	{
		name: 'folder getMany returnAll lists every sub-folder',
		setup: async (ctx) => {
			const parent = await ctx.folder('e2e/fgm-all');
			for (const n of ['x', 'y', 'z']) await ctx.sim.addFolder(parent.id, n);
			return { path: 'e2e/fgm-all' };
		},
		steps: [fichier('All', { resource: 'folder', operation: 'getMany', folder: rl('path', body('path')), returnAll: true })],
		check: (out) => assert.deepEqual(out.map((f) => f.name).sort(), ['x', 'y', 'z']),
	},
	{
		name: 'folder get (by path)',
		setup: async (ctx) => ({ id: (await ctx.folder('e2e/get/me')).id }),
		steps: [fichier('Get', { resource: 'folder', operation: 'get', folder: rl('path', 'e2e/get/me') })],
		check: ([f], ctx, s) => {
			assert.equal(f.id, s.id);
			assert.equal(f.name, 'me');
		},
	},
	{
		name: 'folder rename',
		setup: async (ctx) => ({ id: (await ctx.folder('e2e/rename/old-name')).id }),
		steps: [fichier('Rename', { resource: 'folder', operation: 'rename', folder: rl('id', body('id')), newName: 'new-name' })],
		check: async (_out, ctx, s) => assert.equal((await ctx.folderById(s.id))?.name, 'new-name'),
	},
	{
		name: 'folder move',
		setup: async (ctx) => ({ id: (await ctx.folder('e2e/move/src/mover')).id, dest: (await ctx.folder('e2e/move/dest')).id }),
		steps: [
			fichier('Move', {
				resource: 'folder',
				operation: 'move',
				folder: rl('id', body('id')),
				destinationFolder: rl('path', 'e2e/move/dest'),
			}),
		],
		check: async (_out, ctx, s) => assert.equal((await ctx.folderById(s.id))?.parentId, s.dest),
	},
	{
		name: 'folder delete with deleteContents',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/delete/full');
			const sub = await ctx.sim.addFolder(f.id, 'sub');
			const file = await ctx.sim.addFile(sub.id, 'inside.txt', 'bye');
			return { id: f.id, url: file.url };
		},
		steps: [fichier('Delete', { resource: 'folder', operation: 'delete', folder: rl('id', body('id')), options: { deleteContents: true } })],
		check: async (_out, ctx, s) => {
			assert.equal(await ctx.folderById(s.id), undefined, 'folder is gone');
			assert.equal(await ctx.fileByUrl(s.url), undefined, 'its file is gone');
		},
	},
	{
		name: 'folder delete refuses a non-empty folder without deleteContents',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/delete/keep');
			await ctx.sim.addFile(f.id, 'keep.txt', 'stay');
			return { id: f.id };
		},
		steps: [
			fichier('Delete', { resource: 'folder', operation: 'delete', folder: rl('id', body('id')) }, { onError: 'continueRegularOutput' }),
		],
		check: async ([out], ctx, s) => {
			assert.ok(out.error, `an error is reported (got ${JSON.stringify(out)})`);
			assert.ok(await ctx.folderById(s.id), 'folder still exists');
		},
	},
	{
		name: 'folder share (public)',
		setup: async (ctx) => ({ id: (await ctx.folder('e2e/share')).id }),
		steps: [fichier('Share', { resource: 'folder', operation: 'share', folder: rl('id', body('id')), public: true, options: {} })],
		check: async ([out], ctx, s) => {
			assert.ok(out, 'an item is returned');
			const f = await ctx.folderById(s.id);
			assert.equal(f?.shared?.public, true, 'simulator folder is shared publicly');
		},
	},
	{
		name: 'file upload into a path (created), ifExists skip and replace',
		steps: [
			binaryFromBody(),
			fichier('Upload', {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				folder: rl('path', 'e2e/upload/2026-11-27'),
				options: {},
			}),
			code(
				'Make file again',
				`const b = $('Webhook').first().json.body;
return [{ json: {}, binary: { data: await this.helpers.prepareBinaryData(Buffer.from(b.contentBase64, 'base64'), b.filename, 'text/plain') } }];`,
			),
			fichier('Upload skip', {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				folder: rl('path', 'e2e/upload/2026-11-27'),
				options: { ifExists: 'skip' },
			}),
		],
		setup: () => ({ filename: 'hello.txt', contentBase64: b64('hello from n8n') }),
		check: async ([skip], ctx) => {
			assert.equal(skip.skipped, true, 'second upload is skipped');
			const folder = await ctx.folderByPath('e2e/upload/2026-11-27');
			assert.ok(folder, 'dated folder was created');
			const files = await ctx.filesIn(folder.id);
			assert.deepEqual(files.map((f) => f.filename), ['hello.txt']);
			assert.equal(files[0].size, 14);
			assert.match(skip.url ?? files[0].url, FILE_URL);
		},
	},
	{
		name: 'file upload: output shape and replace',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/upload-replace');
			await ctx.sim.addFile(f.id, 'same.txt', 'old content');
			return { filename: 'same.txt', contentBase64: b64('new content!') };
		},
		steps: [
			binaryFromBody(),
			fichier('Upload', {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				folder: rl('path', 'e2e/upload-replace'),
				options: { ifExists: 'replace' },
			}),
		],
		check: async ([up], ctx) => {
			assert.match(up.url, FILE_URL);
			assert.equal(up.filename, 'same.txt');
			assert.equal(up.size, 12);
			assert.equal(typeof up.size, 'number');
			const folder = await ctx.folderByPath('e2e/upload-replace');
			const files = await ctx.filesIn(folder.id);
			assert.equal(files.length, 1, 'replaced, not duplicated');
			assert.equal(files[0].size, 12);
		},
	},
	{
		name: 'file download',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/download');
			const file = await ctx.sim.addFile(f.id, 'report.txt', 'the bytes of the report');
			return { url: file.url };
		},
		steps: [
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', body('url')), binaryPropertyName: 'data', options: {} }),
			binaryToJson(),
		],
		check: ([out]) => {
			assert.ok(out.binary, 'binary data present');
			assert.equal(Buffer.from(out.binary.base64, 'base64').toString(), 'the bytes of the report');
			assert.equal(out.binary.fileName, 'report.txt');
		},
	},
	{
		name: 'file upload and download of 300 MiB, Whirlpool-verified, with flat memory',
		setup: async (ctx) => {
			const original = await writeRandomFile(path.join(ctx.filesDir, 'verified-300MiB.bin'), 300);
			const restored = path.join(ctx.filesDir, 'restored-300MiB.bin');
			const expected = whirlpoolOfFile(original);
			ctx.n8nMemory.start();
			return { original, restored, expected };
		},
		steps: [
			readFromDisk('Read', body('original')),
			fichier('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('path', 'e2e/verified'), options: {} }),
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', '={{ $json.url }}'), binaryPropertyName: 'data', options: {} }),
			writeToDisk('Restore', body('restored')),
			code('Summary', `return [{ json: { upload: $('Upload').first().json, download: $('Download').first().json } }];`),
		],
		check: async ([out], ctx, s) => {
			const growthMiB = ctx.n8nMemory.stop();
			const size = 300 * 1024 * 1024;
			assert.deepEqual(
				[out.upload.verified, out.upload.checksum, out.upload.size],
				[true, s.expected, size],
				'the upload is verified with the Whirlpool of the file',
			);
			assert.deepEqual([out.download.verified, out.download.checksum, out.download.size], [true, s.expected, size]);
			const [stored] = await ctx.filesIn((await ctx.folderByPath('e2e/verified')).id);
			assert.equal(stored.checksum, s.expected, 'the simulator holds the same bytes');
			assert.equal(whirlpoolOfFile(s.restored), s.expected, 'the file written back from n8n is the original');
			// Holding the file whole would take 300 MiB at least, twice over.
			assert.ok(growthMiB < 200, `n8n's peak memory grew by ${growthMiB.toFixed(0)} MiB (flat: under 200)`);
			console.log(`      300 MiB up and down, verified: n8n peak RSS growth ${growthMiB.toFixed(0)} MiB`);
		},
	},
	{
		// n8n's stores keep what the node hands them in different ways (the filesystem store writes
		// each chunk at once, the database store joins them at the end): the bytes n8n writes back
		// must be the source in every mode. 64 MiB is past every buffer the download path uses.
		name: "file download of 64 MiB into n8n's binary store, written to disk by Read/Write Files: the source's bytes (sha512)",
		binaryModes: ['filesystem', 'database'],
		setup: async (ctx) => {
			const bytes = crypto.randomBytes(64 * 1024 * 1024);
			const folder = await ctx.folder(`e2e/download-64MiB-${ctx.binaryMode}`);
			const file = await ctx.sim.addFile(folder.id, 'random-64MiB.bin', bytes);
			const written = path.join(ctx.filesDir, `written-64MiB-${ctx.binaryMode}.bin`);
			return { url: file.url, written, sha512: crypto.createHash('sha512').update(bytes).digest('hex'), checksum: file.checksum };
		},
		steps: [
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', body('url')), binaryPropertyName: 'data', options: {} }),
			writeToDisk('Write', body('written')),
			code('Summary', `return [{ json: { download: $('Download').first().json, binaryId: $('Download').first().binary.data.id ?? null } }];`),
		],
		check: async ([out], ctx, s) => {
			assert.ok(String(out.binaryId).startsWith(ctx.binaryMode), `n8n stored the download in ${ctx.binaryMode} mode (binary id ${out.binaryId})`);
			assert.deepEqual([out.download.verified, out.download.checksum], [true, s.checksum], "the node verified the download with 1fichier's Whirlpool");
			assert.equal(fs.statSync(s.written).size, 64 * 1024 * 1024, 'the written file has the size of the source');
			assert.equal(await sha512OfFile(s.written), s.sha512, 'the file n8n wrote has the bytes of the source');
		},
	},
	{
		name: 'file upload: a stored copy with different bytes is detected, replaced and reported',
		setup: async (ctx) => {
			await ctx.sim.faults({ kind: 'corruptUpload' });
			const content = crypto.randomBytes(256 * 1024);
			return { filename: 'corrupted-once.bin', contentBase64: content.toString('base64') };
		},
		steps: [
			binaryFromBody(),
			fichier('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('path', 'e2e/corrupted'), options: {} }),
		],
		check: async ([up], ctx, s) => {
			assert.equal(up.verified, true, 'verified after the resend');
			assert.equal(up.resent, true, 'the output says the file was sent again');
			const files = await ctx.filesIn((await ctx.folderByPath('e2e/corrupted')).id);
			assert.deepEqual(files.map((f) => f.url), [up.url], 'the bad copy is gone, the good one stays');
			assert.equal(files[0].checksum, up.checksum);
			assert.ok(Buffer.from(await ctx.fileContent(files[0])).equals(Buffer.from(s.contentBase64, 'base64')));
		},
	},
	{
		name: 'file download: bytes damaged on the way fail the item with no binary',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/damaged-download');
			const file = await ctx.sim.addFile(f.id, 'damaged.txt', 'bytes that will arrive damaged');
			await ctx.sim.faults({ kind: 'corruptDownload' });
			return { url: file.url };
		},
		steps: [
			fichier(
				'Download',
				{ resource: 'file', operation: 'download', file: rl('url', body('url')), binaryPropertyName: 'data', options: {} },
				{ onError: 'continueRegularOutput' },
			),
			binaryToJson(),
		],
		check: ([out]) => {
			assert.match(String(out.error), /do not match 1fichier's Whirlpool checksum/);
			assert.equal(out.binary, null, 'no binary');
		},
	},
	{
		name: 'file getLink',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/link');
			const file = await ctx.sim.addFile(f.id, 'linked.txt', 'link me');
			return { url: file.url };
		},
		steps: [fichier('Link', { resource: 'file', operation: 'getLink', file: rl('url', body('url')), options: {} })],
		check: async ([out], ctx, s) => {
			assert.equal(out.url, s.url);
			assert.match(out.downloadUrl, /^https?:\/\//);
			const local = ctx.localUrl(out.downloadUrl);
			if (local) {
				const res = await fetch(local);
				assert.equal(await res.text(), 'link me', 'the temporary link serves the file');
			}
		},
	},
	{
		name: 'file get',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/info');
			const file = await ctx.sim.addFile(f.id, 'info.txt', '12345');
			return { url: file.url, folderId: f.id };
		},
		steps: [fichier('Get', { resource: 'file', operation: 'get', file: rl('url', body('url')) })],
		check: ([out], ctx, s) => {
			assert.equal(out.url, s.url);
			assert.equal(out.filename, 'info.txt');
			assert.equal(out.size, 5);
			assert.ok(out.checksum, 'checksum');
		},
	},
	{
		name: 'file get of a missing file reports the error',
		setup: () => ({ url: 'https://1fichier.com/?doesnotexist0000' }),
		steps: [fichier('Get', { resource: 'file', operation: 'get', file: rl('url', body('url')) }, { onError: 'continueRegularOutput' })],
		check: ([out]) => {
			// The headline in the editor's words; 1fichier's own answer stays in the details.
			assert.match(String(out.error), /"File".*does not exist/, out.error);
			assert.match(String(out.details?.description), /Resource not found #469/, JSON.stringify(out.details));
		},
	},
	{
		name: 'file getMany (returnAll and limit)',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/files');
			const g = await ctx.folder('e2e/files2');
			for (const n of ['a.txt', 'b.txt', 'c.txt']) {
				await ctx.sim.addFile(f.id, n, n);
				await ctx.sim.addFile(g.id, n, n);
			}
			return {};
		},
		steps: [
			fichier('All', { resource: 'file', operation: 'getMany', folder: rl('path', 'e2e/files'), returnAll: true, filters: {} }),
			code('Count', `return [{ json: { names: $input.all().map((i) => i.json.filename).sort() } }];`),
			fichier('Two', { resource: 'file', operation: 'getMany', folder: rl('path', 'e2e/files2'), returnAll: false, limit: 2, filters: {} }),
			code('Both', `return [{ json: { all: $('Count').first().json.names, limited: $input.all().length } }];`),
		],
		check: ([out]) => {
			assert.deepEqual(out.all, ['a.txt', 'b.txt', 'c.txt']);
			assert.equal(out.limited, 2);
		},
	},
	{
		name: 'file rename',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/frename');
			return { url: (await ctx.sim.addFile(f.id, 'before.txt', 'x')).url };
		},
		steps: [fichier('Rename', { resource: 'file', operation: 'rename', file: rl('url', body('url')), newName: 'after.txt' })],
		check: async (_o, ctx, s) => assert.equal((await ctx.fileByUrl(s.url))?.filename, 'after.txt'),
	},
	{
		name: 'file move',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/fmove/src');
			const dest = await ctx.folder('e2e/fmove/dest');
			return { url: (await ctx.sim.addFile(f.id, 'moving.txt', 'x')).url, dest: dest.id };
		},
		steps: [
			fichier('Move', { resource: 'file', operation: 'move', file: rl('url', body('url')), destinationFolder: rl('id', body('dest')), options: {} }),
		],
		check: async (_o, ctx, s) => assert.equal((await ctx.fileByUrl(s.url))?.folderId, s.dest),
	},
	{
		name: 'file copy (with new name)',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/fcopy/src');
			const dest = await ctx.folder('e2e/fcopy/dest');
			return { url: (await ctx.sim.addFile(f.id, 'original.txt', 'copy me')).url, dest: dest.id };
		},
		steps: [
			fichier('Copy', {
				resource: 'file',
				operation: 'copy',
				file: rl('url', body('url')),
				destinationFolder: rl('path', 'e2e/fcopy/dest'),
				options: { newName: 'copy.txt' },
			}),
		],
		check: async ([out], ctx, s) => {
			assert.ok(await ctx.fileByUrl(s.url), 'original still there');
			const copies = await ctx.filesIn(s.dest);
			assert.deepEqual(copies.map((f) => f.filename), ['copy.txt']);
			assert.notEqual(copies[0].url, s.url);
			assert.ok(out.url, 'output has the copy url');
		},
	},
	{
		name: 'file delete',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/fdelete');
			return { url: (await ctx.sim.addFile(f.id, 'doomed.txt', 'x')).url };
		},
		steps: [fichier('Delete', { resource: 'file', operation: 'delete', file: rl('url', body('url')) })],
		check: async (_o, ctx, s) => assert.equal(await ctx.fileByUrl(s.url), undefined),
	},
	{
		name: 'file update (description, password)',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/fupdate');
			return { url: (await ctx.sim.addFile(f.id, 'attrs.txt', 'x')).url };
		},
		steps: [
			fichier('Update', {
				resource: 'file',
				operation: 'update',
				file: rl('url', body('url')),
				updateFields: { description: 'set by n8n', password: 'secret123' },
			}),
		],
		check: async (_o, ctx, s) => {
			const f = await ctx.fileByUrl(s.url);
			assert.equal(f.description, 'set by n8n');
			assert.ok(f.pass, 'password set');
		},
	},
	{
		name: 'remoteUpload create, get and getMany',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/remote');
			return { urls: [ctx.fixtureUrl('remote-a.txt')], folderId: f.id };
		},
		steps: [
			fichier('Request', { resource: 'remoteUpload', operation: 'create', urls: body('urls'), folder: rl('id', body('folderId')), options: {} }),
			fichier('Get', { resource: 'remoteUpload', operation: 'get', requestId: '={{ $json.requestId }}' }),
			fichier('List', { resource: 'remoteUpload', operation: 'getMany', returnAll: true }, { executeOnce: true }),
			code('Summary', `return [{ json: { requestId: $('Request').first().json.requestId, got: $('Get').first().json, listed: $input.all().map((i) => i.json.requestId) } }];`),
		],
		check: ([out]) => {
			assert.equal(typeof out.requestId, 'number');
			assert.equal(out.got.requestId, out.requestId);
			assert.ok(out.listed.includes(out.requestId), 'getMany lists the request');
		},
	},
	{
		name: 'remoteUpload create with waitForCompletion',
		setup: async (ctx) => {
			const f = await ctx.folder('e2e/remote-wait');
			return { urls: [ctx.fixtureUrl('remote-b.txt'), ctx.fixtureUrl('missing.bin')], folderId: f.id };
		},
		steps: [
			fichier('Request', {
				resource: 'remoteUpload',
				operation: 'create',
				urls: body('urls'),
				folder: rl('id', body('folderId')),
				options: { waitForCompletion: true, timeout: 120 },
			}),
		],
		check: async ([out], ctx, s) => {
			assert.equal(out.status, 'finished');
			const byUrl = Object.fromEntries(out.results.map((r) => [r.url, r]));
			assert.equal(byUrl[s.urls[0]].status, 'done');
			assert.match(byUrl[s.urls[0]].downloadUrl, FILE_URL);
			assert.notEqual(byUrl[s.urls[1]].status, 'done', 'the missing URL is reported as failed');
			assert.ok(byUrl[s.urls[1]].message, 'with a message');
			const files = await ctx.filesIn(s.folderId);
			assert.deepEqual(files.map((f) => f.filename), ['remote-b.txt']);
			assert.equal(Buffer.from(await ctx.fileContent(files[0])).toString(), ctx.fixtureContent('remote-b.txt'));
		},
	},

	// ---- the shipped examples -------------------------------------------------------------
	{
		// Its webhook wants Header Auth: the runner sends the header, and checks that n8n refuses a call without it.
		name: 'example: URL to 1fichier (its own webhook, with Header Auth)',
		example: 'url-to-1fichier.json',
		// The folder does not exist yet: the path is created.
		setup: (ctx) => ({ urls: [ctx.fixtureUrl('remote-c.txt')], folderPath: 'e2e/example-remote/web' }),
		check: async ([out], ctx, s) => {
			assert.deepEqual(out.results.map((r) => [r.url, r.status]), [[s.urls[0], 'done']]);
			const folder = await ctx.folderByPath('e2e/example-remote/web');
			assert.deepEqual((await ctx.filesIn(folder.id)).map((f) => f.filename), ['remote-c.txt']);
		},
	},
	// The nightly backup (test/e2e/backupCases.mjs), then restored, then a new week's copy and more.
	...backupCases,
	{
		name: 'example: restore the backup folder tree into an empty directory (newest of same-named copies, byte for byte)',
		example: 'restore-nas-backup.json',
		asWebhook: true,
		patch: (wf) => {
			const settings = wf.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments;
			settings.find((a) => a.name === 'backupFolder').value = body('backupFolder');
			settings.find((a) => a.name === 'restoreTo').value = body('restoreTo');
			withListingInterval(wf, 'Restore the tree');
			return wf;
		},
		setup: async (ctx) => {
			const week = await weekCopy(ctx);
			// An older same-named copy beside notes.txt (issue 15: the old example wrote the oldest last).
			await ctx.sim.addFile(week.id, 'notes.txt', 'an OLDER copy of the notes, not to be restored\n', '2020-01-01T00:00:00Z');
			assert.deepEqual(fs.readdirSync(ctx.restoreDir), [], 'the restore starts from an empty directory');
			return { backupFolder: `backups/nas/${week.name}`, restoreTo: path.join(ctx.restoreDir, 'nas') };
		},
		check: async ([out], ctx, s) => {
			const local = ctx.localTree(ctx.nasDir);
			assert.equal(out.success, true, out.message);
			assert.equal(out.files.restored, local.length, 'every file restored');
			assert.equal(out.files.superseded, 1, 'the older notes.txt reported, not restored');
			assert.deepEqual(out.superseded.map((entry) => entry.path), ['notes.txt']);
			assert.deepEqual(ctx.localTree(s.restoreTo), local);
			for (const file of local) {
				assert.ok(
					fs.readFileSync(path.join(s.restoreTo, file)).equals(fs.readFileSync(path.join(ctx.nasDir, file))),
					`${file} restored byte for byte`,
				);
			}
		},
	},
	...afterRestoreCases,
	{
		name: 'example: weekly check of the backup, with sample downloads: the copy matches',
		example: 'check-nas-backup.json',
		asWebhook: true,
		patch: checkOnTestNas,
		check: async ([out], ctx) => {
			const local = ctx.localTree(ctx.nasDir);
			assert.match(out.subject, /matches its copy/, out.subject);
			assert.equal(out.summary.differences, 0);
			assert.equal(out.summary.files.same, local.length);
			assert.deepEqual(out.summary.sampled, { files: 3, bytes: out.summary.sampled.bytes, verified: 3 });
			assert.ok(out.summary.sampled.bytes > 0, 'sample bytes downloaded');
		},
	},
	{
		name: 'example: weekly check of the backup reports what differs',
		example: 'check-nas-backup.json',
		asWebhook: true,
		patch: checkOnTestNas,
		setup: (ctx) => {
			fs.writeFileSync(path.join(ctx.nasDir, 'not-yet-backed-up.txt'), 'written after the last backup\n');
			return {};
		},
		check: async ([out], ctx) => {
			fs.rmSync(path.join(ctx.nasDir, 'not-yet-backed-up.txt'));
			assert.match(out.subject, /^Backup check: 1 difference\(s\)/, out.subject);
			assert.equal(out.message, 'missingRemote  not-yet-backed-up.txt  (in the local directory, not in the backup)');
			assert.equal(out.summary.files.missingRemote, 1);
		},
	},
	{
		name: 'example: bulk temporary links as CSV',
		example: 'bulk-temporary-links.json',
		asWebhook: true,
		responseData: 'firstEntryBinary',
		setup: async (ctx) => {
			// The file-landed trigger's checks read "incoming" (test/e2e/triggers.mjs): this case adds to it once they are over.
			await ctx.incomingSettled;
			const docs = (await ctx.folderByPath('incoming')) ?? (await ctx.folder('incoming'));
			await ctx.sim.addFile(docs.id, 'e2e-linked-1.txt', 'one');
			await ctx.sim.addFile(docs.id, 'e2e-linked-2.txt', 'two');
			return { expected: (await ctx.filesIn(docs.id)).length };
		},
		check: (csv, ctx, s) => {
			const lines = String(csv).trim().split(/\r?\n/);
			assert.match(lines[0], /filename.*size.*url.*downloadUrl.*expiresAt/);
			assert.equal(lines.length - 1, s.expected, 'one row per file');
			assert.ok(lines.some((l) => l.includes('e2e-linked-2.txt')));
			// Each row says until when its link works: 5 minutes after it was made, in ISO 8601.
			const column = lines[0].split(',').findIndex((name) => name.replace(/"/g, '') === 'expiresAt');
			for (const line of lines.slice(1)) {
				const expiresAt = Date.parse(line.split(',')[column].replace(/"/g, ''));
				assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 5 * 60_000, `expiresAt within the next 5 minutes: ${line}`);
			}
		},
	},
];

// ---- helpers of the backup cases -----------------------------------------------------------

/** Listings of one folder may follow each other within seconds here (the simulator's limit is scaled). */
function withListingInterval(wf, nodeName) {
	const node = wf.nodes.find((n) => n.name === nodeName);
	node.parameters.options = { ...node.parameters.options, listingIntervalSeconds: 1 };
}

/** The check example pointed at the e2e copy of the NAS tree, sampling 3 files. */
function checkOnTestNas(wf, ctx) {
	const settings = wf.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments;
	settings.find((a) => a.name === 'nasDirectory').value = ctx.nasDir;
	settings.find((a) => a.name === 'sampleDownloads').value = 3;
	withListingInterval(wf, 'Check the backup');
	return wf;
}

/** This week's copy: the one sub-folder of backups/nas the e2e setup did not make. */
async function weekCopy(ctx) {
	const root = await ctx.folderByPath('backups/nas');
	const copies = (await ctx.subFolders(root.id)).filter((f) => !f.name.startsWith('2020-'));
	assert.equal(copies.length, 1, `one copy made by the workflow: ${copies.map((f) => f.name)}`);
	assert.match(copies[0].name, /^\d{4}-\d{2}-\d{2}$/);
	return copies[0];
}
