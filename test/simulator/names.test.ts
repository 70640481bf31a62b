import type { Simulator } from '../../simulator';
import { api, DEMO_API_KEY, rawRequest, startRelaxed } from './helpers';

const REFUSED_NAMES = ['a\rb.txt', 'a\nb.txt', 'a\r\nb.txt', 'nul\u0000.txt', '.', '..'];
const INVALID_NAME = /^Invalid name \(.+\) #908$/;

/** One `file[]` part with the name sent as RFC 5987 `filename*` (the only way to carry CR/LF in a header). */
async function uploadNamed(sim: Simulator, filename: string) {
	const server = await api(sim, 'upload/get_upload_server.cgi', {});
	const boundary = 'namesBoundary0123';
	const body = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename*=UTF-8''${encodeURIComponent(filename)}\r\n\r\ndata\r\n--${boundary}--\r\n`,
	);
	return rawRequest(`http://${server.json.url}/upload.cgi?id=${server.json.id}`, {
		method: 'POST',
		headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length), Authorization: `Bearer ${DEMO_API_KEY}` },
		body,
	});
}

describe('simulator: names 1fichier refuses (§5)', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startRelaxed();
	});
	afterAll(() => sim.close());

	it('refuses CR, LF, NUL, "." and ".." wherever a name is chosen, with KO #908 or the upload error page', async () => {
		const folder = sim.state.createFolder(0, 'names');
		const file = sim.state.addFile(folder.id, 'plain.txt', 'plain');
		for (const name of REFUSED_NAMES) {
			const answers = [
				await api(sim, 'folder/mkdir.cgi', { name, folder_id: 0 }),
				await api(sim, 'folder/mv.cgi', { folder_id: folder.id, rename: name }),
				await api(sim, 'file/rename.cgi', { urls: [{ url: file.url, filename: name }] }),
				await api(sim, 'file/mv.cgi', { urls: [file.url], destination_folder_id: 0, rename: name }),
				await api(sim, 'file/cp.cgi', { urls: [file.url], folder_id: 0, rename: name }),
				await api(sim, 'file/chattr.cgi', { urls: [file.url], filename: name }),
			];
			for (const answer of answers) expect(answer.json).toEqual({ status: 'KO', message: expect.stringMatching(INVALID_NAME) });
			const upload = await uploadNamed(sim, name);
			expect(upload.status).toBe(200);
			expect(upload.body.toString()).toMatch(/Invalid file name/);
		}
		expect(sim.state.listFolders(0).map((sub) => sub.name)).toEqual(['names']);
		expect(sim.state.allFiles().map((stored) => stored.filename)).toEqual(['plain.txt']);
		expect(() => sim.state.createFolder(0, '..')).toThrow(INVALID_NAME);
		// Dots inside a name are fine.
		expect((await api(sim, 'folder/mkdir.cgi', { name: '...', folder_id: 0 })).json.status).toBe('OK');
		expect((await uploadNamed(sim, '.hidden')).status).toBe(302);
	});
});
