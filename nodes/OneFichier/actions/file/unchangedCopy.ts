/**
 * `ifExists: update`: is the file already in the folder, byte for byte? 1fichier keeps a Whirlpool
 * of every file, so the local bytes are hashed and compared with it. A size difference decides
 * without hashing; a file 1fichier gave no checksum for counts as changed (uploading again is
 * safe, guessing is not).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { normaliseChecksum, prepareWhirlpool, whirlpoolOfStream } from '../../transfer/whirlpool';
import { cancelSignalOf } from '../../api/context';
import type { UploadSource } from '../../transfer/upload';
import type { ApiFile } from '../../api/types';
import { toNumber } from '../../api/types';
import { newestFirst } from '../../api/listing';

/** The stored copy holding exactly these bytes, or undefined when the file must be sent. */
export async function findUnchangedCopy(
	ctx: IExecuteFunctions,
	sameName: ApiFile[],
	source: UploadSource,
): Promise<ApiFile | undefined> {
	const comparable = sameName.filter(
		(file) => toNumber(file.size) === source.size && normaliseChecksum(file.checksum) !== undefined,
	);
	if (comparable.length === 0) return undefined;
	const signal = cancelSignalOf(ctx);
	prepareWhirlpool(ctx.logger);
	const localChecksum = await whirlpoolOfStream(await source.open(), signal);
	const matches = comparable.filter((file) => normaliseChecksum(file.checksum) === localChecksum);
	// Duplicates sharing the bytes: the newest, as skip returns.
	return matches.sort(newestFirst)[0];
}
