// End-to-end cases of examples/nightly-nas-backup.json (Folder → Back Up), in the order they run:
// the first night, an unchanged night, a night with a changed and a new file (then the restore
// example runs, in cases.mjs), a new week's copy filled server-side, names 1fichier refuses, and
// the failure path. Each runs the shipped example through a webhook, patched only where the e2e
// setup differs from a NAS: its directories, and the pacing of a sped-up simulator.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { whirlpool } from 'hash-wasm';

const EXAMPLE = 'nightly-nas-backup.json';
/**
 * Clock Skew Margin for the e2e runs. The e2e NAS is written seconds before the first night, and the
 * host and the simulator share one clock: 1.2 s covers 1fichier's whole-second dates. The setups
 * let written files age past it before a run that must find them unchanged.
 */
const CLOCK_SKEW_MINUTES = 0.02;
const AGE_MS = 3000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last change (ctime or mtime) of the newest file under a directory. */
function newestChange(dir) {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
		const stats = fs.lstatSync(path.join(entry.parentPath ?? entry.path, entry.name));
		newest = Math.max(newest, stats.ctimeMs, stats.mtimeMs);
	}
	return newest;
}

/** Waits until every file under `dir` changed at least AGE_MS ago. */
async function letAge(dir) {
	const wait = newestChange(dir) + AGE_MS - Date.now();
	if (wait > 0) await sleep(wait);
}

const settingsOf = (wf) => wf.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments;

/** The example pointed at a test directory, with the pacing of the sped-up simulator. */
function nightlyOn(nasDir, { backupRoot, copyName } = {}) {
	return (wf) => {
		const settings = settingsOf(wf);
		settings.find((a) => a.name === 'nasDirectory').value = nasDir;
		if (backupRoot) settings.find((a) => a.name === 'backupRoot').value = backupRoot;
		if (copyName) settings.find((a) => a.name === 'copyName').value = copyName;
		const backUp = wf.nodes.find((n) => n.name === 'Back up the NAS');
		backUp.parameters.options = { ...backUp.parameters.options, clockSkewMinutes: CLOCK_SKEW_MINUTES, listingIntervalSeconds: 1 };
		// The simulator's limits are scaled 50 times down (0.02): listings need not wait 3 s here.
		for (const node of wf.nodes.filter((n) => n.type.endsWith('.oneFichier'))) node.parameters.rateLimits = { listingSpacingSeconds: 0.1 };
		return wf;
	};
}

const nightlyOnTestNas = (wf, ctx) => nightlyOn(ctx.nasDir)(wf, ctx);

/** This week's copy: the one sub-folder of backups/nas dated like a copy that the e2e setup did not make. */
async function weekCopy(ctx) {
	const root = await ctx.folderByPath('backups/nas');
	const copies = (await ctx.subFolders(root.id)).filter((f) => !f.name.startsWith('2020-')).sort((a, b) => a.name.localeCompare(b.name));
	assert.ok(copies.length >= 1, 'a copy made by the workflow');
	for (const copy of copies) assert.match(copy.name, /^\d{4}-\d{2}-\d{2}$/);
	return copies[0];
}

/** A copy holds exactly the NAS tree, each file with the local file's size and Whirlpool (no download needed). */
async function assertCopyMatches(ctx, folderId, dir, toRemoteName = (name) => name) {
	const tree = await ctx.treeOf(folderId);
	const local = ctx.localTree(dir).filter((file) => fs.statSync(path.join(dir, file)).size > 0);
	assert.deepEqual(tree.map((entry) => entry.path), local.map((file) => file.split('/').map(toRemoteName).join('/')).sort((a, b) => a.localeCompare(b)));
	for (const file of local) {
		const entry = tree.find((e) => e.path === file.split('/').map(toRemoteName).join('/'));
		const bytes = fs.readFileSync(path.join(dir, file));
		assert.equal(entry.file.size, bytes.length, `${file}: size`);
		assert.equal(entry.file.checksum, await whirlpool(bytes), `${file}: stored byte for byte`);
	}
}

