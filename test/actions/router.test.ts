/**
 * The router's error items under n8n's two "On Error: Continue" settings, through n8n-core's own
 * execution engine: with "Continue (using error output)" a failed item must reach the node's error
 * output (n8n routes only items whose keys are `error`, `message` and `details`), with its advice in
 * `details`; with "Continue (regular output)" the same item goes on, `description` included.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const MISSING = 'https://1fichier.com/?zzzzzzzzzzzzzzzzzzzz';

const getSim = useTestSimulator();

/** File → Get on three input items: a file that exists, one that does not (an API refusal), and not a link (refused before any call). */
async function getThree(onError: 'continueErrorOutput' | 'continueRegularOutput') {
	const sim = getSim();
	const stored = sim.state.addFile(0, 'ok.txt', 'x');
	const result = await runNode(
		sim,
		{ resource: 'file', operation: 'get', file: rl('url', '={{ $json.link }}') },
		{ onError, items: [{ json: { link: stored.url } }, { json: { link: MISSING } }, { json: { link: 'not a link' } }] },
	);
	return { result, stored };
}

describe('Continue (using error output)', () => {
	it('sends each failed item to the error output, with its advice in details, and the others to the main output', async () => {
		const { result, stored } = await getThree('continueErrorOutput');
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.filename)).toEqual(['ok.txt']);
		expect(result.items[0].json.url).toBe(stored.url);

		expect(result.errorItems).toHaveLength(2);
		const [refused, badInput] = result.errorItems;
		// n8n puts the input item's fields beside the error (it finds the input through pairedItem).
		expect(refused.json).toMatchObject({ link: MISSING, error: 'Could not read the details of the file in "File": it does not exist' });
		expect(refused.json.details).toMatchObject({ httpCode: '404' });
		expect((refused.json.details as { description: string }).description).toMatch(
			/The file in "File" does not exist.*1fichier answered "Resource not found #469"/,
		);
		expect(refused.pairedItem).toEqual({ item: 1 });
		expect(badInput.json).toMatchObject({ link: 'not a link', error: '"File" is not a 1fichier file link: "not a link"' });
		expect((badInput.json.details as { description: string }).description).toMatch(/download link/);
		expect(badInput.pairedItem).toEqual({ item: 2 });
		for (const item of result.errorItems) expect(item.json.description).toBeUndefined();
	});

	it('routes a Folder → Back Up that cannot start (no source directory) the same way', async () => {
		const missing = path.join(mkdtempSync(path.join(tmpdir(), 'router-')), 'not-there');
		const result = await runNode(
			getSim(),
			{ resource: 'folder', operation: 'backUp', sourceDirectory: missing, folder: rl('path', 'backups') },
			{ onError: 'continueErrorOutput' },
		);
		expect(result.items).toEqual([]);
		expect(result.errorItems).toHaveLength(1);
		expect(result.errorItems[0].json.error).toMatch(/^"Source Directory" .* cannot be read/);
		expect((result.errorItems[0].json.details as { description: string }).description).toMatch(/unmounted NAS/);
	});
});

describe('Continue (regular output)', () => {
	it('keeps every item on the main output, in order, the failed ones with error, details and description', async () => {
		const { result } = await getThree('continueRegularOutput');
		expect(result.errorItems).toEqual([]);
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.filename).toBe('ok.txt');
		const refused = result.items[1].json;
		expect(refused.error).toBe('Could not read the details of the file in "File": it does not exist');
		expect(refused.description).toBe((refused.details as { description: string }).description);
		expect(result.items[2].json.error).toMatch(/^"File" is not a 1fichier file link/);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
