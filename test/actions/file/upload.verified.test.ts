/**
 * Whirlpool-verified uploads (options.verifyChecksum) as real n8n workflows against the simulator,
 * whose checksums are real Whirlpool and whose integrity faults damage a transfer: detection,
 * deletion of the bad copy, one resend.
 */
import { randomBytes } from 'crypto';

import { runNode } from '../../helpers/n8n';
import { TEST_TIME_SCALE, useTestSimulator } from '../../helpers/simulator';
import { opensslWhirlpool } from '../../helpers/whirlpool';
import { upload, useTempFiles } from './fixture';

const MiB = 1024 * 1024;
const HEX128 = /^[0-9a-f]{128}$/;

const simulator = useTestSimulator();
const { fileItem } = useTempFiles('verified-upload-');

const uploadsStarted = () => simulator().stats.byEndpoint['upload/get_upload_server.cgi'] ?? 0;
const deletions = () => simulator().stats.byEndpoint['file/rm.cgi'] ?? 0;

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
