/**
 * file: rename, as a real n8n workflow against the simulator, checking the output and the
 * simulator's state; and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: rename', () => {
	it('renames the file; the link stays', async () => {
		const stored = sim.state.addFile(0, 'old.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'new.txt' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: stored.url, filename: 'new.txt' });
		expect(sim.state.findFile(stored.url)?.filename).toBe('new.txt');
	});

	it('a server error on rename.cgi is retried and the rename still happens once', async () => {
		const stored = sim.state.addFile(0, 'old.txt', 'x');
		sim.faults.add({ match: 'file/rename.cgi', kind: '5xx' });
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'new.txt' }));
		expect(result.error).toBeUndefined();
		expect(sim.state.findFile(stored.url)?.filename).toBe('new.txt');
		expect(sim.stats.byEndpoint['file/rename.cgi']).toBe(2);
	});

	it('the same name is not sent (1fichier would answer "No file has been renamed")', async () => {
		const stored = sim.state.addFile(0, 'same.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'same.txt' }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ url: stored.url, filename: 'same.txt' });
		expect(sim.stats.byEndpoint['file/rename.cgi']).toBeUndefined();
	});

	it('refuses a reserved character before any call, naming "New Name" and a name that would do', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('rename', { file: rl('url', stored.url), newName: 'a<b>.txt' }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"New Name" contains the character "<", which 1fichier does not allow in names: "a<b>.txt"');
		expect(result.error?.description).toMatch(/Change the name in "New Name", e\.g\. to "a＜b＞\.txt" \(the same name with look-alike characters\)\. Folder → Back Up/);
		expect(sim.stats.requests).toBe(0);
	});
});
