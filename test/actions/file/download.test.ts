/**
 * file: download as real n8n workflows (n8n-core, filesystem binary mode) against the simulator over
 * loopback HTTP, checking both the node's output and the binary n8n stored.
 */
import { randomBytes } from 'crypto';

import { binaryPath, readBinary, rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { uploadParams, useTempFiles } from './fixture';

const MiB = 1024 * 1024;

useSim();
const { tempFile } = useTempFiles('download-');

describe('file: download', () => {
	it('streams a several-MiB file into the binary field with its name and type', async () => {
		const content = randomBytes(5 * MiB + 7);
		const stored = sim.state.addFile(0, 'movie.mp4', content);
		const result = await runNode(sim, {
			resource: 'file',
			operation: 'download',
			file: rl('url', stored.url),
			binaryPropertyName: 'video',
		});
		expect(result.error).toBeUndefined();
		const item = result.items[0];
		expect(item.json).toMatchObject({ url: stored.url, filename: 'movie.mp4', size: content.length, folderId: 0 });
		const binary = item.binary!.video;
		expect(binary.fileName).toBe('movie.mp4');
		expect(binary.mimeType).toBe('video/mp4');
		// Stored by n8n's filesystem binary mode (an id), not held inline.
		expect(binary.id).toBeTruthy();
		expect(binaryPath(binary)).toBeTruthy();
		expect((await readBinary(binary)).equals(content)).toBe(true);
	});

	it('round-trips: upload then download gives the same bytes', async () => {
		const content = randomBytes(3 * MiB);
		const up = await runNode(sim, uploadParams(), {
			items: [{ files: [{ path: tempFile('round.bin', content), fileName: 'round.bin' }] }],
		});
		const down = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', up.items[0].json.url as string) });
		expect(down.error).toBeUndefined();
		expect((await readBinary(down.items[0].binary!.data)).equals(content)).toBe(true);
	});

	it('a connection dropped on the token URL fails the item; no binary is returned', async () => {
		const stored = sim.state.addFile(0, 'a.bin', randomBytes(MiB));
		sim.faults.add({ match: '/dl/', kind: 'drop' });
		const result = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', stored.url) });
		expect(result.error).toBeDefined();
		expect(result.items).toHaveLength(0);
	});

	it('fails with a NodeApiError for a file that does not exist', async () => {
		const result = await runNode(sim, {
			resource: 'file',
			operation: 'download',
			file: rl('url', 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz'),
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not get a download link for the file in "File": it does not exist');
		expect(result.error?.description).toContain('1fichier answered "Resource not found #469"');
	});
});
