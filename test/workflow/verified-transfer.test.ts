/**
 * Whirlpool-verified uploads and downloads (options.verifyChecksum) as real n8n workflows against
 * the simulator, whose checksums are real Whirlpool and whose integrity faults damage a transfer:
 * detection, deletion of the bad copy, one resend, and downloads that keep nothing.
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { readBinary, runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { startTestSimulator, TEST_TIME_SCALE, useTestSimulator } from '../helpers/simulator';
import { opensslWhirlpool } from '../helpers/whirlpool';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const MiB = 1024 * 1024;
const HEX128 = /^[0-9a-f]{128}$/;

const simulator = useTestSimulator();
const dir = mkdtempSync(path.join(tmpdir(), 'verified-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileItem(name: string, content: Buffer) {
	const file = path.join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
	writeFileSync(file, content);
	return { items: [{ files: [{ path: file, fileName: name }] }] };
}

const upload = (options: Record<string, unknown> = {}) => ({
	resource: 'file',
	operation: 'upload',
	binaryPropertyName: 'data',
	folder: rl('id', '0'),
	options,
});
const download = (url: string, options: Record<string, unknown> = {}) => ({
	resource: 'file',
	operation: 'download',
	file: rl('url', url),
	binaryPropertyName: 'data',
	options,
});

const uploadsStarted = () => simulator().stats.byEndpoint['upload/get_upload_server.cgi'] ?? 0;
const deletions = () => simulator().stats.byEndpoint['file/rm.cgi'] ?? 0;

/** Every file under n8n's binary data folder (filesystem mode), temporary ones included. */
function storedBinaryFiles(): string[] {
	const root = process.env.N8N_BINARY_DATA_STORAGE_PATH!;
	try {
		return readdirSync(root, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.join(entry.parentPath, entry.name));
	} catch {
		return [];
	}
}

describe('verified upload', () => {
	it('is on by default: 1fichier\'s Whirlpool matches the bytes sent', async () => {
		const content = randomBytes(6 * MiB + 5);
		const result = await runNode(simulator(), upload(), fileItem('backup.tar', content));
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		const expected = opensslWhirlpool(content);
		expect(json).toMatchObject({ filename: 'backup.tar', size: content.length, checksum: expected, verified: true });
		expect(json).not.toHaveProperty('resent');
		expect(simulator().state.findFile(json.url as string)?.checksum).toBe(expected);
		expect(uploadsStarted()).toBe(1);
		expect(deletions()).toBe(0);
	});

	it('a copy stored with different bytes is deleted and the file sent once more', async () => {
		const content = randomBytes(2 * MiB + 1);
		simulator().faults.add({ kind: 'corruptUpload' });
		const result = await runNode(simulator(), upload(), fileItem('nightly.db', content));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: true, resent: true, checksum: opensslWhirlpool(content) });
		const files = simulator().state.listFiles(0);
		expect(files.map((file) => file.url)).toEqual([result.items[0].json.url]);
		expect(simulator().state.readFile(files[0].url).equals(content)).toBe(true);
		expect(uploadsStarted()).toBe(2);
		expect(deletions()).toBe(1);
	});

	it('fails with both hashes when the second copy differs too, and keeps neither', async () => {
		const content = randomBytes(MiB);
		simulator().faults.add({ kind: 'corruptUpload', times: 2 });
		const result = await runNode(simulator(), upload(), fileItem('twice.bin', content));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/"twice\.bin" with different bytes twice/);
		const sent = opensslWhirlpool(content);
		const damaged = Buffer.from(content);
		damaged[0] ^= 0xff;
		expect(result.error?.description).toContain(`bytes sent: ${sent}`);
		expect(result.error?.description).toContain(opensslWhirlpool(damaged));
		expect(simulator().state.listFiles(0)).toEqual([]);
		expect(deletions()).toBe(2);
	});

	it('a wrong checksum from 1fichier counts as a bad copy too', async () => {
		simulator().faults.add({ kind: 'wrongChecksum' });
		const content = randomBytes(300_000);
		const result = await runNode(simulator(), upload(), fileItem('lied.bin', content));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: true, resent: true, checksum: opensslWhirlpool(content) });
		expect(simulator().state.listFiles(0)).toHaveLength(1);
	});

	it('with ifExists replace, the older file stays when no good copy could be stored', async () => {
		const old = simulator().state.addFile(0, 'report.pdf', 'the old report');
		simulator().faults.add({ kind: 'corruptUpload', times: 2 });
		const result = await runNode(
			simulator(),
			upload({ ifExists: 'replace', listingIntervalSeconds: 30 * TEST_TIME_SCALE }),
			fileItem('report.pdf', randomBytes(100_000)),
		);
		expect(result.error).toBeDefined();
		expect(simulator().state.listFiles(0).map((file) => file.url)).toEqual([old.url]);
	});

	it('falls back to file/info when end.pl gives no checksum', async () => {
		simulator().faults.add({ kind: 'endWithoutChecksum' });
		const content = randomBytes(200_000);
		const result = await runNode(simulator(), upload(), fileItem('info.bin', content));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: true, checksum: opensslWhirlpool(content) });
		expect(simulator().stats.byEndpoint['file/info.cgi']).toBe(1);
	});

	it('verifyChecksum false: no comparison, verified false, 1fichier\'s checksum still reported', async () => {
		simulator().faults.add({ kind: 'corruptUpload' });
		const result = await runNode(simulator(), upload({ verifyChecksum: false }), fileItem('unchecked.bin', randomBytes(100_000)));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: false });
		expect(result.items[0].json.checksum).toMatch(HEX128);
		expect(uploadsStarted()).toBe(1);
		expect(simulator().state.listFiles(0)).toHaveLength(1);
	});

	it('uploads an inline (base64) binary verified too', async () => {
		const content = Buffer.from('kept in memory\n');
		const result = await runNode(simulator(), upload(), {
			items: [{ inlineBinary: [{ property: 'data', base64: content.toString('base64'), fileName: 'm.txt', mimeType: 'text/plain' }] }],
		});
		expect(result.items[0].json).toMatchObject({ verified: true, checksum: opensslWhirlpool(content) });
	});
});

