import type { IncomingMessage, ServerResponse } from 'node:http';

import { flagOf } from './api/call';
import type { SimulatorContext } from './context';
import { escapeHtml, htmlPage, readSmallBody, sendHtml, sendJson, sendNotFound } from './http-util';
import { hasAcl } from './state';

/**
 * `GET /dir/<id>?json=1` (§2.10): the public listing of a shared folder, as rclone and JD read
 * it. A password-protected folder answers its HTML form until `POST json=1&pass=…` is sent.
 */
export async function serveSharedFolder(req: IncomingMessage, res: ServerResponse, ctx: SimulatorContext, shareUrl: string, query: URLSearchParams): Promise<void> {
	const folder = [...allFolders(ctx)].find((candidate) => candidate.shared?.public && candidate.shared.url === shareUrl);
	if (!folder || !folder.shared) return sendNotFound(res);
	const form = req.method === 'POST' ? new URLSearchParams((await readSmallBody(req, 64 * 1024)).toString('utf8')) : new URLSearchParams();
	const password = folder.shared.pass;
	if (password && form.get('pass') !== password) {
		return sendHtml(res, 200, htmlPage('1fichier.com: protected folder', '<form method="post"><input type="password" name="pass"><input type="submit"></form>'));
	}
	const files = ctx.state.listFiles(folder.id);
	const wantsJson = query.get('json') === '1' || form.get('json') === '1';
	if (!wantsJson) {
		const rows = files
			.map((file) => `<tr><td><a href="${escapeHtml(file.url)}">${escapeHtml(file.filename)}</a></td><td>${file.size}</td></tr>`)
			.join('\n');
		return sendHtml(res, 200, htmlPage(folder.name, `<table>${rows}</table>`));
	}
	sendJson(
		res,
		200,
		files.map((file) => ({ filename: file.filename, link: file.url, size: file.size, password: flagOf(file.pass), acl: hasAcl(file.acl) ? 1 : 0 })),
	);
}

function* allFolders(ctx: SimulatorContext) {
	const pending = [0];
	while (pending.length > 0) {
		const id = pending.pop() as number;
		for (const folder of ctx.state.listFolders(id)) {
			yield folder;
			pending.push(folder.id);
		}
	}
}
