/**
 * `options.baseDirectory` of upload: a file read from disk keeps its sub-folders below the base
 * directory, so a directory tree arrives on 1fichier with the same shape.
 *
 * n8n's Read/Write Files from Disk node records where each file came from in the binary's
 * `directory` (n8n-core's prepareBinaryData: `path.parse(<matched path>).dir`, the path as the glob
 * matched it, with forward slashes).
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { posix } from 'path';

import { getFolderId, resolveFolderPath } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { parameterLabel } from '../../helpers/parameterLabels';

/** Forward slashes, no `.`/`..`/doubled separators, no trailing slash (except the root `/`). */
export function normaliseDirectory(directory: string): string {
	const normalised = posix.normalize(directory.trim().replace(/\\/g, '/'));
	return normalised.length > 1 ? normalised.replace(/\/+$/, '') : normalised;
}

/**
 * The part of the binary's directory below `baseDirectory` (`''` for a file directly in it), or
 * undefined when no base directory is set. Checked before any call: a file outside the base
 * would otherwise land somewhere the user did not mean.
 */
export function subPathBelowBase(
	ctx: IExecuteFunctions,
	binary: IBinaryData,
	baseDirectory: string | undefined,
	binaryPropertyName: string,
	itemIndex: number,
): string | undefined {
	if (!baseDirectory?.trim()) return undefined;
	const base = normaliseDirectory(baseDirectory);
	const baseLabel = parameterLabel(ctx, 'options.baseDirectory');
	if (!binary.directory) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The file in input binary field "${binaryPropertyName}" has no directory, so ${baseLabel} cannot place it`,
			{
				itemIndex,
				description: `${baseLabel} works with files read by the Read/Write Files from Disk node, which records each file's directory. Remove ${baseLabel} to upload this file into ${parameterLabel(ctx, 'folder')} itself.`,
			},
		);
	}
	const directory = normaliseDirectory(binary.directory);
	const below = relativeTo(base, directory);
	if (below === undefined) {
		throw new NodeOperationError(ctx.getNode(), `The file's directory "${directory}" is not under ${baseLabel} (${base})`, {
			itemIndex,
			description: `Set ${baseLabel} to the directory the files were read from (the fixed part of the file selector), or a directory above it.`,
		});
	}
	for (const part of below.split('/').filter((name) => name !== '')) {
		assertValidName(ctx.getNode(), `a folder name in the directory "${directory}" of the file`, part, itemIndex, 'the source directory on disk');
	}
	return below;
}

function relativeTo(base: string, directory: string): string | undefined {
	if (directory === base) return '';
	const prefix = base.endsWith('/') ? base : `${base}/`;
	if (base === '.' && !directory.startsWith('/') && !directory.startsWith('../')) return directory;
	return directory.startsWith(prefix) ? directory.slice(prefix.length) : undefined;
}

/** `folder`, then the sub-path below the base directory, created as needed. */
export async function uploadFolderId(ctx: IExecuteFunctions, subPath: string | undefined, itemIndex: number): Promise<number> {
	const folderId = await getFolderId(ctx, 'folder', itemIndex, { createMissing: true });
	if (!subPath) return folderId;
	return await resolveFolderPath(ctx, 'folder', subPath, itemIndex, { createMissing: true }, folderId);
}