describe('verified download', () => {
	it('is on by default: the bytes received match the file\'s checksum', async () => {
		const content = randomBytes(5 * MiB + 3);
		const stored = simulator().state.addFile(0, 'restore.tar', content);
		const result = await runNode(simulator(), download(stored.url));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ checksum: opensslWhirlpool(content), verified: true });
		expect((await readBinary(result.items[0].binary!.data)).equals(content)).toBe(true);
	});

	it('bytes damaged on the way fail the item, return no binary and leave nothing in n8n\'s store', async () => {
		const content = randomBytes(3 * MiB);
		const stored = simulator().state.addFile(0, 'damaged.bin', content);
		simulator().faults.add({ kind: 'corruptDownload' });
		const before = storedBinaryFiles();
		const result = await runNode(simulator(), download(stored.url));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/"damaged\.bin" do not match 1fichier's Whirlpool checksum/);
		const damaged = Buffer.from(content);
		damaged[0] ^= 0xff;
		expect(result.error?.description).toContain(`received: ${opensslWhirlpool(damaged)}`);
		expect(result.error?.description).toContain(`1fichier's: ${opensslWhirlpool(content)}`);
		expect(storedBinaryFiles()).toEqual(before);
	});

	it('a file whose checksum is wrong fails to download; with continueOnFail the item is an error without binary', async () => {
		const stored = simulator().state.addFile(0, 'mislabelled.bin', randomBytes(100_000));
		stored.checksum = opensslWhirlpool(Buffer.from('something else'));
		const result = await runNode(simulator(), download(stored.url), { continueOnFail: true });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toMatch(/do not match/);
		expect(result.items[0].binary).toBeUndefined();
	});

	it('verifyChecksum false: the bytes are kept as received, verified false', async () => {
		const content = randomBytes(100_000);
		const stored = simulator().state.addFile(0, 'as-is.bin', content);
		simulator().faults.add({ kind: 'corruptDownload' });
		const result = await runNode(simulator(), download(stored.url, { verifyChecksum: false }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ verified: false, checksum: opensslWhirlpool(content) });
		expect((await readBinary(result.items[0].binary!.data))[0]).toBe(content[0] ^ 0xff);
	});

	it('a download cut short is reported as such, not as a checksum mismatch', async () => {
		const stored = simulator().state.addFile(0, 'cut.bin', randomBytes(2 * MiB));
		simulator().faults.add({ match: '/dl/', kind: 'drop' });
		const result = await runNode(simulator(), download(stored.url));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).not.toMatch(/checksum/i);
	});
});

describe('when 1fichier gives no checksum', () => {
	let plain: Simulator;
	beforeAll(async () => {
		plain = await startTestSimulator({ checksums: false });
	});
	afterAll(() => plain.close());

	it('an upload stands, with verified false and checksum null; a download too', async () => {
		const content = randomBytes(100_000);
		const up = await runNode(plain, upload(), fileItem('nohash.bin', content));
		expect(up.error).toBeUndefined();
		expect(up.items[0].json).toMatchObject({ verified: false, checksum: null });
		// end.pl had none: file/info was asked before giving up.
		expect(plain.stats.byEndpoint['file/info.cgi']).toBe(1);
		const down = await runNode(plain, download(up.items[0].json.url as string));
		expect(down.error).toBeUndefined();
		expect(down.items[0].json).toMatchObject({ verified: false, checksum: null });
		expect((await readBinary(down.items[0].binary!.data)).equals(content)).toBe(true);
	});
});
