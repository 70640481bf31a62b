import { KoError } from '../errors';
import { REAL } from '../messages';
import type { StoredFile } from '../state';
import type { ApiCall } from './call';
import { checkFilePassword, fileByUrl, flagParam, intParam, stringParam } from './call';

/** `folder_id` + `filename` names a file in a share with hidden links (§2.3). */
function fileInFolder(call: ApiCall, folderId: number, filename: string): StoredFile {
	const file = call.ctx.state.listFiles(folderId).find((candidate) => candidate.filename === filename);
	if (!file) throw new KoError(REAL.notFound, 404);
	return file;
}

/** `POST /v1/download/get_token.cgi` → `{status, url}` of a temporary link (§2.3). */
export function getToken(call: ApiCall): Record<string, unknown> {
	const { ctx, body } = call;
	// Downloads through the API need a paid account (§1 "Who may use it").
	if (ctx.account.offer === 0) throw new KoError(REAL.mustBeCustomer);
	const folderId = intParam(body, 'folder_id');
	const filename = stringParam(body, 'filename');
	const url = stringParam(body, 'url');
	const file = url === undefined && folderId !== undefined && filename ? fileInFolder(call, folderId, filename) : fileByUrl(call, url);
	// A password guards the download even for the owner (rclone sends `pass` when configured, §2.3).
	checkFilePassword(file, stringParam(body, 'pass'));
	const inline = flagParam(body, 'inline') === 1;
	const token = ctx.tokens.issue(file, ctx.now() + ctx.scaled(ctx.limits.tokenTtlMs), inline);
	return { status: 'OK', url: `${ctx.publicUrl()}/dl/${token}` };
}
