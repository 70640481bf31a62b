/**
 * file: upload as real n8n workflows (n8n-core, filesystem binary mode) against the simulator over
 * loopback HTTP, checking both the node's output and what the simulator stored: streaming, inline
 * binaries, folder paths, passwords, ifExists and the refusals before any call.
 */
import { randomBytes } from 'crypto';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { rl, runNode } from '../../helpers/n8n';
import { LISTING_INTERVAL, sim, useSim } from '../../helpers/simulator';
import { uploadParams, useTempFiles } from './fixture';

const MiB = 1024 * 1024;

useSim();
const { tempFile } = useTempFiles('upload-basics-');

const uploadCalls = () => sim.stats.byEndpoint['upload/get_upload_server.cgi'] ?? 0;

describe('file: upload', () => {
	it('streams a several-MiB id-backed binary and 1fichier stores the same bytes', async () => {
		const content = randomBytes(6 * MiB + 123);
		// The id-backed binary must be streamed from n8n's store, never loaded whole: in filesystem
		// mode straight from the stored file.
		const getAsBuffer = jest.spyOn(Container.get(BinaryDataService), 'getAsBuffer');
		const getPath = jest.spyOn(Container.get(BinaryDataService), 'getPath');
		const result = await runNode(sim, uploadParams(), {
			items: [{ files: [{ path: tempFile('big.bin', content), fileName: 'big.bin' }] }],
		});
		expect(getAsBuffer).not.toHaveBeenCalled();
		expect(getPath).toHaveBeenCalled();
		getAsBuffer.mockRestore();
		getPath.mockRestore();
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items[0].json;
		expect(json).toMatchObject({ filename: 'big.bin', size: content.length, folderId: 0 });
		expect(json.url).toMatch(/^https?:\/\/.+\?[a-z0-9]+$/);
		expect(json.checksum).toMatch(/^[0-9a-f]{128}$/);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(sim.state.readFile(json.url as string).equals(content)).toBe(true);
		expect(sim.state.listFiles(0).map((file) => file.filename)).toEqual(['big.bin']);
	});

	it('uploads an inline (base64, no id) binary too', async () => {
		const content = Buffer.from('hello from memory mode\n');
		const result = await runNode(sim, uploadParams({ options: { fileName: 'renamed.txt' } }), {
			items: [{ inlineBinary: [{ property: 'data', base64: content.toString('base64'), fileName: 'x.txt', mimeType: 'text/plain' }] }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filename: 'renamed.txt', size: content.length });
		expect(sim.state.readFile(result.items[0].json.url as string).equals(content)).toBe(true);
	});

	it('creates the missing folders of a path and uploads into the last one', async () => {
		const existing = sim.state.createFolder(0, 'backups');
		const result = await runNode(sim, uploadParams({}, rl('path', 'backups/nas/2026')), {
			items: [{ files: [{ path: tempFile('a.txt', Buffer.from('abc')), fileName: 'a.txt' }] }],
		});
		expect(result.error).toBeUndefined();
		const nas = sim.state.listFolders(existing.id).find((folder) => folder.name === 'nas');
		expect(nas).toBeDefined();
		const year = sim.state.listFolders(nas!.id).find((folder) => folder.name === '2026');
		expect(year).toBeDefined();
		expect(result.items[0].json.folderId).toBe(year!.id);
		expect(sim.state.listFiles(year!.id).map((file) => file.filename)).toEqual(['a.txt']);
		expect(sim.state.listFolders(0).filter((folder) => folder.name === 'backups')).toHaveLength(1);
	});

	it('sets the password after the upload', async () => {
		const result = await runNode(sim, uploadParams({ options: { password: 'secret-pass' } }), {
			items: [{ files: [{ path: tempFile('p.txt', Buffer.from('pw')), fileName: 'p.txt' }] }],
		});
		expect(result.error).toBeUndefined();
		expect(sim.state.findFile(result.items[0].json.url as string)?.pass).toBe('secret-pass');
	});

	it('ifExists keepBoth (default) keeps both files of the same name', async () => {
		sim.state.addFile(0, 'same.txt', 'old');
		const result = await runNode(sim, uploadParams(), {
			items: [{ files: [{ path: tempFile('same.txt', Buffer.from('new')), fileName: 'same.txt' }] }],
		});
		expect(result.error).toBeUndefined();
		expect(sim.state.listFiles(0).filter((file) => file.filename === 'same.txt')).toHaveLength(2);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBeUndefined();
	});

	it('ifExists skip returns the existing file and uploads nothing', async () => {
		const old = sim.state.addFile(0, 'same.txt', 'old');
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'skip', listingIntervalSeconds: LISTING_INTERVAL } }),
			{ items: [{ files: [{ path: tempFile('same.txt', Buffer.from('new')), fileName: 'same.txt' }] }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: old.url, filename: 'same.txt', skipped: true, folderId: 0 });
		expect(uploadCalls()).toBe(0);
		expect(sim.state.listFiles(0)).toHaveLength(1);
	});

	it('ifExists skip over several items lists the folder once per execution and sees its own uploads', async () => {
		sim.state.addFile(0, 'one.txt', 'old');
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'skip', listingIntervalSeconds: LISTING_INTERVAL } }),
			{
				items: [
					{ files: [{ path: tempFile('one.txt', Buffer.from('1')), fileName: 'one.txt' }] },
					{ files: [{ path: tempFile('two.txt', Buffer.from('2')), fileName: 'two.txt' }] },
					{ files: [{ path: tempFile('two-again.txt', Buffer.from('2')), fileName: 'two.txt' }] },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.filename, item.json.skipped ?? false])).toEqual([
			['one.txt', true],
			['two.txt', false],
			['two.txt', true],
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
		expect(sim.stats.floodEvents).toBe(0);
		expect(uploadCalls()).toBe(1);
	});

	it('ifExists replace over several items of one name replaces the older file once and keeps every copy of this execution', async () => {
		sim.state.addFile(0, 'report.csv', 'v0');
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'replace', listingIntervalSeconds: LISTING_INTERVAL } }),
			{
				items: ['v1', 'v2', 'v3'].map((version) => ({
					files: [{ path: tempFile(`report-${version}.csv`, Buffer.from(version)), fileName: 'report.csv' }],
				})),
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.replaced)).toEqual([1, 0, 0]);
		expect(result.items.map((item) => item.json.nameCollision)).toEqual([undefined, true, true]);
		const remaining = sim.state.listFiles(0).filter((file) => file.filename === 'report.csv');
		expect(remaining.map((file) => sim.state.readFile(file.url).toString()).sort()).toEqual(['v1', 'v2', 'v3']);
		expect(sim.stats.byEndpoint['file/ls.cgi']).toBe(1);
	});

	it('ifExists skip uploads when no file of that name exists', async () => {
		sim.state.addFile(0, 'other.txt', 'x');
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'skip', listingIntervalSeconds: LISTING_INTERVAL } }),
			{ items: [{ files: [{ path: tempFile('same.txt', Buffer.from('new')), fileName: 'same.txt' }] }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.skipped).toBeUndefined();
		expect(sim.state.listFiles(0)).toHaveLength(2);
	});

	it('ifExists replace deletes the older files only after the new one is stored', async () => {
		const old1 = sim.state.addFile(0, 'report.txt', 'old one');
		const old2 = sim.state.addFile(0, 'report.txt', 'old two');
		const other = sim.state.addFile(0, 'keep.txt', 'keep');
		const content = randomBytes(2 * MiB);
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'replace', listingIntervalSeconds: LISTING_INTERVAL } }),
			{ items: [{ files: [{ path: tempFile('report.txt', content), fileName: 'report.txt' }] }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filename: 'report.txt', replaced: 2 });
		expect(sim.state.findFile(old1.url)).toBeUndefined();
		expect(sim.state.findFile(old2.url)).toBeUndefined();
		expect(sim.state.findFile(other.url)).toBeDefined();
		const reports = sim.state.listFiles(0).filter((file) => file.filename === 'report.txt');
		expect(reports).toHaveLength(1);
		expect(sim.state.readFile(reports[0].url).equals(content)).toBe(true);
	});

	it('ifExists replace keeps the old file when every upload attempt is dropped', async () => {
		const old = sim.state.addFile(0, 'report.txt', 'precious');
		sim.faults.add({ match: 'upload.cgi', kind: 'drop', times: 3 });
		const result = await runNode(
			sim,
			uploadParams({ options: { ifExists: 'replace', listingIntervalSeconds: LISTING_INTERVAL } }),
			{ items: [{ files: [{ path: tempFile('report.txt', randomBytes(MiB)), fileName: 'report.txt' }] }] },
		);
		expect(result.error).toBeDefined();
		expect(result.items).toHaveLength(0);
		expect(sim.faults.pending()).toBe(0);
		expect(sim.stats.byEndpoint['file/rm.cgi']).toBeUndefined();
		expect(sim.state.listFiles(0).map((file) => file.url)).toEqual([old.url]);
		expect(sim.state.readFile(old.url).toString()).toBe('precious');
	});

	it('refuses a 0-byte file before any call, naming the binary field', async () => {
		const result = await runNode(sim, uploadParams(), {
			items: [{ files: [{ path: tempFile('empty.txt', Buffer.alloc(0)), fileName: 'empty.txt' }] }],
		});
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('The file in input binary field "data" is empty (0 bytes)');
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses a name with a reserved character before any call, naming "File Name"', async () => {
		const result = await runNode(sim, uploadParams({ options: { fileName: 'price$list.txt' } }), {
			items: [{ files: [{ path: tempFile('a.txt', Buffer.from('abc')), fileName: 'a.txt' }] }],
		});
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"File Name" (under Options) contains the character "$", which 1fichier does not allow in names: "price$list.txt"');
		expect(result.error?.description).toMatch(/Change the name in "File Name" \(under Options\), e\.g\. to "price＄list\.txt"/);
		expect(sim.stats.requests).toBe(0);
		expect(uploadCalls()).toBe(0);
	});

	it('refuses a binary whose own file name 1fichier forbids, saying to set "File Name"', async () => {
		const result = await runNode(sim, uploadParams(), {
			items: [{ files: [{ path: tempFile('a.txt', Buffer.from('abc')), fileName: "L'été.txt" }] }],
		});
		expect(result.error?.message).toBe(
			'The name of the file in input binary field "data" contains the character "\'", which 1fichier does not allow in names: "L\'été.txt"',
		);
		expect(result.error?.description).toMatch(/Change the name in "File Name" \(under Options\), e\.g\. to "L＇été\.txt"/);
		expect(sim.stats.requests).toBe(0);
	});

	it('refuses a too short password before any call', async () => {
		const result = await runNode(sim, uploadParams({ options: { password: 'abc' } }), {
			items: [{ files: [{ path: tempFile('a.txt', Buffer.from('abc')), fileName: 'a.txt' }] }],
		});
		expect(result.error?.message).toBe('"Password" (under Options) must be at least 6 characters long');
		expect(sim.stats.requests).toBe(0);
	});

	it('reports a missing binary field', async () => {
		const result = await runNode(sim, uploadParams(), { items: [{ json: { no: 'binary' } }] });
		expect(result.error?.message).toMatch(/data/);
		expect(sim.stats.requests).toBe(0);
	});
});
