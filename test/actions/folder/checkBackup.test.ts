/**
 * Folder → Check Backup as real n8n workflows against the simulator: each of rclone check's
 * categories, what is read to decide (metadata first), filters on both sides, and sample downloads
 * checked end to end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import type { INodeParameters } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';

import { toRemoteName } from '../../../nodes/OneFichier/api/names';
import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import * as whirlpool from '../../../nodes/OneFichier/transfer/whirlpool';
import '../../helpers/realmErrors';
import { runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { useTestSimulator } from '../../helpers/simulator';

// n8n reads only under N8N_RESTRICT_FILE_ACCESS_TO (read when its settings are first needed).
const allowed = mkdtempSync(path.join(tmpdir(), 'check-allowed-'));
process.env.N8N_RESTRICT_FILE_ACCESS_TO = allowed;

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

const simulator = useTestSimulator();
let sim: Simulator;
let nas: string;
let copyId: number;

beforeEach(() => {
	sim = simulator();
	nas = mkdtempSync(path.join(allowed, 'nas-'));
	copyId = sim.state.createFolder(sim.state.createFolder(sim.state.createFolder(0, 'backups').id, 'nas').id, '2026-11-30').id;
});
afterEach(() => {
	rmSync(nas, { recursive: true, force: true });
	jest.restoreAllMocks();
});
afterAll(() => rmSync(allowed, { recursive: true, force: true }));

const check = (options: INodeParameters = {}) => ({
	resource: 'folder',
	operation: 'checkBackup',
	sourceDirectory: nas,
	folder: rl('path', 'backups/nas/2026-11-30'),
	options,
});

function writeLocal(files: Record<string, string>): void {
	for (const [relative, content] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(nas, relative)), { recursive: true });
		writeFileSync(path.join(nas, relative), content);
	}
}

/** Uploads into the copy, names encoded as the backup sends them. `uploaded` defaults to a minute from now: after every local change. */
function writeRemote(files: Record<string, string>, uploaded = new Date(Date.now() + 60_000)): void {
	for (const [relative, content] of Object.entries(files)) {
		const steps = relative.split('/');
		let folderId = copyId;
		for (const name of steps.slice(0, -1)) {
			const remote = toRemoteName(name);
			folderId = (sim.state.childNamed(folderId, remote) ?? sim.state.createFolder(folderId, remote)).id;
		}
		sim.state.addFile(folderId, toRemoteName(steps[steps.length - 1]), content, { date: uploaded });
	}
}

type Result = Awaited<ReturnType<typeof runNode>>;
const summaryOf = (result: Result) => result.items[0].json;
const differences = (result: Result) =>
	Object.fromEntries(result.items.slice(1).map((item) => [item.json.path as string, item.json.status as string]));

describe('folder checkBackup: the categories', () => {
	it('same, differ, missing remote, missing local and error, reading only the files changed since their upload', async () => {
		writeLocal({
			'same.txt': 'same',
			"l'été $.txt": 'reserved characters, same',
			'size.txt': 'local and longer',
			'edited.txt': 'AAAA-2',
			'only-here.txt': 'new',
			'new-folder/x.txt': 'x',
		});
		writeRemote({ 'same.txt': 'same', "l'été $.txt": 'reserved characters, same', 'size.txt': 'short', 'only-there.txt': 'gone', 'old-folder/y.txt': 'y' });
		// Uploaded before the local edit: the metadata cannot tell, the Whirlpool does.
		writeRemote({ 'edited.txt': 'AAAA-1' }, new Date(Date.now() - 3600_000));
		// A name no restore would write.
		sim.state.addFile(sim.state.createFolder(copyId, '\uFF0Fetc').id, 'passwd', 'root');
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');

		const result = await runNode(sim, check());
		expect(result.error).toBeUndefined();
		expect(differences(result)).toEqual({
			'size.txt': 'differ',
			'edited.txt': 'differ',
			'only-here.txt': 'missingRemote',
			'new-folder/x.txt': 'missingRemote',
			'only-there.txt': 'missingLocal',
			'old-folder/y.txt': 'missingLocal',
			'\uFF0Fetc': 'error',
		});
		expect(result.items.find((item) => item.json.path === 'size.txt')?.json).toMatchObject({
			reason: 'sizes differ: 16 bytes here, 5 in the backup',
			localSize: 16,
			remoteSize: 5,
		});
		expect(summaryOf(result)).toMatchObject({
			source: nas,
			folder: 'backups/nas/2026-11-30',
			folderId: copyId,
			mode: 'sizeAndDate',
			success: false,
			files: { seen: 9, same: 2, differ: 2, missingRemote: 2, missingLocal: 2, error: 1, hashed: 1 },
			sampled: { files: 0, bytes: 0, verified: 0 },
			differences: 7,
			failures: [{ path: '\uFF0Fetc', reason: 'a restore would refuse this folder: the name "/etc" holds a path separator' }],
		});
		expect(hashes).toHaveBeenCalledTimes(1);
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBeUndefined();
	});

	it('an identical tree: only the summary, nothing read or downloaded', async () => {
		writeLocal({ 'a.txt': 'a', 'photos/2026/b.jpg': 'b' });
		writeRemote({ 'a.txt': 'a', 'photos/2026/b.jpg': 'b' });
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const result = await runNode(sim, check());
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(summaryOf(result)).toMatchObject({ files: { seen: 2, same: 2, differ: 0 }, differences: 0 });
		expect(hashes).not.toHaveBeenCalled();
	});

	it('checksum: reads every same-size file and finds bytes the metadata cannot', async () => {
		writeLocal({ 'a.txt': 'AAAA', 'b.txt': 'same' });
		// Uploaded after the local change, same size, other bytes (a copy damaged, or a file put back with an old date).
		writeRemote({ 'a.txt': 'BBBB', 'b.txt': 'same' });
		const quick = await runNode(sim, check());
		expect(differences(quick)).toEqual({});
		// A second run lists the same folders: without this it would wait out 1fichier's 30 s per folder.
		clearListingGateForTesting();
		const hashes = jest.spyOn(whirlpool, 'whirlpoolOfStream');
		const exact = await runNode(sim, check({ compare: 'checksum' }));
		expect(differences(exact)).toEqual({ 'a.txt': 'differ' });
		expect(exact.items[1].json.reason).toBe('same size, different Whirlpool checksum');
		expect(hashes).toHaveBeenCalledTimes(2);
	});

	it('checksum: a file 1fichier gives no checksum for is an error, not a silent match', async () => {
		writeLocal({ 'a.txt': 'a' });
		writeRemote({ 'a.txt': 'a' });
		sim.state.allFiles()[0].checksum = '';
		const result = await runNode(sim, check({ compare: 'checksum' }));
		expect(result.items[1].json).toMatchObject({ path: 'a.txt', status: 'error', reason: '1fichier gives no checksum for this file' });
	});

	it('of same-named copies, the newest (what a restore brings back) is compared', async () => {
		writeLocal({ 'report.pdf': 'v2' });
		writeRemote({ 'report.pdf': 'v2' });
		writeRemote({ 'report.pdf': 'v1-longer' }, new Date(Date.now() - 86400_000));
		const result = await runNode(sim, check());
		expect(differences(result)).toEqual({});
		expect(summaryOf(result)).toMatchObject({ files: { same: 1, superseded: 1 } });
	});
});

