/**
 * Whirlpool-verified downloads (options.verifyChecksum) as real n8n workflows against the simulator,
 * whose checksums are real Whirlpool and whose integrity faults damage a transfer: downloads that
 * keep nothing; and an upload then a download when 1fichier gives no checksum.
 */
import { randomBytes } from 'crypto';
import { readdirSync } from 'fs';
import path from 'path';

import { readBinary, runNode } from '../../helpers/n8n';
import type { Simulator } from '../../helpers/simulator';
import { startTestSimulator, useTestSimulator } from '../../helpers/simulator';
import { opensslWhirlpool } from '../../helpers/whirlpool';
import { download, upload, useTempFiles } from './fixture';

const MiB = 1024 * 1024;

const simulator = useTestSimulator();
const { fileItem } = useTempFiles('verified-download-');

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
