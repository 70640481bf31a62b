/** 1fichier's name rules, checked before any call: reserved and control characters, `.` and `..`. */
import type { INode } from 'n8n-workflow';

import { assertValidName } from '../../nodes/OneFichier/api/names';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';

const node = { name: '1fichier', type: 'n8n-nodes-1fichier.oneFichier' } as INode;
const sim = useTestSimulator();

describe('assertValidName', () => {
	it.each(['report.pdf', 'L’été 2026.jpg', 'a.b', '...', '.hidden'])('accepts %p', (name) => {
		expect(() => assertValidName(node, 'name', name)).not.toThrow();
	});

	it.each([
		['.', 'not a name but a path step'],
		['..', 'not a name but a path step'],
		[' .. ', 'not a name but a path step'],
		['evil\r\nContent-Type: text/html', 'control character (U+000D)'],
		['line\nbreak', 'control character (U+000A)'],
		['nul\u0000byte', 'control character (U+0000)'],
		['del\u007F', 'control character (U+007F)'],
		["L'été.jpg", 'the character "\'"'],
		[' leading', 'a leading space'],
	])('refuses %p', (name, why) => {
		expect(() => assertValidName(node, 'name', name)).toThrow(why);
	});
});

describe('names in workflows', () => {
	it('refuses a folder path with a ".." step before any call (it used to create a folder named "..")', async () => {
		const result = await runNode(sim(), {
			resource: 'folder',
			operation: 'create',
			name: 'backups/../x',
			parentFolder: { __rl: true, mode: 'id', value: '0' },
		});
		expect(result.error?.message).toContain('not a name but a path step');
		expect(sim().stats.requests).toBe(0);
		expect(sim().state.listFolders(0)).toEqual([]);
	});
});