/** The names of the copies Clean Up removed (its first item is the run's summary). */
function removedCopies(out) {
	assert.ok(out[0]?.entries, `Clean Up's summary first: ${JSON.stringify(out[0])}`);
	assert.equal(out[0].entries.removed, out.slice(1).filter((o) => o.removed).length, 'the summary counts what was removed');
	return out.slice(1).filter((o) => o.removed).map((o) => o.name);
}

const uploadsSoFar = async (ctx) => (await ctx.transfers())['upload.cgi'] ?? 0;

/** Before the restore example (cases.mjs runs it between these and `afterRestore`). */
export const backupCases = [
	{
		name: 'example: nightly backup (Folder → Back Up, no Code node), first night: the NAS tree arrives as a tree in one upload per folder, retention keeps the newest 4, the newest of each month and year, and the oldest',
		example: EXAMPLE,
		asWebhook: true,
		patch: nightlyOnTestNas,
		setup: async (ctx) => {
			const root = await ctx.folder('backups/nas');
			for (let d = 1; d <= 6; d++) await ctx.sim.addFolder(root.id, `2020-01-0${d}`);
			await letAge(ctx.nasDir);
			return { uploadsBefore: await uploadsSoFar(ctx) };
		},
		check: async (out, ctx, s) => {
			const example = ctx.example(EXAMPLE);
			assert.deepEqual(example.nodes.filter((n) => n.type === 'n8n-nodes-base.code').map((n) => n.name), [], 'no Code node');
			const settings = example.nodes.find((n) => n.name === 'Settings').parameters.assignments.assignments.map((a) => a.name);
			assert.deepEqual(settings, ['nasDirectory', 'backupRoot', 'copyName', 'keepCopies']);
			const backUp = example.nodes.find((n) => n.name === 'Back up the NAS');
			assert.equal(backUp.parameters.operation, 'backUp');
			assert.equal(backUp.onError, 'continueErrorOutput', 'a failure path for a notification');
			// Keep Newest 4 (this week's, 01-06, 01-05, 01-04), Keep Monthly 6 and Keep Yearly 2 (the
			// newest of 2026-11 and of 2020-01, already kept); two months and years only, so the oldest
			// copy is kept as well to fill them (backup/retention.ts).
			assert.deepEqual(removedCopies(out), ['2020-01-03', '2020-01-02']);
			const root = await ctx.folderByPath('backups/nas');
			const names = (await ctx.subFolders(root.id)).map((f) => f.name).sort();
			assert.equal(names.length, 5, `5 copies kept: ${names}`);
			assert.ok(names.includes('2020-01-01'), 'the oldest copy kept');
			await assertCopyMatches(ctx, (await weekCopy(ctx)).id, ctx.nasDir);
			// Files in three folders of the tree (the root, docs/letters/old, photos/2026): one upload each.
			assert.equal((await uploadsSoFar(ctx)) - s.uploadsBefore, 3, 'one upload per folder holding files');
		},
	},
	{
		name: 'example: nightly backup, an unchanged night uploads nothing',
		example: EXAMPLE,
		asWebhook: true,
		patch: nightlyOnTestNas,
		setup: async (ctx) => ({ uploadsBefore: await uploadsSoFar(ctx) }),
		check: async (out, ctx, s) => {
			assert.equal((await uploadsSoFar(ctx)) - s.uploadsBefore, 0, 'no upload');
			assert.deepEqual(removedCopies(out), [], 'nothing more to remove');
			await assertCopyMatches(ctx, (await weekCopy(ctx)).id, ctx.nasDir);
		},
	},
	{
		name: 'example: nightly backup, a changed file of the same size is re-sent and a new file is added',
		example: EXAMPLE,
		asWebhook: true,
		patch: nightlyOnTestNas,
		setup: async (ctx) => {
			const notes = path.join(ctx.nasDir, 'notes.txt');
			const before = fs.readFileSync(notes, 'utf8');
			fs.writeFileSync(notes, before.toUpperCase());
			assert.equal(fs.statSync(notes).size, Buffer.byteLength(before), 'same size');
			fs.mkdirSync(path.join(ctx.nasDir, 'photos', '2026', 'new'), { recursive: true });
			fs.writeFileSync(path.join(ctx.nasDir, 'photos', '2026', 'new', 'added.txt'), 'a new file\n');
			// Their copies will then be dated past the margin after the edits (the new week's copy reuses them).
			await letAge(ctx.nasDir);
			return { uploadsBefore: await uploadsSoFar(ctx) };
		},
		check: async (out, ctx, s) => {
			assert.equal((await uploadsSoFar(ctx)) - s.uploadsBefore, 2, 'the changed file and the new one (two folders, two uploads)');
			await assertCopyMatches(ctx, (await weekCopy(ctx)).id, ctx.nasDir);
		},
	},
];

