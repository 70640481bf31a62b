/**
 * file upload, `ifExists: replace` and `update`: what may be deleted. An older copy goes only once
 * the new one is verified, and a file stored (or returned) by an earlier item of the same execution
 * is never an "older copy". Real n8n workflows against the simulator.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { clearListingGateForTesting } from '../../../nodes/OneFichier/pacing/listingGate';
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { backupUploadParams, readFromDisk, useNasTree } from './fixture';

useSim();
const { writeTree } = useNasTree();
let warnings: string[];

beforeEach(() => {
	clearListingGateForTesting();
	warnings = [];
	jest.spyOn(Container.get(Logger), 'warn').mockImplementation((message: string) => {
		warnings.push(message);
	});
});
afterEach(() => {
	jest.restoreAllMocks();
});

const uploadParams = (options: Record<string, unknown>) => backupUploadParams(options, rl('path', 'backups'));

const backupsFolder = () => sim.state.createFolder(0, 'backups');
const contentsIn = (folderId: number) => sim.state.listFiles(folderId).map((file) => sim.state.readFile(file.url).toString()).sort();
const removals = () => sim.stats.byEndpoint['file/rm.cgi'] ?? 0;

/** From now on 1fichier gives no Whirlpool for what is uploaded (end.pl, file/info and file/ls). */
async function uploadsWithoutChecksum(): Promise<void> {
	const control = new URL('/__simulator/checksums', sim.baseUrl);
	const answer = await fetch(control, { method: 'POST', body: JSON.stringify({ mode: 'none' }), headers: { 'content-type': 'application/json' } });
	expect(answer.ok).toBe(true);
}

describe('ifExists replace / update when the new copy cannot be verified', () => {
	it.each(['replace', 'update'])('%s keeps the older copies when 1fichier gives no checksum for the new one, and says so', async (ifExists) => {
		const backups = backupsFolder();
		const old = sim.state.addFile(backups.id, 'photos.tar', 'the only good copy');
		await uploadsWithoutChecksum();
		const [local] = writeTree({ 'photos.tar': 'a newer, longer version' });

		const result = await runNode(sim, uploadParams({ ifExists }), { items: readFromDisk([local]) });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			filename: 'photos.tar',
			verified: false,
			checksum: null,
			replaced: 0,
			olderKept: 1,
			olderKeptReason: expect.stringMatching(/no Whirlpool checksum/),
		});
		expect(sim.state.findFile(old.url)).toBeDefined();
		expect(removals()).toBe(0);
		expect(contentsIn(backups.id)).toEqual(['a newer, longer version', 'the only good copy']);
		expect(warnings.join('\n')).toMatch(new RegExp(`older files of that name were kept.*${old.url.replace(/[?.]/g, '\\$&')}`));
	});

	it('replaces once file/info gives the checksum end.pl left out: the new copy is verified', async () => {
		const backups = backupsFolder();
		const old = sim.state.addFile(backups.id, 'photos.tar', 'old');
		sim.faults.add({ kind: 'endWithoutChecksum' });
		const [local] = writeTree({ 'photos.tar': 'new bytes' });

		const result = await runNode(sim, uploadParams({ ifExists: 'replace' }), { items: readFromDisk([local]) });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: true, replaced: 1 });
		expect(result.items[0].json).not.toHaveProperty('olderKept');
		expect(sim.state.findFile(old.url)).toBeUndefined();
	});

	it('with Verify Checksum off, replace deletes the older copies once 1fichier confirms the new one (the user chose not to verify)', async () => {
		const backups = backupsFolder();
		const old = sim.state.addFile(backups.id, 'photos.tar', 'old');
		await uploadsWithoutChecksum();
		const [local] = writeTree({ 'photos.tar': 'new bytes' });

		const result = await runNode(sim, uploadParams({ ifExists: 'replace', verifyChecksum: false }), { items: readFromDisk([local]) });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: false, replaced: 1 });
		expect(sim.state.findFile(old.url)).toBeUndefined();
		expect(contentsIn(backups.id)).toEqual(['new bytes']);
	});
});

