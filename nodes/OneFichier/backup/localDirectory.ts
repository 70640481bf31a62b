/** The local directory a restore writes into, resolved the way n8n's file-system helpers resolve paths. */
import type { IExecuteFunctions, ResolvedFilePath } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Stats } from 'fs';
import { lstat } from 'fs/promises';
import path from 'path';
import { parameterLabel } from '../helpers/parameterLabels';

/** lstat (a symlink is reported as one, not followed), or undefined when nothing is there. */
export async function statIfPresent(ctx: IExecuteFunctions, file: string): Promise<Stats | undefined> {
	try {
		return await lstat(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw new NodeOperationError(ctx.getNode(), error as Error, { description: `Reading "${file}" failed.` });
	}
}

/** n8n's resolvePath (real path of what exists) for a path whose last parts may not exist yet. */
async function resolveMaybeMissing(ctx: IExecuteFunctions, directory: string): Promise<ResolvedFilePath> {
	const parent = path.dirname(directory);
	if (parent === directory || (await statIfPresent(ctx, directory))) return await ctx.helpers.resolvePath(directory);
	return path.join(await resolveMaybeMissing(ctx, parent), path.basename(directory)) as ResolvedFilePath;
}

/**
 * Reads, checks and resolves a directory parameter that may not exist yet (it is created as
 * needed): an absolute path, not a file, that n8n's file access settings allow.
 */
export async function resolveTargetDirectory(
	ctx: IExecuteFunctions,
	parameterName: string,
	itemIndex: number,
): Promise<ResolvedFilePath> {
	const raw = String(ctx.getNodeParameter(parameterName, itemIndex, '') ?? '').trim();
	const label = parameterLabel(ctx, parameterName);
	const fail = (message: string, description: string) => new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	if (raw === '') throw fail(`${label} is empty`, 'Give the absolute path of a local directory, e.g. /home/node/restore.');
	if (!path.isAbsolute(raw)) {
		throw fail(`${label} must be an absolute path, got "${raw}"`, 'Give the full path from the root, e.g. /home/node/restore.');
	}
	const resolved = await resolveMaybeMissing(ctx, path.normalize(raw));
	if (ctx.helpers.isFilePathBlocked(resolved)) {
		throw fail(
			`n8n does not allow access to ${label} "${raw}"`,
			'n8n reads and writes files only under N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files) and never in its own folder: choose a directory there, or add this one to that setting.',
		);
	}
	const existing = await statIfPresent(ctx, resolved);
	if (existing && !existing.isDirectory()) throw fail(`${label} is not a directory: "${raw}"`, 'Give a directory, not a file.');
	return resolved;
}
