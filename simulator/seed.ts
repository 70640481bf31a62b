import type { SimulatorStateStore } from './state';

const HOUR = 3600 * 1000;
/** The smallest valid PNG (1×1 transparent pixel), so image clients get real image bytes. */
const TINY_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

/**
 * `seed: 'demo'`: a small account to click around in (CLI default): folders `backups` (with
 * `nas`), `incoming`, `shared-docs`; a few small files with real bytes; one remote upload job
 * that stays pending forever.
 */
export function seedDemo(state: SimulatorStateStore, now: number): void {
	const backups = state.createFolder(0, 'backups');
	state.createFolder(backups.id, 'nas');
	const incoming = state.createFolder(0, 'incoming');
	state.createFolder(0, 'shared-docs');
	state.addFile(0, 'readme.txt', 'Welcome to the local 1fichier simulator.\n', { date: new Date(now - 48 * HOUR) });
	state.addFile(0, 'pixel.png', TINY_PNG, { date: new Date(now - 47 * HOUR) });
	state.addFile(incoming.id, 'notes.txt', 'Meeting notes: nothing important.\n', { date: new Date(now - 3 * HOUR) });
	state.addFile(incoming.id, 'report.csv', 'id;name;size\n1;alpha;10\n2;beta;20\n', { date: new Date(now - 2 * HOUR) });
	state.addFile(backups.id, 'backup-2024-01-01.tar.gz', Buffer.alloc(4096, 7), { date: new Date(now - 24 * HOUR) });
	state.addRemoteJob(['http://127.0.0.1:9/never-fetched.bin'], incoming.id, {}, true);
}
