/**
 * n8n's own settings, read from the environment the way n8n reads them (`@n8n/config`): the
 * node adapts to how the installation runs (queue mode, its Redis, its binary data mode) without
 * settings of its own.
 */
import { readFileSync } from 'fs';

export type Environment = Record<string, string | undefined>;

/** The process's environment: only n8n's own settings (and this package's one switch) are read from it. */
export function processEnvironment(): Environment {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- reads n8n's own settings (EXECUTIONS_MODE, QUEUE_BULL_*, N8N_DEFAULT_BINARY_DATA_MODE…) the way n8n itself reads them, so queue mode needs no configuration of its own
	return process.env;
}

/** Like n8n's config reader: `NAME`, else the file named by `NAME_FILE` (Docker secrets), quotes stripped. */
export function readSetting(env: Environment, name: string): string | undefined {
	let value = env[name];
	const file = env[`${name}_FILE`];
	if (value === undefined && file) value = readFileSync(file, 'utf8').trim();
	return value?.trim().replace(/^(['"])(.*)\1$/, '$2');
}

export function numberSetting(env: Environment, name: string, fallback: number): number {
	const value = readSetting(env, name);
	const parsed = value === undefined || value === '' ? NaN : Number(value);
	return Number.isFinite(parsed) ? parsed : fallback;
}

export function booleanSetting(env: Environment, name: string, fallback: boolean): boolean {
	const value = readSetting(env, name)?.toLowerCase();
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	return fallback;
}
