/** n8n's binary data mode, read from the environment variables n8n itself reads. */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { binaryDataMode, databaseModeMaxBytes, noteUploadFromDatabaseStore } from '../../nodes/OneFichier/installation/binaryStore';

describe('n8n\'s binary data mode', () => {
	it('is database in queue mode and filesystem otherwise, unless set', () => {
		expect(binaryDataMode({})).toBe('filesystem');
		expect(binaryDataMode({ EXECUTIONS_MODE: 'queue' })).toBe('database');
		expect(binaryDataMode({ EXECUTIONS_MODE: 'queue', N8N_DEFAULT_BINARY_DATA_MODE: 's3' })).toBe('s3');
	});

	it('stores at most N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE MiB (512 by default, 1024 at most)', () => {
		expect(databaseModeMaxBytes({})).toBe(512 * 1024 * 1024);
		expect(databaseModeMaxBytes({ N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '100' })).toBe(100 * 1024 * 1024);
		expect(databaseModeMaxBytes({ N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '4096' })).toBe(1024 * 1024 * 1024);
	});

	it('logs that n8n holds the file in memory when an upload comes from the database store', () => {
		const info = jest.fn();
		const ctx = { logger: { info } } as unknown as IExecuteFunctions;
		noteUploadFromDatabaseStore(ctx, { id: 'filesystem-v2:abc', fileName: 'a.bin' } as IBinaryData, 10);
		expect(info).not.toHaveBeenCalled();
		noteUploadFromDatabaseStore(ctx, { id: 'database:abc', fileName: 'a.bin' } as IBinaryData, 3 * 1024 * 1024);
		expect(info).toHaveBeenCalledWith(expect.stringContaining('"a.bin" (3.0 MiB) from n8n\'s database binary data mode, in which n8n holds the whole file in memory'));
	});
});