/** After the restore example, which restores this week's copy. */
export const afterRestoreCases = [
	{
		name: "example: nightly backup, a new week's copy of an unchanged NAS uploads nothing (server-side copies of last week's)",
		example: EXAMPLE,
		asWebhook: true,
		patch: (wf, ctx) => nightlyOn(ctx.nasDir, { copyName: "={{ $now.startOf('week').plus({ weeks: 1 }).toFormat('yyyy-MM-dd') }}" })(wf, ctx),
		setup: async (ctx) => {
			await letAge(ctx.nasDir);
			return { uploadsBefore: await uploadsSoFar(ctx), thisWeek: (await weekCopy(ctx)).name };
		},
		check: async (out, ctx, s) => {
			assert.equal((await uploadsSoFar(ctx)) - s.uploadsBefore, 0, 'no upload');
			const root = await ctx.folderByPath('backups/nas');
			const next = (await ctx.subFolders(root.id)).find((f) => f.name > s.thisWeek && !f.name.startsWith('2020-'));
			assert.ok(next, "next week's copy exists");
			await assertCopyMatches(ctx, next.id, ctx.nasDir);
			// A sixth copy: the fourth newest before it (01-04) goes; the oldest still fills the calendar rules.
			assert.deepEqual(removedCopies(out), ['2020-01-04'], 'the newest 4 and the calendar rules');
		},
	},
	{
		name: 'example: nightly backup of names 1fichier refuses (look-alikes), an empty file skipped; the next night finds them unchanged',
		example: EXAMPLE,
		asWebhook: true,
		patch: (wf, ctx) => nightlyOn(path.join(ctx.filesDir, 'nas-names'), { backupRoot: 'e2e/names' })(wf, ctx),
		setup: async (ctx) => {
			const dir = path.join(ctx.filesDir, 'nas-names');
			for (const [name, content] of Object.entries({ "L'été.jpg": 'summer', '$RECYCLE.BIN/x.txt': 'x', ' leading.txt': 'l', 'empty.txt': '' })) {
				fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
				fs.writeFileSync(path.join(dir, name), content);
			}
			await letAge(dir);
			return { dir };
		},
		check: async (out, ctx, s) => {
			const root = await ctx.folderByPath('e2e/names');
			const [copy] = await ctx.subFolders(root.id);
			const lookAlike = (name) => name.replace("'", '\uFF07').replace('$', '\uFF04').replace(/^ /, '\u2420');
			await assertCopyMatches(ctx, copy.id, s.dir, lookAlike);
		},
	},
	{
		name: 'example: nightly backup of names 1fichier refuses, second night: nothing sent',
		example: EXAMPLE,
		asWebhook: true,
		patch: (wf, ctx) => nightlyOn(path.join(ctx.filesDir, 'nas-names'), { backupRoot: 'e2e/names' })(wf, ctx),
		setup: async (ctx) => ({ uploadsBefore: await uploadsSoFar(ctx) }),
		check: async (out, ctx, s) => {
			assert.equal((await uploadsSoFar(ctx)) - s.uploadsBefore, 0, 'no upload');
		},
	},
	{
		name: 'example: nightly backup of a NAS that is not mounted: the failure path gets the message, nothing is touched',
		example: EXAMPLE,
		asWebhook: true,
		patch: (wf, ctx) => nightlyOn(path.join(ctx.filesDir, 'not-mounted'), { backupRoot: 'e2e/not-mounted' })(wf, ctx),
		check: async ([message], ctx) => {
			assert.match(message.subject, /^NAS backup to 1fichier failed/);
			assert.match(message.message, /"Source Directory" .*not-mounted cannot be read: it does not exist/);
			assert.equal(await ctx.folderByPath('e2e/not-mounted'), undefined, 'no copy created');
		},
	},
];
