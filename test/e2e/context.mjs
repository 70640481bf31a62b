// What the end-to-end cases see: helpers to set up and inspect the simulator, the local folders
// n8n's Read/Write Files node may use, and a loopback server for remote-upload fixtures.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { simulatorControl } from '../../stack/simulator.mjs';
import { rssSampler } from './files.mjs';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Serves test/e2e/fixtures/remote over loopback for remote uploads (404 for anything else). */
export function startFixtureServer(port) {
	const server = http.createServer((req, res) => {
		const name = path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname));
		const file = path.join(fixtures, 'remote', name);
		if (!fs.existsSync(file)) {
			res.writeHead(404).end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': 'text/plain' }).end(fs.readFileSync(file));
	});
	return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Every file below `dir`, as sorted slash-separated paths relative to it. */
function localTree(dir) {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
		.sort();
}

export function makeContext(sim, fixturePort, nasDir, restoreDir, filesDir) {
	const ctl = simulatorControl(sim.origin);
	const state = () => ctl.state();
	const list = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []);
	const folders = async () => list((await state()).folders);
	const files = async () => list((await state()).files);
	const childNamed = (all, parentId, name) => all.find((f) => f.parentId === parentId && f.name === name);
	const ctx = {
		sim: ctl,
		nasDir,
		restoreDir,
		localTree,
		/** A folder n8n's Read/Write Files from Disk node may use, for big files made by the cases. */
		filesDir,
		/** n8n's binary data mode in the instance running the case (a case may run in several). */
		binaryMode: 'filesystem',
		/** Peak RSS growth of the n8n process (its pid is set once n8n runs). */
		n8nMemory: rssSampler(() => ctx.n8nPid),
		folderById: async (id) => (await folders()).find((f) => f.id === id),
		foldersNamed: async (name) => (await folders()).filter((f) => f.name === name),
		subFolders: async (id) => (await folders()).filter((f) => f.parentId === id),
		folderByPath: async (p) => {
			const all = await folders();
			let current = { id: 0 };
			for (const part of p.split('/').filter(Boolean)) {
				current = childNamed(all, current.id, part);
				if (!current) return undefined;
			}
			return current;
		},
		/** mkdir -p through the control API; returns the folder. */
		folder: async (p) => {
			let parentId = 0;
			let current;
			for (const part of p.split('/').filter(Boolean)) {
				current = childNamed(await folders(), parentId, part) ?? (await ctl.addFolder(parentId, part));
				parentId = current.id;
			}
			return current;
		},
		filesIn: async (folderId) =>
			(await files()).filter((f) => f.folderId === folderId).sort((a, b) => a.filename.localeCompare(b.filename)),
		fileByUrl: async (url) => (await files()).find((f) => f.url === url),
		/** Every file below a folder: `{ path: 'a/b/name', file }`, sorted by path. */
		treeOf: async (folderId) => {
			const allFolders = await folders();
			const allFiles = await files();
			const out = [];
			const walk = (id, prefix) => {
				for (const f of allFiles.filter((x) => x.folderId === id)) out.push({ path: `${prefix}${f.filename}`, file: f });
				for (const sub of allFolders.filter((x) => x.parentId === id)) walk(sub.id, `${prefix}${sub.name}/`);
			};
			walk(folderId, '');
			return out.sort((a, b) => a.path.localeCompare(b.path));
		},
		/** Byte transfers the simulator has seen (upload.cgi, end.pl, download). */
		transfers: async () => (await state()).stats?.transfers ?? {},
		/** A file's bytes, through the simulator's own API (token, then download). */
		fileContent: async (file) => {
			const res = await fetch(`${sim.baseUrl}/download/get_token.cgi`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ url: file.url }),
			});
			const token = await res.json();
			const local = ctx.localUrl(token.url);
			return Buffer.from(await (await fetch(local)).arrayBuffer());
		},
		/** Download links of the simulator point at loopback; anything else is not fetched. */
		localUrl: (u) => {
			try {
				const url = new URL(u);
				if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return u;
				// The simulator may answer with https://a-N.1fichier.com/<token>-style links; map them to itself.
				return null;
			} catch {
				return null;
			}
		},
		fixtureUrl: (name) => `http://127.0.0.1:${fixturePort}/${name}`,
		fixtureContent: (name) => fs.readFileSync(path.join(fixtures, 'remote', name), 'utf8'),
	};
	return ctx;
}