describe('folder checkBackup: scope', () => {
	it('hidden names and Exclude patterns are left out on both sides, as the backup leaves them', async () => {
		writeLocal({ 'a.txt': 'a', '.cache/x': 'x', 'tmp/y.tmp': 'y', 'z.tmp': 'z' });
		writeRemote({ 'a.txt': 'a', '.hidden-remote': 'h', 'old.tmp': 'o' });
		const result = await runNode(sim, check({ exclude: '*.tmp' }));
		expect(differences(result)).toEqual({});
		clearListingGateForTesting();
		const withHidden = await runNode(sim, check({ exclude: '*.tmp', includeHidden: true }));
		expect(differences(withHidden)).toEqual({ '.cache/x': 'missingRemote', '.hidden-remote': 'missingLocal' });
	});

	it('refuses a source directory n8n does not allow before any call', async () => {
		sim.stats.reset();
		const result = await runNode(sim, { ...check(), sourceDirectory: tmpdir() });
		expect(result.error?.message).toMatch(/n8n does not allow access to "Source Directory"/);
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses a negative Sample Downloads before any call', async () => {
		sim.stats.reset();
		const result = await runNode(sim, check({ sampleDownloads: -1 }));
		expect(result.error?.message).toBe('"Sample Downloads" (under Options) must be a whole number (0 or more), got -1');
		expect(sim.stats.requests).toBe(0);
	});
});

describe('folder checkBackup: sample downloads', () => {
	it('downloads N of the files found the same and verifies them against 1fichier and the local file', async () => {
		const tree = { 'a.txt': 'alpha', 'b.txt': 'bravo', 'c/d.txt': 'delta', 'e.txt': 'eagle' };
		writeLocal(tree);
		writeRemote(tree);
		const result = await runNode(sim, check({ sampleDownloads: 3 }));
		expect(result.error).toBeUndefined();
		expect(differences(result)).toEqual({});
		expect(summaryOf(result)).toMatchObject({ files: { same: 4 }, sampled: { files: 3, verified: 3 } });
		expect((summaryOf(result).sampled as { bytes: number }).bytes).toBe(15);
		expect(sim.stats.byEndpoint['download/get_token.cgi']).toBe(3);
	});

	it('a sampled file whose bytes arrive damaged is reported as differ', async () => {
		writeLocal({ 'a.bin': 'payload' });
		writeRemote({ 'a.bin': 'payload' });
		sim.faults.add({ kind: 'corruptDownload' });
		const result = await runNode(sim, check({ sampleDownloads: 5 }));
		expect(result.items[1].json).toMatchObject({
			path: 'a.bin',
			status: 'differ',
			downloaded: true,
			reason: "the bytes downloaded do not match 1fichier's own Whirlpool checksum: the stored copy is damaged",
		});
		expect(summaryOf(result)).toMatchObject({ files: { same: 0, differ: 1 }, sampled: { files: 1, verified: 0 } });
	});

	it('a sampled file the metadata called the same but whose copy holds other bytes is reported as differ', async () => {
		writeLocal({ 'a.txt': 'AAAA' });
		writeRemote({ 'a.txt': 'BBBB' });
		const result = await runNode(sim, check({ sampleDownloads: 1 }));
		expect(result.items[1].json).toMatchObject({ path: 'a.txt', status: 'differ', reason: 'the bytes downloaded differ from the local file' });
	});
});