describe('two items with the same name in one execution', () => {
	it.each(['replace', 'update'])('%s: a/report.pdf and b/report.pdf into one folder both stay; the second reports the collision', async (ifExists) => {
		const backups = backupsFolder();
		const old = sim.state.addFile(backups.id, 'report.pdf', 'last night');
		const paths = writeTree({ 'a/report.pdf': 'report of team a', 'b/report.pdf': 'report of team b, longer' });

		const result = await runNode(sim, uploadParams({ ifExists }), { items: readFromDisk(paths) });

		expect(result.error).toBeUndefined();
		const [first, second] = result.items.map((item) => item.json);
		expect(first).toMatchObject({ filename: 'report.pdf', verified: true, replaced: 1 });
		expect(first).not.toHaveProperty('nameCollision');
		expect(second).toMatchObject({
			filename: 'report.pdf',
			verified: true,
			replaced: 0,
			nameCollision: true,
			nameCollisionWith: [{ item: 0, url: first.url }],
		});
		expect(sim.state.findFile(old.url)).toBeUndefined();
		expect(sim.state.findFile(first.url as string)).toBeDefined();
		expect(contentsIn(backups.id)).toEqual(['report of team a', 'report of team b, longer']);
		expect(warnings.join('\n')).toMatch(/item 1 is named "report\.pdf" like the file of item 0 .*from this same execution; it is kept, not replaced\. Set "Base Directory"/);
	});

	it('update: the copy an earlier item found unchanged is not deleted by a later item of the same name', async () => {
		const backups = backupsFolder();
		const current = sim.state.addFile(backups.id, 'report.pdf', 'report of team a');
		const paths = writeTree({ 'a/report.pdf': 'report of team a', 'b/report.pdf': 'report of team b, longer' });

		const result = await runNode(sim, uploadParams({ ifExists: 'update' }), { items: readFromDisk(paths) });

		expect(result.error).toBeUndefined();
		const [first, second] = result.items.map((item) => item.json);
		expect(first).toMatchObject({ url: current.url, skipped: true, unchanged: true });
		expect(second).toMatchObject({ replaced: 0, nameCollision: true, nameCollisionWith: [{ item: 0, url: current.url }] });
		expect(sim.state.findFile(current.url)).toBeDefined();
		expect(removals()).toBe(0);
		expect(contentsIn(backups.id)).toEqual(['report of team a', 'report of team b, longer']);
	});

	it('skip: the second item is skipped on the first one\'s upload and says it collided', async () => {
		backupsFolder();
		const paths = writeTree({ 'a/report.pdf': 'a', 'b/report.pdf': 'b' });

		const result = await runNode(sim, uploadParams({ ifExists: 'skip' }), { items: readFromDisk(paths) });

		expect(result.error).toBeUndefined();
		const [first, second] = result.items.map((item) => item.json);
		expect(second).toMatchObject({ url: first.url, skipped: true, nameCollision: true, nameCollisionWith: [{ item: 0, url: first.url }] });
	});

	it('replace over three versions of one name keeps all three; each later item names the earlier ones', async () => {
		const backups = backupsFolder();
		sim.state.addFile(backups.id, 'notes.txt', 'v0');
		const paths = writeTree({ '1/notes.txt': 'v1', '2/notes.txt': 'v2', '3/notes.txt': 'v3' });

		const result = await runNode(sim, uploadParams({ ifExists: 'replace' }), { items: readFromDisk(paths) });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.replaced)).toEqual([1, 0, 0]);
		expect(result.items.map((item) => (item.json.nameCollisionWith as Array<{ item: number }> | undefined)?.map((entry) => entry.item))).toEqual([
			undefined,
			[0],
			[0, 1],
		]);
		expect(contentsIn(backups.id)).toEqual(['v1', 'v2', 'v3']);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
	});
});
