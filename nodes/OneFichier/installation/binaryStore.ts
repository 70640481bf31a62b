/**
 * What n8n's binary data mode means for big files. In `database` mode (n8n's default in queue
 * mode, where `filesystem` is not supported) n8n keeps each binary whole in memory and in a
 * database column, and refuses one above N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (MiB; 512 by
 * default, 1024 at most). The node cannot stream around that, so it says so before transferring.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Environment } from './n8nSettings';
import { numberSetting, processEnvironment, readSetting } from './n8nSettings';

const MIB = 1024 * 1024;
const MAX_FILE_SIZE_SETTING = 'N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE';

/** n8n's binary data mode, as n8n-core's BinaryDataConfig derives it. */
export function binaryDataMode(env: Environment = processEnvironment()): string {
	return readSetting(env, 'N8N_DEFAULT_BINARY_DATA_MODE') || (readSetting(env, 'EXECUTIONS_MODE') === 'queue' ? 'database' : 'filesystem');
}

/** The largest binary n8n stores in database mode, in bytes. */
export function databaseModeMaxBytes(env: Environment = processEnvironment()): number {
	return Math.min(numberSetting(env, MAX_FILE_SIZE_SETTING, 512), 1024) * MIB;
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

/**
 * A download n8n would refuse to store fails here, once the download's headers say its size and
 * before a byte of the body is read (the connection is closed).
 */
export function refuseIfTooBigForBinaryStore(
	ctx: IExecuteFunctions,
	download: { stream: { destroy(): void }; contentLength?: number; fileName?: string },
	itemIndex: number,
	env: Environment = processEnvironment(),
): void {
	const size = download.contentLength;
	if (size === undefined || binaryDataMode(env) !== 'database') return;
	const maxBytes = databaseModeMaxBytes(env);
	if (size <= maxBytes) return;
	download.stream.destroy();
	throw new NodeOperationError(
		ctx.getNode(),
		`"${download.fileName ?? 'The file'}" (${mib(size)}) is larger than n8n stores in its database binary data mode (${MAX_FILE_SIZE_SETTING} = ${mib(maxBytes)})`,
		{
			itemIndex,
			description: `Nothing was downloaded. Instead: hand out a temporary download link (File → Get Link) to whatever needs the bytes; move files between services with Remote Upload; raise ${MAX_FILE_SIZE_SETTING} (at most 1024 MiB); or switch n8n to S3 binary data mode (N8N_DEFAULT_BINARY_DATA_MODE=s3), which streams files of any size.`,
		},
	);
}

/** In database mode n8n hands the node a stream over a buffer of the whole file: say so in the log. */
export function noteUploadFromDatabaseStore(ctx: IExecuteFunctions, binary: IBinaryData, size: number): void {
	if (!binary.id?.startsWith('database:')) return;
	ctx.logger.info(
		`1fichier: uploading "${binary.fileName ?? 'file'}" (${mib(size)}) from n8n's database binary data mode, in which n8n holds the whole file in memory (up to ${MAX_FILE_SIZE_SETTING}); S3 mode streams big files instead`,
	);
}
