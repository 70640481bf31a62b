/** The searchable pickers, called the way the editor calls them, against the simulator. */
import { runListSearch } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator } from '../helpers/simulator';

let sim: Simulator;

beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	resetSimulator(sim);
});

function buildTree() {
	const backups = sim.state.createFolder(0, 'backups');
	const nas = sim.state.createFolder(backups.id, 'nas');
	const web = sim.state.createFolder(backups.id, 'Web');
	const media = sim.state.createFolder(0, 'media');
	const photos = sim.state.createFolder(media.id, 'photos');
	const nasPhotos = sim.state.createFolder(photos.id, 'nas-copy');
	return { backups, nas, web, media, photos, nasPhotos };
}

describe('searchFolders', () => {
	it('lists the root first, then every folder by its full path', async () => {
		const tree = buildTree();
		const result = await runListSearch(sim, 'searchFolders');
		expect(result.results[0]).toEqual({ name: '/ (Root)', value: '0' });
		expect(result.results.slice(1)).toEqual([
			{ name: 'backups', value: String(tree.backups.id) },
			{ name: 'media', value: String(tree.media.id) },
			{ name: 'backups/nas', value: String(tree.nas.id) },
			{ name: 'backups/Web', value: String(tree.web.id) },
			{ name: 'media/photos', value: String(tree.photos.id) },
			{ name: 'media/photos/nas-copy', value: String(tree.nasPhotos.id) },
		]);
		expect(result.paginationToken).toBeUndefined();
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
	});

	it('filters by a case-insensitive substring of the path', async () => {
		const tree = buildTree();
		const nas = await runListSearch(sim, 'searchFolders', 'NAS');
		expect(nas.results).toEqual([
			{ name: 'backups/nas', value: String(tree.nas.id) },
			{ name: 'media/photos/nas-copy', value: String(tree.nasPhotos.id) },
		]);
		const web = await runListSearch(sim, 'searchFolders', 'backups/w');
		expect(web.results).toEqual([{ name: 'backups/Web', value: String(tree.web.id) }]);
		const root = await runListSearch(sim, 'searchFolders', 'root');
		expect(root.results[0]).toEqual({ name: '/ (Root)', value: '0' });
	});

	it('walks at most 20 folders per page and continues with the pagination token', async () => {
		for (let i = 0; i < 30; i++) {
			const top = sim.state.createFolder(0, `top${String(i).padStart(2, '0')}`);
			sim.state.createFolder(top.id, 'inner');
		}
		const seen: string[] = [];
		let token: string | undefined;
		let pages = 0;
		do {
			sim.stats.reset();
			const page = await runListSearch(sim, 'searchFolders', undefined, {}, token);
			expect(sim.stats.byEndpoint['folder/ls.cgi']).toBeLessThanOrEqual(20);
			seen.push(...page.results.map((item) => item.name));
			token = page.paginationToken;
			pages++;
		} while (token && pages < 10);
		expect(token).toBeUndefined();
		expect(pages).toBeGreaterThan(1);
		expect(seen[0]).toBe('/ (Root)');
		expect(seen).toHaveLength(1 + 30 + 30);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen).toContain('top29/inner');
	});
});

describe('searchFiles', () => {
	it('lists the files of the folder chosen in the node, by id or by path', async () => {
		const docs = sim.state.createFolder(0, 'docs');
		const report = sim.state.addFile(docs.id, 'Report.pdf', 'pdf');
		const notes = sim.state.addFile(docs.id, 'notes.txt', 'txt');
		sim.state.addFile(0, 'elsewhere.txt', 'x');

		const byId = await runListSearch(sim, 'searchFiles', undefined, {
			folder: { __rl: true, mode: 'list', value: String(docs.id) },
		});
		expect(byId.results.map((item) => item.name).sort()).toEqual(['Report.pdf', 'notes.txt']);
		expect(byId.results.find((item) => item.name === 'notes.txt')).toEqual({ name: 'notes.txt', value: notes.url, url: notes.url });

		const byPath = await runListSearch(sim, 'searchFiles', 'report', { folder: { __rl: true, mode: 'path', value: 'docs' } });
		expect(byPath.results).toEqual([{ name: 'Report.pdf', value: report.url, url: report.url }]);
		expect(sim.stats.byEndpoint['file/ls.cgi'] ?? 0).toBe(0);
	});

	it('lists the root\'s files when the node has no folder', async () => {
		const root = sim.state.addFile(0, 'root.txt', 'x');
		const docs = sim.state.createFolder(0, 'docs');
		sim.state.addFile(docs.id, 'inner.txt', 'x');
		const result = await runListSearch(sim, 'searchFiles');
		expect(result.results).toEqual([{ name: 'root.txt', value: root.url, url: root.url }]);
	});
});
