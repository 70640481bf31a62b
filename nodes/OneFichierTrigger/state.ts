/**
 * What the trigger remembers between polls, in the workflow's static data (so across n8n
 * restarts once n8n has saved it). A poll works on a copy and writes it back only after every
 * API call of the poll succeeded: a failed poll leaves the previous state untouched, so the next
 * poll neither skips nor repeats anything.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

export const STATE_VERSION = 1;

/** One watched folder (the chosen folder, and its sub-folders when they are included). */
export interface FolderState {
	/** The `sent_after` of the next listing (1fichier date). */
	since: string;
	/** Newest file date seen so far, if any. */
	newest?: string;
	/** Files dated at or after `since` that were already seen: url → date. Older ones are never listed again. */
	seen: Record<string, string>;
	/** When this folder was last listed with file/ls (epoch ms, this machine's clock). */
	listedAt?: number;
	/**
	 * Files still to fetch after a listing hit 1fichier's 5 000-item cap: those dated from `from`
	 * to `to` (both included), except the `seen` ones of the `to` second. Listed before new files.
	 */
	backlog?: { from: string; to: string; seen: string[] };
}

export interface FileAddedState {
	/** 1fichier date of the first poll: files of folders discovered later are new from here on. */
	startedAt: string;
	folders: Record<string, FolderState>;
}

export interface RemoteState {
	/** Highest request id seen; requests at or below it are known (emitted, or pending below). */
	maxId: number;
	/** Known requests that had not finished at the last poll. */
	pending: number[];
}

export interface TriggerState {
	version: number;
	/** What the state is about (event, folder, options); another watch starts from a new baseline. */
	watch: string;
	fileAdded?: FileAddedState;
	remote?: RemoteState;
}

const STATE_KEY = 'oneFichierTrigger';

/** A private copy of the saved state for this watch, or undefined when there is none (first poll). */
export function loadState(ctx: IPollFunctions, watch: string): TriggerState | undefined {
	const staticData = ctx.getWorkflowStaticData('node');
	const saved = staticData[STATE_KEY] as unknown as TriggerState | undefined;
	if (!saved || typeof saved !== 'object' || saved.version !== STATE_VERSION || saved.watch !== watch) {
		return undefined;
	}
	return JSON.parse(JSON.stringify(saved)) as TriggerState;
}

/** Replaces the saved state in one assignment (n8n notices the change and persists it). */
export function saveState(ctx: IPollFunctions, state: TriggerState): void {
	const staticData = ctx.getWorkflowStaticData('node');
	staticData[STATE_KEY] = JSON.parse(JSON.stringify(state)) as IDataObject;
}
