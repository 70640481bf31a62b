/** What one run of Folder → Back Up is asked to do (read from the node's parameters by the operation). */
import type { CompareMode } from './decide';
import type { LocalRoot } from './localTree';
import type { PathFilter } from './pathFilter';

export type BackupMode = 'copy' | 'mirror';

export interface BackupSettings {
	itemIndex: number;
	root: LocalRoot;
	filter: PathFilter;
	/** The destination folder; undefined in a dry run when it does not exist yet. */
	destinationId: number | undefined;
	/** The destination as the user named it, for the summary. */
	destinationName: string;
	mode: BackupMode;
	compare: CompareMode;
	dryRun: boolean;
	verifyChecksum: boolean;
	/** An earlier copy whose unchanged files are copied server-side instead of uploaded. */
	copyFromId?: number;
	/** Mirror: the most remote files one run may remove; undefined = the default share. */
	maxDelete?: number;
	clockSkewMs: number;
	/** Between two listings of one folder (30 s on 1fichier). */
	listingIntervalMs: number;
	/** Uploads (each to its own upload server) running at once within a folder. */
	parallelUploads: number;
	keepFileItems: boolean;
	/** The API calls counted before the run (callsOf), so the summary counts what the operation made before it. */
	callsBefore?: Record<string, number>;
}
