/**
 * file: get: the file's details, as a real n8n workflow against the simulator, checking the output;
 * and the error paths.
 */
import { rl, runNode } from '../../helpers/n8n';
import { sim, useSim } from '../../helpers/simulator';
import { fileOp } from './fixture';

useSim();

describe('file: get', () => {
	it('returns the file item with numbers as numbers and its folder', async () => {
		const folder = sim.state.createFolder(0, 'docs');
		const stored = sim.state.addFile(folder.id, 'a.pdf', 'pdf bytes');
		const result = await runNode(sim, fileOp('get', { file: rl('url', stored.url) }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			url: stored.url,
			filename: 'a.pdf',
			size: 9,
			checksum: stored.checksum,
			contentType: 'application/pdf',
			folderId: folder.id,
			path: 'docs',
			passwordProtected: false,
		});
		// 1fichier's Paris date, and the same instant as ISO 8601 with its offset.
		const { date, dateIso } = result.items[0].json as { date: string; dateIso: string };
		expect(dateIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
		expect(dateIso.slice(0, 19)).toBe(date.replace(' ', 'T'));
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('accepts a link with &af=… and another 1fichier domain form', async () => {
		const stored = sim.state.addFile(0, 'a.txt', 'x');
		const result = await runNode(sim, fileOp('get', { file: rl('url', `${stored.url}&af=12345`) }));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.url).toBe(stored.url);
	});

	it('a bad URL fails with a NodeOperationError naming "File", before any call', async () => {
		// From an expression: a literal bad link is already flagged by the locator's own validation.
		const result = await runNode(sim, fileOp('get', { file: rl('url', '={{ "https://example.com/?abcdefghij" }}') }));
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe('"File" is not a 1fichier file link: "https://example.com/?abcdefghij"');
		expect(result.error?.description).toMatch(/pick the file From List/);
		expect(sim.stats.requests).toBe(0);
	});

	it('continueOnFail turns a failure into an error item, per input item', async () => {
		const stored = sim.state.addFile(0, 'ok.txt', 'x');
		const result = await runNode(
			sim,
			fileOp('get', { file: rl('url', '={{ $json.link }}') }),
			{
				continueOnFail: true,
				items: [
					{ json: { link: 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz' } },
					{ json: { link: stored.url } },
					{ json: { link: 'not a link' } },
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.error).toBe('Could not read the details of the file in "File": it does not exist');
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[1].json.filename).toBe('ok.txt');
		expect(result.items[2].json.error).toContain('"File" is not a 1fichier file link');
		expect(result.items[2].pairedItem).toEqual({ item: 2 });
	});
});
