/**
 * What several file operations read the same way: display options, the listing interval, dates,
 * passwords, the file and destination parameters.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getFileInfo } from '../../api/fileInfo';
import { getFileUrl, getFolderId } from '../../helpers/locators';
import { assertValidName } from '../../api/names';
import { zonedWallTimeToEpoch } from '../../api/dates';
import { testOnlyOption } from '../../installation/testSettings';
import type { FileInfoResponse, ZeroOrOne } from '../../api/types';
import { parameterLabel } from '../../helpers/parameterLabels';

/** "List folders is limited to 5 000 results and 1 request per folder per 30s" (api.html via rclone). */
export const DEFAULT_LISTING_INTERVAL_SECONDS = 30;

/** A download token is valid five minutes (docs/1fichier-api.md §2.3). */
export const TOKEN_LIFETIME_MS = 5 * 60_000;

export const show = (operation: string) => ({ show: { resource: ['file'], operation: [operation] } });

/** For tests against a simulator only: out of the editor unless set (installation/testSettings.ts). */
export function listingIntervalOption(): INodeProperties {
	return testOnlyOption({
		displayName: 'Listing Interval (Seconds)',
		name: 'listingIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_LISTING_INTERVAL_SECONDS,
		description:
			'For tests against a local 1fichier simulator: the wait between two listings of the same folder. 1fichier allows one per 30 s; less gets the API key locked.',
	});
}

export function listingIntervalMs(options: IDataObject): number {
	const seconds = options.listingIntervalSeconds;
	return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : DEFAULT_LISTING_INTERVAL_SECONDS * 1000;
}

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * Reads an n8n dateTime parameter. A value without an offset (what the date picker stores) is a
 * wall-clock time in the workflow's time zone, as in n8n's own nodes.
 */
export function parseDateParameter(
	ctx: IExecuteFunctions,
	parameterName: string,
	value: unknown,
	itemIndex: number,
): number {
	const fail = () =>
		new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, parameterName)} is not a valid date: "${String(value)}"`, {
			itemIndex,
			description: 'Use an ISO date such as 2026-01-31T18:00:00 (in the workflow\'s time zone) or 2026-01-31T17:00:00Z.',
		});
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw fail();
		return value.getTime();
	}
	const asIso = value && typeof value === 'object' && 'toISO' in value ? (value as { toISO(): string }).toISO() : value;
	const text = String(asIso ?? '').trim();
	if (ZONED.test(text)) {
		const ms = Date.parse(text);
		if (Number.isNaN(ms)) throw fail();
		return ms;
	}
	const match = LOCAL_DATE_TIME.exec(text);
	if (!match) throw fail();
	const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
	if (Number.isNaN(wall)) throw fail();
	return zonedWallTimeToEpoch(wall, ctx.getTimezone());
}

// ---- small readers -------------------------------------------------------------------------

export const flag = (value: unknown): ZeroOrOne => (value ? 1 : 0);

/** 1fichier wants file passwords of at least 6 characters; empty removes one where allowed. */
export function assertValidPassword(
	ctx: IExecuteFunctions,
	parameterName: string,
	password: string,
	itemIndex: number,
	allowEmpty: boolean,
): void {
	if (password === '' && allowEmpty) return;
	if (password.length < 6) {
		throw new NodeOperationError(ctx.getNode(), `${parameterLabel(ctx, parameterName)} must be at least 6 characters long`, {
			itemIndex,
			description: allowEmpty
				? '1fichier refuses shorter file passwords. Leave it empty to remove the password.'
				: '1fichier refuses shorter file passwords.',
		});
	}
}


/** What move and copy both read: the file, the destination folder, and a new name if it changes the name. */
export interface Destination {
	url: string;
	folderId: number;
	info: FileInfoResponse;
	/** Only when it differs from the current name: 1fichier refuses a rename to the same name (rclone #7856). */
	rename?: string;
}

export async function readDestination(ctx: IExecuteFunctions, itemIndex: number): Promise<Destination> {
	const url = getFileUrl(ctx, 'file', itemIndex);
	const { newName } = ctx.getNodeParameter('options', itemIndex, {}) as { newName?: string };
	if (newName) assertValidName(ctx.getNode(), parameterLabel(ctx, 'options.newName'), newName, itemIndex);
	const folderId = await getFolderId(ctx, 'destinationFolder', itemIndex);
	const info = await getFileInfo(ctx, url, itemIndex, undefined, { file: parameterLabel(ctx, 'file') });
	return { url, folderId, info, rename: newName && newName !== info.filename ? newName : undefined };
}

