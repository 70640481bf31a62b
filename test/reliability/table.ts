/** The reliability table of docs/reliability.md: rendered from the reliability suite's results, found between two markers. */
import path from 'path';

export const TABLE_DOC_PATH = path.join(__dirname, '..', '..', 'docs', 'reliability.md');

const START = '<!-- reliability-table:start (written by npm run reliability:update) -->';
const END = '<!-- reliability-table:end -->';

export interface ReliabilityRow {
	kind: 'refusal' | 'fault' | 'bad input' | 'binary data mode';
	tried: string;
	reaction: string;
	/** API calls the simulator counted (byte transfers to the upload node are not API calls). */
	calls: number;
	ms: number;
	/** Uploads: exactly one file with the bytes sent. Downloads: n8n holds the file's bytes, written back intact. */
	storedOnce?: boolean;
}

export function renderTable(rows: ReliabilityRow[], timeScale: number): string {
	const lines = [
		`Waits run ${Math.round(1 / timeScale)} times faster in the suite than in production (the simulator's limits and the node's Rate Limits are scaled alike), so a 30 s flood pause takes ${(30 * timeScale).toFixed(1)} s there.`,
		'',
		'| kind | what 1fichier (or the user) does | what the node does | API calls | stored intact, exactly once | time in the last run |',
		'|---|---|---|---|---|---|',
		...rows.map(
			(row) =>
				`| ${row.kind} | ${row.tried} | ${row.reaction} | ${row.calls} | ${row.storedOnce === undefined ? '—' : row.storedOnce ? 'yes' : 'NO'} | ${(row.ms / 1000).toFixed(2)} s |`,
		),
	];
	return lines.join('\n');
}

export function tableOf(doc: string): string {
	const start = doc.indexOf(START);
	const end = doc.indexOf(END);
	if (start < 0 || end < start) return '';
	return doc.slice(start + START.length, end).trim();
}

export function replaceTable(doc: string, table: string): string {
	const start = doc.indexOf(START);
	const end = doc.indexOf(END);
	if (start < 0 || end < start) throw new Error(`docs/reliability.md has no ${START} … ${END} markers`);
	return `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
}
