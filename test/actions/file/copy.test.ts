/**
 * file: copy, as a real n8n workflow against the simulator, checking the output and the
 * simulator's state; and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: copy', () => {
	it('copies into a folder under a new name; the original stays', async () => {
		const dest = sim.state.createFolder(0, 'dest');
		const stored = sim.state.addFile(0, 'a.txt', 'copy me');
		const result = await runNode(
			sim,
			fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', String(dest.id)), options: { newName: 'c.txt' } }),
		);
		expect(result.error).toBeUndefined();
		const json = result.items[0].json;
		expect(json).toMatchObject({ sourceUrl: stored.url, filename: 'c.txt', folderId: dest.id });
		expect(json.url).not.toBe(stored.url);
		const copy = sim.state.findFile(json.url as string)!;
		expect(copy.folderId).toBe(dest.id);
		expect(copy.filename).toBe('c.txt');
		expect(sim.state.readFile(copy.url).toString()).toBe('copy me');
		expect(sim.state.findFile(stored.url)?.folderId).toBe(0);
	});

	it('is not retried blindly after a server error: the item fails saying the copy may exist', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		sim.faults.add({ match: 'file/cp.cgi', kind: '5xx', status: 502 });
		const result = await runNode(sim, fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', '0') }));
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not copy the file in "File": 1fichier answered HTTP 502');
		expect(result.error?.description).toMatch(/^The copy may or may not have been made: look in the folder of "Destination Folder" before running again\./);
		expect(sim.stats.byEndpoint['file/cp.cgi']).toBe(1);
		expect(sim.state.listFiles(0)).toHaveLength(1);
	});

	it('keeps the name without newName', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('copy', { file: rl('url', stored.url), destinationFolder: rl('id', '0') }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ filename: 'a.txt', folderId: 0 });
		expect(sim.state.listFiles(0).filter((file) => file.filename === 'a.txt')).toHaveLength(2);
	});
});
